"""_fastsegment: the compiled walk gives exactly the Python walk's blocks.

Every comparison runs both walks on the same input through `segment_html._segment` (same depth
cap, parse and hidden set; only the walk differs) and compares the Block tuples field by field.
"""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from conftest import compiled_or_skip, shared_files
from pagesieve import segment_html as mod
from pagesieve.decode import decode
from pagesieve.errors import PagesieveError
from pagesieve.training.compose import compose_page, make_families
from test_bad_inputs import CASES
from test_segment_html import _FRAGMENTS, _SHARED_PAGES, _TEXT, SYNTHETIC
from test_training_compose import tiny_corpora

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        mod._FAST, "walk",
        "the compiled walk (pagesieve/_fastsegment) is not built or failed its probe; "
        "`make install` (pip install -e .) builds it",
    )


def assert_same(html: str, fast: Any, max_blocks: int = 5000) -> None:
    want = mod._segment(html, max_blocks, None)
    got = mod._segment(html, max_blocks, fast)
    assert got == want, next(
        ((g, w) for g, w in zip(got, want, strict=False) if g != w), (len(got), len(want))
    )


def test_segment_html_uses_the_compiled_walk(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = fast.walk

    class Spy:
        count_char = staticmethod(fast.count_char)  # _cap_depth's

        @staticmethod
        def walk(*args: Any) -> Any:
            calls.append(1)
            return real(*args)

    monkeypatch.setattr(mod, "_FAST", Spy)
    assert mod.segment_html("<p>一</p><p>二</p>")[1].text == "二"
    assert calls == [1]


def test_pure_switch_turns_it_off() -> None:
    code = (
        "from pagesieve import segment_html, features, tokenize, compiled, links, script\n"
        "print(*(m._FAST for m in (segment_html, features, tokenize, compiled, links, script)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PAGESIEVE_PURE": "1"},
        capture_output=True, text=True, check=True,
    ).stdout
    assert out.split() == ["None"] * 6


def test_probe_page(fast: Any) -> None:
    assert len(mod._segment(mod._PROBE, 5000, fast)) > 10
    assert_same(mod._PROBE, fast)


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
@pytest.mark.parametrize("max_blocks", [5000, 2])
def test_synthetic_pages(html: str, max_blocks: int, fast: Any) -> None:
    assert_same(html, fast, max_blocks)


ODD = [
    # attribute handling: empty, repeated, upper-case, namespaced, unquoted, entity values
    "<div class id=''><p CLASS='A b-C' ID=x_y>甲</p>"
    "<p class='mainContent' class='dup'>乙</p></div>",
    "<section class='news-list hotNews'><article id='post-12 main'>文<b>章</b></article></section>",
    "<math><section class='m' xlink:class='n'>数学</section><mtext><div class=t>文本</div></mtext>"
    "</math>",
    "<svg><foreignObject><p class=f>外来</p></foreignObject></svg>后",
    # custom and odd element names, hidden variants
    "<my-widget class='w'><x-y>自定义</x-y></my-widget><o:p>Word</o:p><a:b c='d'>前缀</a:b>",
    "<div HIDDEN=UNTIL-FOUND>可找</div><div hidden=''>藏</div><div style='VISIBILITY : collapse'>折"
    "</div><dialog open=''>对话</dialog><dialog>关</dialog>",
    # hiding attributes the compiled walk reads itself: values, combinations, odd places
    "<p hidden=UNTIL-FOUND>甲</p><p hidden=hidden>乙</p><p style='visibility: hidden'>丙</p>"
    "<dialog style='display:none' open>丁</dialog><p open>戊</p><p style=''>己</p>"
    "<p style='color:red' hidden=until-found>庚</p><span hidden><b>辛</b></span>壬",
    "<math><dialog>数</dialog><mi hidden>学</mi><mtext><dialog>文</dialog>本</mtext></math>"
    "<svg><foreignObject><dialog>外</dialog></foreignObject></svg><x:dialog>前</x:dialog>"
    "<o:p hidden>缀</o:p><table hidden><tr><td>表</td></tr></table><li style=display:none>项",
    # links, nested links, spaced inline elements, br runs
    "<a href=1>链<b>接 一</b></a> 文 <a>二\n\n三</a><img><input value=x><button>钮</button>",
    "<p><br><br>前<br> <br>后<br><span><br></span><br>尾</p>",
    # text straight under html / after body, comments everywhere, invalid bytes
    "前<!--c--><html>中<body>体</body>后</html>末",
    "<p>\ufffd\x00\x01 \u3000\u00a0 zero\u200bwidth</p>",
    "<table><caption>表</caption><tr><th>头<td>格</table><table><tr><td>二</table>",
]


