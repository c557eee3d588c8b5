"""_fastlinks: the compiled href reading gives exactly links.py's facts and flags.

The reference is links.py's Python (`_href_facts`, `_flags`, `majority_domain`); results are
compared by `repr`, so a 0 for a False or a lost flag bit would show."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import compiled_or_skip, shared_files
from pagesieve import links
from test_segment_html import _SHARED_PAGES


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        links._FAST, "href reading",
        "pagesieve/_fastlinks is not built; `make install` (pip install -e .) builds it",
    )


def reference_flags(hrefs: Sequence[str], site: str | None) -> list[int]:
    """links.href_flags in Python once the page's site is known (None: none named)."""
    facts = [links._href_facts(h) for h in hrefs]
    if site is None:
        site = links.majority_domain(dom for dom, _ad in facts if dom is not None)
    return [links._flags(f, site) for f in facts]


def assert_same(hrefs: Sequence[str], fast: Any, sites: Sequence[str | None] = (None,)) -> None:
    for h in hrefs:
        assert repr(fast.href_facts(h)) == repr(links._href_facts(h)), repr(h)
    for site in sites:
        assert fast.href_flags(hrefs, site) == reference_flags(hrefs, site), site


def test_href_flags_uses_it(fast: Any) -> None:
    tree = LexborHTMLParser("<p>x</p>")
    hrefs = ["http://www.a.com/1", "http://ads.a.com/c", "http://www.b.com/"] * 2
    assert links.href_flags(hrefs, tree) == fast.href_flags(hrefs, None)


@pytest.mark.parametrize(
    "href",
    [
        "", " ", "#top", " javascript:void(0)", "JavaScript:;", "javascript", "//cdn.x.com/a.js",
        "HTTP://WWW.Example.COM./Ad/", "http:/x.com/", "1http://x.com/", "a+b.c-d://x.y.cn/go",
        "http://user:pw@ad2.x.com:80/", "http://x@y@rd.z.com/", "http://localhost/ad/",
        "http://x.com\\ad.php", "http://x.com?go", "http://x.com#ad", "http:// x.com/ad",
        "/ad/", "/AD.PHP?x", "/ad.", "/ad.php.bak", "/promo.HTML", "goto.php", "jump.aspx#x",
        "/a//b/clk", "?ad", "http://ad-cdn.x.com/", "http://a.b.doubleclick.net/x",
        "http://1.2.3.4/ad", "https://web.archive.org/web/2020id_/http://ads.x.com/",
        "http://archive.org/x", "http://\u212aad.com/", "/cl\u212a", "http://x.com/\u0130ad",
        "http://ſite.com/", "\u3000http://x.com/ad\xa0", "\x1chttp://x.com/\x1f", "http://中文.com/",
        "http://x.com/广告/ad", "\x00", "http://.../", "http://x..com./ads.",
    ],
)
def test_edge_hrefs(fast: Any, href: str) -> None:
    assert_same([href], fast, (None, "x.com", "other.cn"))


def test_the_majority_site_ties_and_third_parties(fast: Any) -> None:
    """Counter.most_common(3) order: count descending, a tie to the domain met first; third
    parties skipped, the first other one decides."""
    cases = [
        ["http://a.com/"] * 3 + ["http://b.com/"] * 3,
        ["http://b.com/"] * 3 + ["http://a.com/"] * 3,
        ["http://qq.com/"] * 5 + ["http://a.com/"] * 3,
        ["http://qq.com/"] * 5 + ["http://baidu.com/"] * 4 + ["http://w3.org/"] * 4
        + ["http://a.com/"] * 4,
        ["http://a.com/"] * 3 + ["/x"] * 20 + ["http://b.com/"] * 7,
        ["http://a.com/"] * 3 + ["http://b.com/", "http://c.com/"] * 4,
        ["http://a.com/"] * 2,
        [],
    ]
    for hrefs in cases:
        assert_same(hrefs, fast)


