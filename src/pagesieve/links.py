"""Stage 2b — where a page's links go: to the page's own site, to another site, to an ad server.

Related lists and menus link within the site; third-party ads link out, and mostly through an
ad server or a click tracker (``cn.rd.yahoo.com/SIG=…``, ``adfarm.mediaplex.com/ad/ck/…``,
``goto.php?…``). That is the signal ad blockers have used for decades, and it does not depend on
any one site's template. `link_kinds` marks each ``<a href>`` of a parsed page with the kinds
below, once per page, so the segmenter can carry them into the blocks (`Block.link_kinds`).

The page's site is the registrable domain of its URL when the caller knows it, else of the
page's canonical link, ``og:url``, "saved from url=" comment or ``<base href>``, else the domain
most of its absolute links go to (`majority_domain`). Without a site no link counts as off-site.
Links rewritten by the Wayback Machine (``web.archive.org/web/<time>/http://…``) are read as the
link they archive.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from .native import compiled_part

__all__ = [
    "AD",
    "OFFSITE",
    "THIRD_PARTY",
    "href_flags",
    "kinds_of_flags",
    "link_flags",
    "link_kinds",
    "majority_domain",
    "page_site",
    "registrable_domain",
    "url_host",
]

#: Flag bits of a link: it leaves the page's site / its URL is an ad server's or click tracker's.
OFFSITE = 1
AD = 2

#: `Block.link_kinds` for each combination of flags (the same tuple objects every time).
_KINDS: tuple[tuple[str, ...], ...] = ((), ("off",), ("adurl",), ("adurl", "off"))


def kinds_of_flags(flags: int) -> tuple[str, ...]:
    """The names of the flags set in `flags` (``("adurl", "off")`` for both)."""
    return _KINDS[flags & 3]


# --------------------------------------------------------------------------------------------
# hosts and domains

_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co", "mil"})
_NUMERIC = re.compile(r"[\d.]+")
#: An absolute or scheme-relative URL: (its host part, the rest).
_SPLIT = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#\s\\]*)(.*)$", re.I | re.S)
_ARCHIVED = re.compile(r"/web/\d+[a-z_]*/((?:https?:)?//[^/\s]+)", re.I)

#: Domains most pages link to whatever their site (analytics, share buttons, licence and
#: registration notices): never taken for the page's own site by `majority_domain`.
THIRD_PARTY = frozenset({
    "baidu.com", "google.com", "googleapis.com", "gstatic.com", "cnzz.com", "51.la", "w3.org",
    "qq.com", "weibo.com", "weibo.cn", "sina.com.cn", "facebook.com", "twitter.com",
    "miibeian.gov.cn", "beian.gov.cn", "mps.gov.cn", "12377.cn", "bshare.cn", "jiathis.com",
    "doubleclick.net", "googlesyndication.com", "macromedia.com", "adobe.com", "microsoft.com",
    "apple.com", "mozilla.org", "wikipedia.org", "archive.org", "creativecommons.org",
})


def registrable_domain(host: str) -> str:
    """``news.sina.com.cn`` -> ``sina.com.cn``; ``www.rfi.fr`` -> ``rfi.fr`` (heuristic PSL)."""
    h = host.strip().lower().rstrip(".")
    h = h.split("@")[-1].split(":")[0]
    labels = [x for x in h.split(".") if x]
    if len(labels) <= 2 or _NUMERIC.fullmatch(h):
        return ".".join(labels)
    if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def url_host(url: str | None) -> str | None:
    """The lower-cased host of an absolute (or scheme-relative) URL; None for relative ones,
    hosts without a dot and anything unreadable. Wayback links give the archived host."""
    if not url:
        return None
    url = url.strip()
    m = _SPLIT.match(url)
    if m is None:
        return None
    host = _bare_host(m.group(1))
    if host.endswith("archive.org"):
        arch = _ARCHIVED.search(url)
        return url_host(arch.group(1)) if arch else None
    if "." not in host:
        return None
    return host


def _bare_host(netloc: str) -> str:
    """``user@News.Example.com.:80`` -> ``news.example.com``."""
    return netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")


def majority_domain(domains: Iterable[str]) -> str | None:
    """The domain of most of a page's absolute links, if it holds >= 30% of them and >= 3
    (common third-party domains skipped): a page links to its own site more than to any other."""
    counts = Counter(domains)
    return _majority_of(counts.most_common(3), sum(counts.values()))


def _majority_of(top: Iterable[tuple[str, int]], total: int) -> str | None:
    """`majority_domain` from the most common domains with their counts (count descending,
    first met first) and the number of links (the compiled part calls it too)."""
    for dom, n in top:
        if dom in THIRD_PARTY:
            continue
        if n >= 3 and n >= 0.3 * total:
            return dom
        break
    return None


# --------------------------------------------------------------------------------------------
# ad URLs

#: Host labels of ad servers and click trackers, as ad-blocking lists know them (``ad.``,
#: ``ads2.``, ``ad-cdn.``, ``click.``, ``rd.`` redirectors, ``union.``/``cpro.`` ad unions…);
#: a label counts with trailing digits or a ``-suffix`` removed.
_AD_HOST_LABELS = frozenset({
    "ad", "ads", "adv", "advert", "adverts", "adserver", "adservice", "adsystem", "adclick",
    "adclicks", "adx", "adfarm", "adnxs", "click", "clicks", "clk", "rd", "redirect", "redir",
    "track", "tracking", "union", "cpro", "pos", "banner", "banners", "sponsor", "promo", "popup",
    "affiliate", "aff",
})
#: Path steps (with or without a script extension) of ad and click-through URLs: ``/ad/``,
#: ``/click.php``, ``goto.php``, ``/redirect?``, ``jump.aspx``…
_AD_PATH_WORDS = frozenset({
    "ad", "ads", "adv", "advert", "adverts", "adclick", "adserver", "banner", "banners", "click",
    "clk", "redirect", "redir", "goto", "go", "jump", "out", "outlink", "aff", "affiliate",
    "track", "sponsor", "popup", "promo",
})
_SCRIPT_EXTS = frozenset({"php", "asp", "aspx", "jsp", "cgi", "do", "htm", "html"})
#: Registrable domains of ad networks and ad trackers.
_AD_DOMAINS = frozenset({
    "doubleclick.net", "googlesyndication.com", "googleadservices.com", "taboola.com",
    "taboola.com.cn", "outbrain.com", "mediaplex.com", "adsame.com", "allyes.com", "allyes.cn",
    "admaster.com.cn", "miaozhen.com", "tanx.com", "mmstat.com",
})
_LABEL_TAIL = re.compile(r"(?:\d+|-.*)$")
_ARCHIVED_URL = re.compile(r"/web/\d+[a-z_]*/((?:https?:)?//\S+)", re.I)


@lru_cache(maxsize=4096)
def _host_facts(host: str) -> tuple[str, bool]:
    """(registrable domain, whether the host is an ad server's) of a lower-case host."""
    domain = registrable_domain(host)
    if domain in _AD_DOMAINS:
        return domain, True
    labels = host[: -len(domain)].split(".") if host.endswith(domain) else []
    return domain, any(_LABEL_TAIL.sub("", x) in _AD_HOST_LABELS for x in labels if x)


def _ad_path(path: str) -> bool:
    """Whether a step of the URL path (query and fragment cut) is an ad or click-through one."""
    for step in path.split("?", 1)[0].split("#", 1)[0].split("/"):
        if not step:
            continue
        stem, dot, ext = step.lower().partition(".")
        if stem in _AD_PATH_WORDS and (not dot or ext in _SCRIPT_EXTS):
            return True
    return False


def link_flags(href: str, site: str | None) -> int:
    """`OFFSITE` | `AD` flags of one ``href`` (as the parser gives it, entities decoded) on a
    page of `site` (a registrable domain, or None when unknown)."""
    return _flags(_href_facts(href), site)


def _flags(facts: tuple[str | None, bool], site: str | None) -> int:
    """`link_flags` from the link's `_href_facts`."""
    domain, ad = facts
    flags = AD if ad else 0
    if site is not None and domain is not None and domain != site:
        flags |= OFFSITE
    return flags


@lru_cache(maxsize=8192)
def _href_facts(href: str) -> tuple[str | None, bool]:
    """(registrable domain of the link's host or None, whether it is an ad URL)."""
    href = href.strip()
    if not href or href[0] == "#" or href[:11].lower() == "javascript:":
        return None, False
    if "archive.org/" in href and (arch := _ARCHIVED_URL.search(href)) is not None:
        href = arch.group(1)
    m = _SPLIT.match(href)
    if m is None:  # a relative link: within the site
        return None, _ad_path(href)
    host = _bare_host(m.group(1))
    ad = _ad_path(m.group(2))
    if "." not in host:
        return None, ad
    domain, ad_host = _host_facts(host)
    return domain, ad or ad_host


# --------------------------------------------------------------------------------------------
# a parsed page

_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->", re.I)


def page_site(tree: Any, url: str | None = None, source: str = "") -> str | None:
    """The registrable domain of the page in `tree` (a selectolax parser), see the module doc.

    `source` is the page's markup: its start is searched for a "saved from url=" comment, and
    the whole of it tells whether the head links may sit outside ``<head>`` (`_head_links`).
    """
    for candidate in _site_candidates(tree, url, source):
        host = url_host(candidate)
        if host:
            return registrable_domain(host)
    return None


_HEAD_SELECTOR = 'link[rel="canonical"], meta[property="og:url"], base[href]'


def _head_links(tree: Any, source: str) -> list[Any]:
    """The canonical link, ``og:url`` and ``<base href>`` nodes, in document order.

    Searched in ``<head>`` only (~0.02 ms against ~0.35 ms for the whole tree), unless the
    source names one that the head does not hold: a page with text before its head elements
    gets them parsed into the body, and some put ``<base>`` there."""
    head = tree.head
    if head is None:
        return list(tree.css(_HEAD_SELECTOR))
    nodes = list(head.css(_HEAD_SELECTOR))
    tags = {node.tag for node in nodes}
    names: tuple[str, ...] = ()  # what the source would say of the ones the head lacks
    if "link" not in tags:
        names += ("canonical",)
    if "meta" not in tags:
        names += ("og:url",)
    if "base" not in tags:
        names += ("<base", "<BASE")
    if names and (_holds_any(source, names) if _FAST is None else _FAST.holds_any(source, names)):
        return list(tree.css(_HEAD_SELECTOR))
    return nodes


def _holds_any(source: str, names: tuple[str, ...]) -> bool:
    """Whether `source` holds one of `names`; the reference of _fastlinks' one-pass scan."""
    return any(name in source for name in names)


def _site_candidates(tree: Any, url: str | None, source: str) -> Iterable[str | None]:
    yield url
    canonical = og_url = base = None
    for node in _head_links(tree, source):  # one query for the three, first of each kept
        attrs = node.attributes
        if node.tag == "link":
            canonical = canonical or attrs.get("href")
        elif node.tag == "meta":
            og_url = og_url or attrs.get("content")
        else:
            base = base or attrs.get("href")
    yield canonical
    yield og_url
    head = source[:5000]
    # every match holds "=(", which needs no case folding to find: the re.I search is slow
    m = _SAVED_FROM.search(head) if "=(" in head else None
    yield m.group(1) if m else None
    yield base


def href_flags(
    hrefs: Sequence[str], tree: Any, url: str | None = None, source: str = ""
) -> list[int]:
    """The `link_flags` of each ``<a href>`` value of the page in `tree`.

    `hrefs` must be all of the page's, in document order: when the page names no site,
    `majority_domain` counts them all and a tie goes to the domain met first. The compiled walk
    (_fastsegment) collects them on its way through the tree; `link_kinds` queries the tree.
    The compiled part (_fastlinks) reads the hrefs when built; this Python is its reference."""
    if not hrefs:
        return []
    if _FAST is not None:
        return _FAST.href_flags(hrefs, page_site(tree, url, source))
    facts = list(map(_href_facts, hrefs))
    site = page_site(tree, url, source)
    if site is None:
        site = majority_domain(dom for dom, _ad in facts if dom is not None)
    return [_flags(f, site) for f in facts]


def link_kinds(tree: Any, url: str | None = None, source: str = "") -> dict[int, int]:
    """``{mem_id: flags}`` of every ``<a href>`` in `tree` that has a flag (`href_flags`)."""
    anchors = tree.css("a[href]")
    # `attrs` reads one attribute (`attributes` would build a dict of all of them); it has no
    # "href" for an svg ``<a xlink:href>``, which the walks do not take for a link either.
    flags = href_flags([a.attrs.get("href") or "" for a in anchors], tree, url, source)
    return {a.mem_id: f for a, f in zip(anchors, flags, strict=True) if f}


def _load_fast() -> Any:
    """The compiled `href_flags` (_fastlinks), handed this module's reference and word sets;
    None when not built or ``PAGESIEVE_PURE=1``."""
    fast = compiled_part("_fastlinks")
    if fast is not None:
        fast.init(
            OFFSITE, AD, _href_facts, _host_facts, _AD_PATH_WORDS, _SCRIPT_EXTS, _majority_of
        )
    return fast


_FAST: Any = _load_fast()