@pytest.mark.parametrize("html", ODD, ids=range(len(ODD)))
def test_odd_markup(html: str, fast: Any) -> None:
    assert_same(html, fast)


def test_demo_page(fast: Any) -> None:
    assert_same((REPO / "data" / "demo-page.html").read_text(encoding="utf-8"), fast)


def test_composed_pages(fast: Any) -> None:
    corp = tiny_corpora()
    families = [f for f in make_families(3, n_html=16, n_text=0) if f.kind == "html"]
    for i in range(40):
        cp = compose_page(families[i % len(families)], corp, random.Random(i))
        assert_same(cp.raw, fast)


def _decoded(case: Any) -> str | None:
    """The case's page as the segmenter sees it, or None for input refused before it."""
    data = case.data
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)[:100_000]
    try:
        return decode(data, http_charset=case.http_charset).text
    except PagesieveError:
        return None


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.kind == "html" and _decoded(c) is not None], ids=lambda c: c.id
)
def test_bad_input_pages(case: Any, fast: Any) -> None:
    """The bad-input pages (deep nesting, 60,000 unclosed tags, a 12 MB node, empty...)."""
    html = _decoded(case)
    assert html is not None
    assert_same(html, fast)
    assert_same(html, fast, max_blocks=7)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    files = shared_files(shared_data, pattern)
    raw = shared_data / "cwced-zh" / "pages_raw"
    if pattern.startswith("cwced-zh"):  # the GBK originals too, decoded as the reader does
        files += sorted(raw.glob("*.html"))
    for f in files:
        assert_same(decode(f.read_bytes()).text, fast)


# Links the walk meets, skips or never descends into: they all count for the page's site.
LINKS = [
    "<div hidden><a href='http://a.com/1'>藏</a><p><a href=2>二</a></p></div><a href=3>三</a>",
    "<a hidden href=h>藏</a><a href=v style='display:none'>无</a><dialog><a href=d>关</a></dialog>",
    "<object><div><p><a href=o1>1</a><span><a href=o2>2</a></span></p></div><a href=o3>3</a>"
    "</object><video><a href=v1>v</a></video><a href=after>后</a>",
    "<svg><a href='http://s.com/'>s</a><a xlink:href='http://x.com/'>x</a></svg>"
    "<math><a href='http://m.com/'>m</a></math><template><a href=t>t</a></template>",
    "<head><title>t</title><noscript><a href=n>n</a></noscript></head><script>'<a href=s>'"
    "</script><iframe><a href=i>i</a></iframe><select><a href=sel>选</a></select>",
    "<a href=empty></a><a href>无值</a><a href=''>空</a><a>无</a><A HREF='http://UP.com/'>大</A>"
    "<a href=1>一<table><tr><td><a href=2>二</a></td></tr></table>尾</a><br><a href=br></a>",
]


def hrefs_both_ways(html: str, fast: Any) -> tuple[list[str], list[str]]:
    """(The hrefs the compiled walk hands to `links.href_flags`, those `links.link_kinds` reads
    from ``tree.css``.) The query also finds an svg ``<a xlink:href>``, read as "" (no domain, no
    flag, so the same kinds), which the walk leaves out: the second list leaves it out too."""
    tree = LexborHTMLParser(html)
    root = tree.root
    assert root is not None
    walked: list[str] = []

    def record(hrefs: list[str]) -> list[int]:
        walked.extend(hrefs)
        return [0] * len(hrefs)

    fast.walk(root.mem_id, root.tag or "html", 5000, record)
    queried = [a.attrs["href"] or "" for a in tree.css("a[href]") if "href" in a.attrs]
    return walked, queried


@pytest.mark.parametrize("html", LINKS + ODD + SYNTHETIC, ids=range(len(LINKS + ODD + SYNTHETIC)))
def test_walk_collects_the_pages_links(html: str, fast: Any) -> None:
    walked, queried = hrefs_both_ways(html, fast)
    assert walked == queried
    assert_same(html, fast)
    assert_same(html, fast, max_blocks=2)


def test_walk_collects_links_of_skipped_subtrees_in_order(fast: Any) -> None:
    walked, _ = hrefs_both_ways(LINKS[2], fast)
    assert walked == ["o1", "o2", "o3", "v1", "after"]


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_walk_collects_the_links_of_real_pages(
    shared_data: Path, pattern: str, fast: Any
) -> None:
    for f in shared_files(shared_data, pattern):
        walked, queried = hrefs_both_ways(decode(f.read_bytes()).text, fast)
        assert walked == queried, f


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS + ODD + LINKS), _TEXT), max_size=30)
       .map("".join))