_PIECES = [
    "javascript:", "JavaScript:", "//", "/", "http:", "HTTPS:", "a+b.c-d:", "@", ":", ".", "?",
    "#", "\\", " ", "\t", "\x0b", "\x1c", "\xa0", "\u3000", "\x85", "\u212a", "\u0130", "\u017f",
    "ad", "AD", "ads2", "ad-cdn", "click", "clk.php", "goto.PHP", "Jump.aspx", "out.htm", "go.",
    "archive.org/", "web.archive.org/web/2020id_/", "/web/1/", "doubleclick.net", "sina.com.cn",
    "www", "news.", "qq.com", "co.uk", "1.2.3.4", "x", "0", "-", "_", "=", "中文", "%20", "\x00",
    ":80", "user:pw@",
]


def test_random_hrefs(fast: Any) -> None:
    rng = random.Random(4)
    hrefs = ["".join(rng.choices(_PIECES, k=rng.randint(0, 8))) for _ in range(30_000)]
    hrefs += [
        "".join(chr(rng.choice((rng.randrange(128), rng.randrange(0x110000)))) for _ in range(12))
        for _ in range(5_000)
    ]
    for i in range(0, len(hrefs), 500):
        assert_same(hrefs[i : i + 500], fast, (None, "x.com"))


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_every_href_of_the_shared_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    for f in shared_files(shared_data, pattern):
        html = f.read_bytes().decode("utf-8", errors="replace")
        tree = LexborHTMLParser(html)
        hrefs = [a.attrs.get("href") or "" for a in tree.css("a[href]")]
        assert_same(hrefs, fast, (None, links.page_site(tree, None, html), "sina.com.cn"))


_HEAD_NAMES = ("canonical", "og:url", "<base", "<BASE")


def test_head_links_use_the_scan(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    real = fast.holds_any

    class Spy:
        @staticmethod
        def holds_any(source: str, names: tuple[str, ...]) -> bool:
            calls.append(names)
            return bool(real(source, names))

    monkeypatch.setattr(links, "_FAST", Spy)
    html = '<head><meta property="og:url" content="http://a.com/"></head><body><BASE href=x>'
    tree = LexborHTMLParser(html)
    assert [n.tag for n in links._head_links(tree, html)] == ["meta", "base"]
    assert calls == [("canonical", "<base", "<BASE")]


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("", _HEAD_NAMES), ("canonica", _HEAD_NAMES), ("canonical", _HEAD_NAMES),
        ("xcanonical", ("canonical",)), ("<bas", ("<base",)), ("<base", ("<base",)),
        ("<Base <BASe", ("<base", "<BASE")), ("og:ur og:url", ("og:url",)),
        ("中文og:url", ("og:url",)), ("\U0001f600<BASE", _HEAD_NAMES), ("é<base", ("<base",)),
        ("cccanonical", ("canonical", "<base")), ("a", ("a",)), ("ab", ("b", "ab")),
        ("abc", ()), ("<<base", ("<base",)), ("<basecanonical", ("canonical",)),
    ],
)
def test_holds_any_edges(fast: Any, source: str, names: tuple[str, ...]) -> None:
    assert fast.holds_any(source, names) is links._holds_any(source, names)


def test_holds_any_rejects_what_it_cannot_scan(fast: Any) -> None:
    for names in (("",), ("中文",), ("x" * 17,), ("a",) * 9):
        with pytest.raises(ValueError):
            fast.holds_any("abc", names)


_SCAN_PIECES = [
    "canonical", "canonica", "anonical", "og:url", "og:ur", "g:url", "<base", "<bas", "<BASE",
    "<BAS", "base", "<", "c", "o", "g", ":", "e", "l", " ", "中", "é", "\U0001f600", "\x00",
]


def test_holds_any_random(fast: Any) -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        source = "".join(rng.choices(_SCAN_PIECES, k=rng.randint(0, 12)))
        k = rng.randint(0, 4)
        names = tuple(rng.sample([*_HEAD_NAMES, "c", "ca", "e<"], k))
        assert fast.holds_any(source, names) is links._holds_any(source, names), (source, names)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_holds_any_on_the_shared_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    names = [(w,) for w in _HEAD_NAMES] + [_HEAD_NAMES, _HEAD_NAMES[1:]]
    for f in shared_files(shared_data, pattern):
        html = f.read_bytes().decode("utf-8", errors="replace")
        for cut in (html, html[:-9], html.encode("latin-1", "replace").decode("latin-1")):
            for ns in names:
                assert fast.holds_any(cut, ns) is links._holds_any(cut, ns), (f.name, ns)
