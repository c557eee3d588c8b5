"""The real pages the evaluation runs on, and the site each belongs to.

`load_eval_pages` reads the shared data sets (each with its own loader and kind of gold) or any
folder of pages with gold text, marks the annotated ones, names every page's site
(`infer_site`, then `merge_sites` with the training data's host names, so that held-out folds
never split a site) and its type (`page_type`: article or forum thread).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..batch.sources import input_kind
from ..decode import decode
from ..errors import DecodeError
from . import REPO

__all__ = [
    "DATASETS",
    "DEFAULT_ANNOTATIONS",
    "DEFAULT_SHARED",
    "GOLD_KIND",
    "EvalPage",
    "host_of",
    "infer_site",
    "is_shared_root",
    "load_eval_pages",
    "merge_sites",
    "page_type",
    "registered_domain",
]

#: The shared data folder (beside the repository) and our hand annotations of its pages.
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_ANNOTATIONS = REPO / "data" / "annotations"

#: Data sets read from the shared data folder, in report order.
DATASETS = (
    "cwced-zh",
    "gne-testpages",
    "readability-zh",
    "trafilatura-zh",
    "webmainbench-zh",
    "gerapy-samples",
)
GOLD_KIND = {
    "cwced-zh": "gold (hand-copied main text)",
    "gne-testpages": "silver (GNE's own 2019 output; favours gne)",
    "readability-zh": "expected output of Readability.js (favours readability)",
    "trafilatura-zh": "snippets that must / must not appear (favours trafilatura)",
    "webmainbench-zh": "gold (human markdown)",
    "gerapy-samples": "none (annotations only)",
    "folder": "gold (.gold.txt beside the page)",
}


@dataclass(slots=True)
class EvalPage:
    """One real page to evaluate on (text stays in memory, never in a report)."""

    key: str  # "<dataset>/<id>", the annotation key
    dataset: str
    site: str
    data: bytes  # page bytes as stored (UTF-8 for the shared copies)
    html: str  # the same, decoded, for the peers
    title: str | None = None
    url: str | None = None
    gold: str | None = None
    gold_kind: str | None = None
    snippets_with: tuple[str, ...] = ()
    snippets_without: tuple[str, ...] = ()
    type: str = "article"
    annotated: bool = False
    #: Every host name this page's site goes by (here and in the training data), for exclusion.
    aliases: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)


#: Share, licence, analytics and ad-server domains: links to them say nothing about the site.
_GENERIC_DOMAINS = frozenset({
    "weibo.com", "miit.gov.cn", "beian.gov.cn", "discuz.net", "comsenz.com", "mediaplex.com",
    "doubleclick.net", "google.com", "googleapis.com", "cnzz.com", "51.la", "12377.cn", "conac.cn",
    "w3.org", "adobe.com", "macromedia.com", "microsoft.com", "facebook.com", "twitter.com",
    "qzone.qq.com", "baidu.com", "allyes.com", "hanweb.com", "creativecommons.org",
    "wikimedia.org", "archive.org", "doi.org",
})
_TWO_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co"})


def registered_domain(host: str | None) -> str | None:
    """``news.sina.com.cn`` -> ``sina.com.cn``; ``www.sohu.com`` -> ``sohu.com``; IPs -> None."""
    if not host:
        return None
    h = host.lower().strip(".").split(":")[0]
    if not h or re.fullmatch(r"[\d.]+", h) or "." not in h:
        return None
    parts = h.split(".")
    if len(parts) >= 3 and parts[-2] in _TWO_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


_URL_HINTS = (
    re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->", re.I),
    re.compile(r"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)", re.I),
    re.compile(r"<link[^>]+href=[\"']([^\"']+)[\"'][^>]*rel=[\"']?canonical", re.I),
    re.compile(r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)", re.I),
)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I)


def host_of(url: str) -> str | None:
    """The host of `url` (``//host/...`` too); None when the URL does not parse."""
    if url.startswith("//"):
        url = "http:" + url
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


#: Portal names in a page title, for pages that carry no URL and few links.
_TITLE_BRANDS = (
    ("网易", "163.com"), ("新浪", "sina.com.cn"), ("搜狐", "sohu.com"), ("雅虎", "yahoo.com"),
    ("腾讯", "qq.com"), ("凤凰网", "ifeng.com"), ("人民网", "people.com.cn"),
    ("新华网", "xinhuanet.com"), ("央视", "cctv.com"), ("CCTV", "cctv.com"),
)


def infer_site(
    html: str, url: str | None = None, fallback: str = "unknown", title: str | None = None
) -> str:
    """The site of a page, as a registered domain (``sohu.com``).

    From the page URL; else a "saved from url" comment, a canonical link or ``og:url``; else the
    domain most links point to (at least 3 links, share/ICP/analytics domains ignored); else a
    portal name in the title (网易 -> 163.com, 新浪, 搜狐, 雅虎, 腾讯, 凤凰网, 人民网, 新华网,
    央视); else `fallback`. Pages of one site land in one fold of the held-out evaluation.
    """
    for cand in [url, *(m.group(1) for rx in _URL_HINTS if (m := rx.search(html[:200_000])))]:
        if cand:
            dom = registered_domain(host_of(cand))
            if dom and "archive.org" not in dom:
                return dom
    counts: Counter[str] = Counter()
    for m in _HREF.finditer(html):
        dom = registered_domain(host_of(m.group(1)))
        if dom and dom not in _GENERIC_DOMAINS:
            counts[dom] += 1
    if counts:
        dom, n = counts.most_common(1)[0]
        if n >= 3:
            return dom
    for brand, dom in _TITLE_BRANDS:
        if title and brand in title:
            return dom
    return fallback


_FORUM_NAME = re.compile(r"论坛|社区|bbs|discuz|贴吧|archiver", re.I)
_TITLE_SPLIT = re.compile(r"\s[-_|:：·—–]+\s|[-_|·—–]{1,2}|::|[\[\]【】〖〗]")
_FORUM_FURNITURE = re.compile(
    r"回复此帖|引用此帖|收藏此帖|只看该作者|当值版主|楼层\s*[:：]|第\s*\d+\s*楼(?![盘房])"
)
_OP = re.compile(r"楼主")


def page_type(title: str | None, visible_text: str) -> str:
    """'forum' for a forum thread, else 'article'.

    A simple documented rule: a part of the title other than the first (the site-name part,
    after a separator such as " - ", "_", "|", "::" or inside brackets) names a forum (论坛, 社区,
    BBS, Discuz, 贴吧, Archiver); or the visible text has thread furniture (回复此帖, 引用此帖,
    收藏此帖, 只看该作者, 当值版主, "楼层:", "第 N 楼"), or says 楼主 (original poster) at
    least twice. A comment section under a news story ("全部楼层") does not make a thread.
    """
    if title:
        parts = [x for x in _TITLE_SPLIT.split(title) if x and x.strip()]
        if any(_FORUM_NAME.search(x) for x in parts[1:]):
            return "forum"
    if _FORUM_FURNITURE.search(visible_text) or len(_OP.findall(visible_text)) >= 2:
        return "forum"
    return "article"


def _visible_text(html: str) -> tuple[str | None, str]:
    """(title, visible body text) with selectolax; scripts and styles dropped."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else None
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    return title or None, (body.text(separator=" ") if body is not None else "")


def _markdown_to_text(md: str) -> str:
    """Human gold in markdown to plain lines (markup dropped; words are what ROUGE reads)."""
    out = []
    in_code = False
    for line in md.splitlines():
        s = line.strip()
        if s.startswith("```"):
            in_code = not in_code
            continue
        s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"^(#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s*)", "", s)
        s = s.replace("**", "").replace("`", "").strip("| ")
        if re.fullmatch(r"[-:| ]*", s):
            continue
        out.append(s)
    return "\n".join(out)


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _read_text(path: Path) -> str:
    """A gold file's text, decoded as pagesieve decodes pages (a GBK gold file is common)."""
    return _decoded(path.read_bytes())


def _decoded(data: bytes) -> str:
    """`decode.decode`'s text: what the peers must be given too, or a GBK page reaches them as
    mojibake and scores 0. Bytes it refuses as binary fall back to lenient UTF-8 (they are
    scored, not dropped: a bad page in a gold set is for the report to show)."""
    try:
        return decode(data).text
    except DecodeError:
        return data.decode("utf-8", errors="replace")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _page(key: str, dataset: str, data: bytes, *, site_fallback: str, url: str | None = None,
          title: str | None = None, **kw: Any) -> EvalPage:
    html = _decoded(data)
    vis_title, text = _visible_text(html)
    title = title or vis_title
    site = infer_site(html, url, fallback=site_fallback, title=title)
    return EvalPage(key=key, dataset=dataset, site=site, data=data, html=html, title=title,
                    url=url, type=page_type(title, text), **kw)


def _load_cwced(root: Path) -> list[EvalPage]:
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        title = rec.get("title")
        # Same title, same unknown site; hashed so no page text reaches the report.
        fb = f"cwced-zh:t{_short_hash(title)}" if title else f"cwced-zh:{rec['id'][:8]}"
        out.append(_page(
            f"cwced-zh/{rec['id']}", "cwced-zh", (root / rec["html"]).read_bytes(),
            site_fallback=fb, url=rec.get("url"), title=title,
            gold=_read_text(root / rec["gold"]), gold_kind="gold",
        ))
    return out


def _load_gne(root: Path) -> list[EvalPage]:
    silver = {r["path"]: r for r in _jsonl(root / "silver_gne_2019.jsonl")} if (
        root / "silver_gne_2019.jsonl").is_file() else {}
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        rel = rec["path"]
        s = silver.get(rel)
        out.append(_page(
            f"gne-testpages/{rel.removesuffix('.html')}", "gne-testpages",
            (root / rel).read_bytes(), site_fallback=f"gne:{rec.get('site_dir')}",
            url=rec.get("url"), title=rec.get("title"),
            gold=(str(s["content"]) if s else None), gold_kind=("silver" if s else None),
        ))
    return out


def _load_readability(root: Path) -> list[EvalPage]:
    from ..peers import html_to_text

    out = []
    for d in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        exp = d / "expected.html"
        out.append(_page(
            f"readability-zh/{d.name}", "readability-zh", (d / "source.html").read_bytes(),
            site_fallback=f"readability:{d.name}",
            gold=html_to_text(_read_text(exp)) if exp.is_file() else None,
            gold_kind="expected" if exp.is_file() else None,
        ))
    return out


def _load_trafilatura(root: Path) -> list[EvalPage]:
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        stem = Path(rec["file"]).stem
        url = rec.get("url")
        if url and "web.archive.org" in url:  # the archived page's own site
            m = re.search(r"/web/\d+/(.+)$", url)
            url = m.group(1) if m else url
        out.append(_page(
            f"trafilatura-zh/{stem}", "trafilatura-zh", (root / rec["file"]).read_bytes(),
            site_fallback=f"trafilatura:{stem}", url=url,
            snippets_with=tuple(rec.get("with") or ()),
            snippets_without=tuple(rec.get("without") or ()),
        ))
    return out


def _load_webmainbench(root: Path) -> list[EvalPage]:
    out = []
    for i, rec in enumerate(_jsonl(root / "samples.jsonl")):
        ident = rec.get("track_id") or str(i)
        out.append(_page(
            f"webmainbench-zh/{ident}", "webmainbench-zh", str(rec["html"]).encode("utf-8"),
            site_fallback=f"webmainbench:{ident}", url=rec.get("url"),
            gold=_markdown_to_text(str(rec.get("groundtruth_content") or "")), gold_kind="gold",
        ))
    return out


def _load_gerapy(root: Path, keys: set[str]) -> list[EvalPage]:
    """Only the annotated gerapy pages (no gold text)."""
    out = []
    for f in sorted((root / "samples").rglob("*.html")):
        key = f"gerapy-samples/{f.relative_to(root).with_suffix('').as_posix()}"
        if key in keys:
            out.append(
                _page(key, "gerapy-samples", f.read_bytes(), site_fallback=f"gerapy:{f.stem}")
            )
    return out


def _load_folder(folder: Path) -> list[EvalPage]:
    """Any folder: every .html/.htm page with its gold text in ``<stem>.gold.txt`` or
    ``<stem>.txt`` beside it (pages without gold are kept for annotations)."""
    out = []
    # is_file: a FIFO named *.html would block the read until something wrote to it
    # as `classify` and `clean` read a file's suffix (PAGE.HTM too)
    pages = (f for f in folder.rglob("*") if input_kind(str(f)) == "html")
    for f in sorted(f for f in pages if f.is_file()):
        gold_file = next((g for g in (f.with_suffix(".gold.txt"), f.with_suffix(".txt"))
                          if g.is_file()), None)
        rel = f.relative_to(folder).with_suffix("").as_posix()
        gold = _read_text(gold_file) if gold_file else None
        if gold is not None and not gold.strip():
            gold = None  # an empty gold file: nothing to score against, not a score of 0
        out.append(_page(
            f"{folder.name}/{rel}", folder.name, f.read_bytes(),
            site_fallback=f"{folder.name}:{f.parent.name}",
            gold=gold, gold_kind="gold" if gold is not None else None,
        ))
    return out


_LOADERS: dict[str, Callable[[Path], list[EvalPage]]] = {
    "cwced-zh": _load_cwced,
    "gne-testpages": _load_gne,
    "readability-zh": _load_readability,
    "trafilatura-zh": _load_trafilatura,
    "webmainbench-zh": _load_webmainbench,
}


def is_shared_root(path: Path) -> bool:
    """True when `path` is the shared data folder (it holds one of the data sets)."""
    return any((path / d).is_dir() for d in _LOADERS)


def load_eval_pages(
    path: Path,
    *,
    annotations: Mapping[str, Any] | None = None,
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[EvalPage]:
    """Evaluation pages under `path`: the shared data folder, one of its data sets, or any folder
    of pages with gold text. Annotated pages are marked (`annotated`); `limit` caps pages per
    data set (annotated pages first, for quick runs)."""
    path = Path(path)
    keys = set(annotations or {})
    if is_shared_root(path):
        root, names = path, [d for d in DATASETS if (path / d).is_dir()]
    elif path.name in DATASETS:
        root, names = path.parent, [path.name]
    else:
        root, names = path, []
    if datasets is not None:
        wanted = set(datasets)
        names = [n for n in names if n in wanted]
    pages: list[EvalPage] = []
    if names:
        for name in names:
            loaded = (_load_gerapy(root / name, keys) if name == "gerapy-samples"
                      else _LOADERS[name](root / name))
            if limit is not None:
                loaded.sort(key=lambda p: (p.key not in keys, p.key))
                loaded = loaded[:limit]
            pages.extend(loaded)
    else:
        pages = _load_folder(path)
        if limit is not None:
            pages = pages[:limit]
    for p in pages:
        p.annotated = p.key in keys
    if names:
        merge_sites(pages, _training_hosts(root))
    return pages


def _training_hosts(root: Path) -> dict[str, str]:
    """Host of every real page as the training data builder names it (page id -> host)."""
    try:
        from ..training.realpages import load_real_pages
    except ImportError:
        return {}
    try:
        return {rp.page_id: rp.host for rp in load_real_pages(root, with_ungolded=True) if rp.host}
    except (OSError, ValueError, KeyError):
        return {}


def _is_domain(name: str) -> bool:
    return ":" not in name and not name.startswith(("unknown-", "gne-")) and "." in name


def merge_sites(pages: Sequence[EvalPage], train_hosts: Mapping[str, str]) -> None:
    """Put pages that share a site under either naming (`infer_site` here, the training data's
    host there) into one site group, so no site is split between training and test.

    The group is named after its most common real domain (else its first name, sorted).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for p in pages:
        p.aliases = {p.site}
        host = train_hosts.get(p.key)
        if host:
            p.aliases.add(host)
            if _is_domain(host):
                p.aliases.add(registered_domain(host) or host)
        names = sorted(p.aliases)
        for n in names[1:]:
            union(names[0], n)
    groups: dict[str, list[EvalPage]] = defaultdict(list)
    for p in pages:
        groups[find(p.site)].append(p)
    for members in groups.values():
        domains = Counter(a for m in members for a in m.aliases if _is_domain(a))
        everything = sorted({a for m in members for a in m.aliases})
        name = (sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if domains
                else everything[0])
        for m in members:
            m.site = name
            m.aliases = set(everything)