def test_property_same_links(html: str) -> None:
    if mod._FAST is None:
        pytest.skip("compiled walk not available (see test_probe_page)")
    walked, queried = hrefs_both_ways(html, mod._FAST)
    assert walked == queried


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS + ODD), _TEXT, st.text(max_size=6)),
             max_size=40).map("".join),
    st.sampled_from([5000, 3]),
)
def test_property_same_blocks(html: str, max_blocks: int) -> None:
    if mod._FAST is None:
        pytest.skip("compiled walk not available (see test_probe_page)")
    assert_same(html, mod._FAST, max_blocks)


DEPTH_TEXTS = [
    "", "<", "</", "<3", "</3>", "<a<b>", "<A></a></A>", "<P><p></P>", "<ul><li><ul><li>",
    "</div></div><div>", "<table><tr><td>" * 3, "<Div>\u3000<p\u3000x>", "<p\x0b>", "<br/><img/>",
    "<colgroup><optgroup></basefont></bgsound>", "<verylongtagname>" * 4, "<!-- <div> -->",
    "<script><div></script>", "<x" + "y" * 20 + ">",
]


@pytest.mark.parametrize("html", DEPTH_TEXTS, ids=range(len(DEPTH_TEXTS)))
def test_depth_estimate(html: str, fast: Any) -> None:
    assert fast.depth_estimate(html) == mod._depth_estimate(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([*_FRAGMENTS, "</ul>", "</li>", "<TABLE>", "</"]),
                          st.text(max_size=4)), max_size=60).map("".join))
def test_property_depth_estimate(html: str) -> None:
    if mod._FAST is None:
        pytest.skip("compiled walk not available (see test_probe_page)")
    assert mod._FAST.depth_estimate(html) == mod._depth_estimate(html)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "html"], ids=lambda c: c.id)
def test_depth_estimate_on_bad_input_pages(case: Any, fast: Any) -> None:
    html = case.data.decode("utf-8", "replace")
    assert fast.depth_estimate(html) == mod._depth_estimate(html)


def test_count_char_is_str_count(fast: Any) -> None:
    """Every string kind (1, 2, 4 bytes a character), characters the kind cannot hold, and
    lengths around the vectorised loops' steps."""
    rng = random.Random(3)
    chars = ["<", "a", "\xe9", "\xff", "\u0100", "中", "\uffff", "😀", "\U0010ffff", "\x00"]
    for _ in range(3_000):
        pool = rng.choice(["<a", "<a\xe9", "<中a", "<😀中a", "".join(chars)])
        text = "".join(rng.choices(pool, k=rng.randint(0, 300)))
        for ch in chars:
            assert fast.count_char(text, ch) == text.count(ch), (text, ch)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_count_char_on_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    for f in shared_files(shared_data, pattern):
        html = decode(f.read_bytes()).text
        assert fast.count_char(html, "<") == html.count("<"), f


def test_unchecked_selectolax_runs_the_python_walk(
    fast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mod._load_fast() is fast
    monkeypatch.setattr(mod, "_CHECKED_SELECTOLAX", ("99.",))
    assert mod._load_fast() is None


def test_memos_across_walks(fast: Any) -> None:
    """The walk's memos of `_merged_words`, `_xpath_step` and `kinds_of_flags` live across
    walks (and `init` empties them): pages read again, in another order and after a re-init,
    give the Python walk's blocks, and the same words and kinds objects for the same inputs."""
    pages = [*SYNTHETIC[:20], (REPO / "data" / "demo-page.html").read_text("utf-8")]
    for html in [*pages, *reversed(pages)]:
        assert_same(html, fast)
    first = mod._segment(pages[-1], 5000, fast)
    again = mod._segment(pages[-1], 5000, fast)
    assert [b.attr_words for b in again] == [b.attr_words for b in first]
    assert all(a.link_kinds is b.link_kinds for a, b in zip(first, again, strict=True))
    assert mod._load_fast() is not None  # a fresh init, memos emptied
    for html in pages:
        assert_same(html, fast)


BLANKS = [
    # whitespace-only text nodes: ASCII blanks (skipped undecoded, or kept as one " " once the
    # run has text), other whitespace (decoded), before, inside and after text, links and <br>
    "<div>\n  <p>\t甲 \n</p>\r\n <p> \x0b\x0c 乙<b> </b>丙</p>  </div>\n",
    "<p>甲<span>\n\t</span>乙<span>\x0b</span>丙<span>\x0c\x0c</span>丁 <i> \r </i> 戊</p>",
    "<p>a<span>\x1c</span>b<span>\x1d\x1e\x1f</span>c</p><p>\x1c\x1f</p><p> \x1c </p>",
    "<p>a<span>\u00a0</span>b<span>\u3000 </span>c<span>\u2028\u0085</span>d</p>"
    "<p>\u00a0</p><p>\u3000\n</p><p> \u2003 </p><p>\u200b</p>",
    "<a href=1> </a><a href=2>\n甲\n</a> <a href=3> 乙 <b> </b> 丙 </a><a href=4>\t</a>尾",
    "<p>  <br> \n <br>甲<br>  <br>\n<br>乙 <br> </p>\n<p>\n<br>\n</p>",
    "<ul>\n<li> 一 </li>\n<li>\n</li>\n<li> 二\n<ul>\n <li> 三 </li>\n</ul>\n</li>\n</ul>",
    "<table>\n <tr>\n  <td> 甲 </td>\n  <td>\n</td>\n <td>乙</td>\n </tr>\n</table>",
    "  \n\t 前 <div> </div> 后 \n",
    "<pre>\n  代码\n\n  行\n</pre><textarea> 文 </textarea><p>\ufffd \ufffd</p>",
]


@pytest.mark.parametrize("html", BLANKS, ids=range(len(BLANKS)))
@pytest.mark.parametrize("max_blocks", [5000, 2, 1])
def test_blank_text_nodes(html: str, max_blocks: int, fast: Any) -> None:
    """Text nodes of nothing but ASCII whitespace take the walk's shortcut; other whitespace
    (\\x1c-\\x1f, no-break and ideographic spaces, U+2028, U+0085) and zero-width characters
    do not: both give the Python walk's blocks, with runs capped by `max_blocks` too."""
    assert_same(html, fast, max_blocks)


def _nest(depth: int, tags: list[str], text: str) -> str:
    opened = [tags[i % len(tags)] for i in range(depth)]
    return "".join(f"<{t}>" for t in opened) + text + "".join(f"</{t}>" for t in reversed(opened))


@pytest.mark.parametrize("depth", [1, 2, 31, 32, 33, 63, 64, 65, 66, 128, 129, 200])
def test_paths_around_the_memo_depths(depth: int, fast: Any) -> None:
    """xpaths and tag_paths of blocks at and around `_MEMO_SHALLOW` and `_MEMO_EVERY`, under
    repeated (indexed) and single siblings, odd tag names (``name()`` steps) included, the
    same frames reached again by later blocks of the page."""
    parts = []
    for tags in (["div"], ["div", "section"], ["span", "o:p", "div"], ["x-y", "p", "my-el"]):
        parts.append(_nest(depth, tags, "甲"))
        parts.append(_nest(depth, tags, "<p>乙</p><p>丙</p>丁"))
        parts.append("<div>" + _nest(depth, tags, "戊") + "<div>己</div></div>")
    html = "<body>" + "".join(parts) + "</body>"
    assert_same(html, fast)
    blocks = mod._segment(html, 5000, fast)
    assert any("[" in b.xpath for b in blocks)


_MARKUP_ATOMS = ["<", ">", "a", "B", "=", '"', "'", " ", "\t", "\n", "/", "!", "-", "?", "中",
                 "<!--", "-->", "--!>", "<!-->", "<!--->", "<script", "</script", "</SCRIPT",
                 "<style>", "</style>", "x=1", "<title>", "</title", "<b ", "K", "\u017f", "😀"]


def test_attribute_overflows_is_the_python_tokenizer(fast: Any) -> None:
    """Random markup (quotes, comments, raw-text elements, odd cases, every string kind) at
    limits 0-3, where nearly every tag overflows."""
    rng = random.Random(11)
    for _ in range(20_000):
        html = "".join(rng.choices(_MARKUP_ATOMS, k=rng.randint(0, 40)))
        limit = rng.randint(0, 3)
        assert fast.attribute_overflows(html, limit) == mod._attribute_overflows(html, limit), (
            html, limit)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_attribute_overflows_on_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    """The same spans at a limit real tags pass; and none at the shipped limit, nor at 64."""
    for f in shared_files(shared_data, pattern):
        html = decode(f.read_bytes()).text
        assert fast.attribute_overflows(html, 6) == mod._attribute_overflows(html, 6), f
        assert fast.attribute_overflows(html, 64) == [], f


def test_attribute_overflows_knows_every_raw_text_element(fast: Any) -> None:
    """The compiled scanner's raw-text names are segment_html's (`_RAW_TEXT`, which `_MARKUP`
    is built from too), and each one's text, in either case, holds no attributes for it."""
    assert fast._raw_text_names == mod._RAW_TEXT
    for name in mod._RAW_TEXT:
        for tag in (name, name.upper()):
            html = f"<{tag} x><b a b c></{tag}><i a b c>"
            want = [(html.index("<i a") + 5, len(html) - 1)]
            assert mod._attribute_overflows(html, 1) == want, tag
            assert fast.attribute_overflows(html, 1) == want, tag
