"""segment_html: block rule, exclusions, layout facts, monster inputs, and no silent loss.

No loss is checked against an independent computation of the visible text: parse the same input
with Lexbor, remove the invisible subtrees found by CSS selectors, take the body's ``text()`` (C
code, not our walk), and compare the non-whitespace characters in order with the blocks'.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from conftest import shared_files
from pagesieve import segment_html as mod
from pagesieve.decode import decode
from pagesieve.segment_html import MAX_ATTR_WORDS, segment_html
from pagesieve.types import Block

# --------------------------------------------------------------------------- reference helpers

_REF_SKIP = [
    *("script", "style", "template", "svg", "iframe", "object", "embed", "canvas", "video"),
    *("audio", "noembed", "noframes", "datalist", "title", "selectedcontent"),
]
_REF_SEL = ", ".join([*_REF_SKIP, "dialog", "[hidden]", "[style]"])
_REF_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(hidden|collapse)", re.I)


def _ref_hidden(node: LexborNode) -> bool:
    if node.tag in _REF_SKIP:
        return True
    attrs = node.attributes
    if "hidden" in attrs and (attrs["hidden"] or "").lower() != "until-found":
        return True
    if _REF_HIDDEN_STYLE.search(attrs.get("style") or ""):
        return True
    return node.tag == "dialog" and "open" not in attrs


def visible_text(html: str) -> str:
    """The page's visible text, computed without segment_html's walk."""
    html = re.sub("[\ud800-\udfff]", "\ufffd", html)
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return ""
    hidden = [n for n in body.css(_REF_SEL) if _ref_hidden(n)]
    ids = {n.mem_id for n in hidden}
    outermost = []
    for n in hidden:
        p = n.parent
        while p is not None and p.mem_id not in ids:
            p = p.parent
        if p is None:
            outermost.append(n)
    for n in outermost:
        n.decompose()
    return body.text()


def nows(s: str) -> str:
    return "".join(s.split())


def assert_no_loss(html: str, blocks: tuple[Block, ...] | None = None) -> None:
    if blocks is None:
        blocks = segment_html(html)
    expected = nows(visible_text(html))
    got = "".join(nows(b.text) for b in blocks)
    if got != expected:
        i = next(
            (k for k, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
            min(len(expected), len(got)),
        )
        raise AssertionError(
            f"no-loss broken at {i} (expected {len(expected)} chars, got {len(got)}): "
            f"expected …{expected[max(0, i - 30) : i + 30]!r} got …{got[max(0, i - 30) : i + 30]!r}"
        )


def assert_well_formed(blocks: tuple[Block, ...]) -> None:
    for i, b in enumerate(blocks):
        assert b.index == i
        assert b.text and b.text == b.text.strip() and "  " not in b.text
        assert "\n" not in b.text and "\t" not in b.text
        assert b.start is None and b.end is None
        assert b.xpath is not None and b.xpath.startswith("/html")
        assert b.tag_path.startswith("html")
        assert 0 <= b.link_chars <= len(b.text)
        assert b.lines >= 1
        assert len(b.attr_words) <= MAX_ATTR_WORDS


_STEP = re.compile(r"(?:\*\[name\(\)='([^']*)'\]|([^\[/]+))(?:\[(\d+)\])?")


def resolve(tree: LexborHTMLParser, xpath: str) -> LexborNode:
    """Evaluate one of our absolute xpaths on a Lexbor tree (positional steps only)."""
    steps = xpath.split("/")[1:]
    node = tree.root
    assert node is not None and steps[0] == "html"
    for step in steps[1:]:
        m = _STEP.fullmatch(step)
        assert m, step
        name = m.group(1) or m.group(2)
        same = [c for c in node.iter() if c.tag == name]
        if m.group(3) is None:
            assert len(same) == 1, (xpath, step)
            node = same[0]
        else:
            assert len(same) > 1, (xpath, step)
            node = same[int(m.group(3)) - 1]
    return node


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


def texts(blocks: tuple[Block, ...]) -> list[str]:
    return [b.text for b in blocks]


# --------------------------------------------------------------------------- an article page

ARTICLE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>页面标题_新闻网</title>
  <style>body { color: red }</style>
  <script>var tracker = "不可见脚本";</script>
</head>
<body class="page">
  <div id="topNav" class="nav-bar">
    <a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/sports">体育</a>
  </div>
  <div class="main-wrap">
    <div id="articleContent" class="article_content">
      <h1>城市公园今日开放</h1>
      <p class="info">2024-05-01 来源：<a href="/src">本地日报</a></p>
      <p>　　市民可以在<a href="/park">公园</a>里散步。这是第一段正文。</p>
      <p>第二段正文，
         继续介绍公园的设施。</p>
      <div style="display: none">隐藏的广告文字</div>
      <div hidden>另一段隐藏文字</div>
      <template><p>模板里的文字</p></template>
      <!-- 注释里的文字 -->
    </div>
    <div class="relatedNews">
      <h3>相关阅读</h3>
      <ul>
        <li><a href="/1">公园门票免费</a></li>
        <li><a href="/2">周末天气晴朗</a></li>
      </ul>
    </div>
    <div id="comments" class="comment-list">
      <div class="comment-item"><span class="user">网友甲</span>：写得好！</div>
      <div class="comment-item"><span class="user">网友乙</span>：支持。</div>
    </div>
  </div>
  <footer class="site-footer">版权所有 &copy; 2024 新闻网</footer>
  <script>document.write("也不可见");</script>
</body>
</html>
"""


def test_article_page_blocks() -> None:
    blocks = segment_html(ARTICLE)
    assert_well_formed(blocks)
    assert texts(blocks) == [
        "首页 | 新闻 | 体育",
        "城市公园今日开放",
        "2024-05-01 来源：本地日报",
        "市民可以在公园里散步。这是第一段正文。",
        "第二段正文， 继续介绍公园的设施。",
        "相关阅读",
        "公园门票免费",
        "周末天气晴朗",
        "网友甲：写得好！",
        "网友乙：支持。",
        "版权所有 © 2024 新闻网",
    ]
    by_text = {b.text: b for b in blocks}
    nav = by_text["首页 | 新闻 | 体育"]
    assert nav.xpath == "/html/body/div[1]"
    assert nav.tag_path == "html/body/div"
    assert nav.attr_words == ("nav", "bar", "top", "page")  # class words, then id words
    assert nav.link_chars == 6
    h1 = by_text["城市公园今日开放"]
    assert h1.xpath == "/html/body/div[2]/div[1]/h1"
    assert h1.tag_path == "html/body/div/div/h1"
    assert h1.attr_words == ("article", "content", "main", "wrap", "page")
    assert h1.link_chars == 0
    para = by_text["市民可以在公园里散步。这是第一段正文。"]
    assert para.xpath == "/html/body/div[2]/div[1]/p[2]"
    assert para.link_chars == 2
    assert by_text["公园门票免费"].xpath == "/html/body/div[2]/div[2]/ul/li[1]"
    assert by_text["公园门票免费"].attr_words == ("related", "news", "main", "wrap", "page")
    assert by_text["公园门票免费"].link_chars == len("公园门票免费")
    comment = by_text["网友甲：写得好！"]
    assert comment.xpath == "/html/body/div[2]/div[3]/div[1]"
    assert comment.attr_words[:3] == ("comment", "item", "list")
    assert by_text["版权所有 © 2024 新闻网"].xpath == "/html/body/footer"
    assert_no_loss(ARTICLE, blocks)


def test_xpaths_evaluate_with_lxml_to_the_block_element() -> None:
    """On well-formed markup the HTML5 tree and libxml2's agree, so lxml can check our xpaths."""
    page = ARTICLE.replace("<template><p>模板里的文字</p></template>", "") + ""
    page = page.replace(
        '<footer class="site-footer">',
        "<table><tbody><tr><td>单元一</td><td><div>单元二</div>单元二尾</td></tr>"
        "<tr><td>单元三</td></tr></tbody></table><footer>",
    )
    root = lxml.html.document_fromstring(page)
    tree = root.getroottree()
    blocks = segment_html(page)
    assert "单元二尾" in texts(blocks)
    for b in blocks:
        assert b.xpath is not None
        found = root.xpath(b.xpath)
        assert len(found) == 1, b.xpath
        el = found[0]
        assert tree.getpath(el) == b.xpath
        assert b.tag_path == "/".join(a.tag for a in reversed([el, *el.iterancestors()]))
        assert is_subsequence(nows(b.text), nows(el.text_content()))


def test_xpath_indexes_count_hidden_and_skipped_siblings() -> None:
    html = "<body><div hidden>x</div><script>s</script><div>可见</div><p>段</p></body>"
    (b1, b2) = segment_html(html)
    assert (b1.text, b1.xpath) == ("可见", "/html/body/div[2]")
    assert (b2.text, b2.xpath) == ("段", "/html/body/p")


def test_tables_get_tbody_like_a_browser() -> None:
    (b,) = segment_html("<table><tr><td>格子</td></tr></table>")
    assert b.xpath == "/html/body/table/tbody/tr/td"
    assert b.tag_path == "html/body/table/tbody/tr/td"


def test_odd_tag_names_still_give_valid_xpaths() -> None:
    html = "<div><o:p><p>甲</p></o:p><o:p><p>乙</p></o:p></div>"
    blocks = segment_html(html)
    assert [b.xpath for b in blocks] == [
        "/html/body/div/*[name()='o:p'][1]/p",
        "/html/body/div/*[name()='o:p'][2]/p",
    ]
    assert blocks[0].tag_path == "html/body/div/o:p/p"
    tree = LexborHTMLParser(html)
    assert [resolve(tree, b.xpath or "").text() for b in blocks] == ["甲", "乙"]


# --------------------------------------------------------------------------- what is visible


def test_invisible_markup_is_excluded() -> None:
    html = """<html><head><title>标题不是块</title><style>.x{}</style></head><body>
    <p>可见一</p>
    <script>脚本</script><style>样式</style><template>模板</template>
    <div hidden>隐藏属性</div>
    <div hidden="until-found">可找到的内容</div>
    <div style="DISPLAY:NONE">不显示</div>
    <div style="color:red; visibility : hidden">不可见</div>
    <span style="visibility:collapse">折叠</span>
    <div aria-hidden="true">装饰但可见</div>
    <svg><text>矢量文字</text><foreignObject><p>外来</p></foreignObject></svg>
    <iframe>框架后备</iframe><object>对象后备</object><canvas>画布后备</canvas>
    <video>视频后备</video><audio>音频后备</audio>
    <dialog>关闭的对话框</dialog><dialog open>打开的对话框</dialog>
    <input type="hidden" value="隐藏值"><img alt="图片说明">
    <noscript>请启用脚本</noscript>
    <!-- 注释 -->
    <math><mi>x</mi><mo>=</mo><mn>2</mn></math>
    <p>可见二</p>
    </body></html>"""
    blocks = segment_html(html)
    assert_well_formed(blocks)
    assert texts(blocks) == [
        "可见一",
        "可找到的内容",
        "装饰但可见",
        "打开的对话框",
        "请启用脚本",
        "x=2",
        "可见二",
    ]
    assert_no_loss(html, blocks)


def test_noscript_only_page_still_gives_its_text() -> None:
    html = "<html><body><noscript><p>您需要启用JavaScript。</p>请刷新</noscript></body></html>"
    assert texts(segment_html(html)) == ["您需要启用JavaScript。", "请刷新"]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n\t ",
        "<html></html>",
        "<!DOCTYPE html><html><head></head><body></body></html>",
        "<!-- only a comment -->",
        '<html><head><title>App</title><script src="/app.js"></script></head>'
        '<body><div id="root"></div><script>window.__STATE__={}</script></body></html>',
        '<html><head><title>框架</title></head><frameset cols="50%,50%"><frame src="a.html">'
        '<frame src="b.html"><noframes>不支持框架</noframes></frameset></html>',
        "<body><p>\u3000\u3000\xa0</p><div> </div></body>",
    ],
    ids=["empty", "whitespace", "html-only", "empty-doc", "comment", "spa-shell", "frameset", "ws"],
)
def test_empty_pages_give_zero_blocks(html: str) -> None:
    assert segment_html(html) == ()


# --------------------------------------------------------------------------- the block rule


def test_inline_elements_merge_and_block_elements_split() -> None:
    html = (
        "<div class=card>标题<b>粗体</b><span>片段</span><em>强调</em>"
        "<p>段落</p>尾巴<div>内层</div></div>"
    )
    blocks = segment_html(html)
    assert texts(blocks) == ["标题粗体片段强调", "段落", "尾巴", "内层"]
    assert [b.xpath for b in blocks] == [
        "/html/body/div",
        "/html/body/div/p",
        "/html/body/div",
        "/html/body/div/div",
    ]


def test_list_item_with_title_snippet_and_date() -> None:
    html = (
        '<ul><li><a href="/a">标题一</a><p>摘要文字</p>'
        '<span class="date">2024-01-01</span></li></ul>'
    )
    blocks = segment_html(html)
    assert texts(blocks) == ["标题一", "摘要文字", "2024-01-01"]
    assert [b.tag_path for b in blocks] == [
        "html/body/ul/li",
        "html/body/ul/li/p",
        "html/body/ul/li",
    ]
    assert [b.link_chars for b in blocks] == [3, 0, 0]


def test_spaced_inline_elements_keep_words_apart() -> None:
    html = (
        "<p>点击<img src=a.png>这里<button>登录</button>注册<input>完</p>"
        "<select><option>北京</option><option>上海</option></select>"
    )
    assert texts(segment_html(html)) == ["点击 这里 登录 注册 完", "北京 上海"]


def test_br_lines_and_double_br_paragraphs() -> None:
    html = (
        "<div>第一行<br>第二行<br/>\n<br>第二段第一行<br>第二段第二行<br><br><br>第三段"
        "<br>\n \n<br>\n<br>第四段<br></div>"
    )
    blocks = segment_html(html)
    assert texts(blocks) == [
        "第一行 第二行",
        "第二段第一行 第二段第二行",
        "第三段",
        "第四段",
    ]
    assert [b.lines for b in blocks] == [2, 2, 1, 1]
    assert len({b.xpath for b in blocks}) == 1
    assert_no_loss(html, blocks)


def test_br_inside_inline_elements_and_leading_brs() -> None:
    html = "<p><br><br>开头<font>甲<br>乙<br><br>丙</font></p>"
    blocks = segment_html(html)
    assert texts(blocks) == ["开头甲 乙", "丙"]
    assert [b.lines for b in blocks] == [2, 1]


def test_whitespace_is_normalised_but_nothing_visible_dropped() -> None:
    html = "<p>\u3000\u3000第一段\xa0\xa0有\t空格\r\n换行&nbsp;&amp;&lt;实体&gt;\u200b零宽</p>"
    (b,) = segment_html(html)
    assert b.text == "第一段 有 空格 换行 &<实体>\u200b零宽"


def test_link_chars_count_normalised_text_inside_links() -> None:
    html = (
        '<p>前文<a href="/x">  链接  文字 </a>后文<a href="/y"><b>粗</b>体</a></p>'
        '<a href="/z"><div>块在链接里</div></a>'
    )
    b1, b2 = segment_html(html)
    assert b1.text == "前文 链接 文字 后文粗体"
    assert b1.link_chars == len("链接 文字") + len("粗体")
    assert b2.text == "块在链接里"
    assert b2.link_chars == len(b2.text)
    assert b2.link_density == 1.0
    assert b2.xpath == "/html/body/a/div"


def test_an_anchor_without_href_is_not_a_link() -> None:
    # Old forums wrap a whole post in a bare <a> (or <a name=...>): its text is no link text.
    html = (
        "<div><a name=post1><table><tr><td>整篇帖子正文在这里</td></tr></table></a></div>"
        '<p><a>占位</a>与<a href="javascript:ask()">回复</a></p>'
    )
    post, para = segment_html(html)
    assert post.text == "整篇帖子正文在这里"
    assert post.link_chars == 0
    assert para.link_chars == len("回复")


def test_attr_words_split_camel_case_dedupe_nearest_first_and_cap() -> None:
    html = (
        '<div id="mainContent" class="wrap HTMLParser col-md-8 x">'
        '<section class="post_body postBody news123abc 中文类"><p class="text main">正文</p>'
        "</section></div>"
    )
    (b,) = segment_html(html)
    assert b.attr_words == (
        "text",
        "main",
        "post",
        "body",
        "news",
        "abc",
        "中文类",
        "wrap",
        "html",
        "parser",
        "col",
        "md",
        "content",
    )
    outer = " ".join(f"outer{chr(97 + i)}" for i in range(26))
    inner = " ".join(f"w{chr(97 + i)}{chr(97 + i)}" for i in range(20))
    html = (
        f'<div class="{outer}"><div class="{inner} {inner.upper()} extra">'
        '<p class="own">x</p></div></div>'
    )
    (b,) = segment_html(html)
    assert len(b.attr_words) == MAX_ATTR_WORDS
    assert b.attr_words[:3] == ("own", "waa", "wbb")
    assert b.attr_words[20:] == ("wtt", "extra", "outera", "outerb")


def test_attr_words_skip_framework_hooks() -> None:
    # Next.js wraps the whole page in <div id="__next">: "next" would mark every block as a pager.
    html = '<div id="__next"><div class="__jsx-1 comment-list"><p class="a1x9">评论</p></div></div>'
    (b,) = segment_html(html)
    assert b.attr_words == ("comment", "list")


# --------------------------------------------------------------------------- max_blocks


def test_max_blocks_folds_the_rest_into_the_last_block() -> None:
    html = "".join(f"<p>段{i}<br>行</p>" for i in range(10)) + "<p><a href=/>链接</a></p>"
    blocks = segment_html(html, max_blocks=3)
    assert len(blocks) == 3
    assert texts(blocks)[:2] == ["段0 行", "段1 行"]
    assert blocks[2].text == " ".join([*(f"段{i} 行" for i in range(2, 10)), "链接"])
    assert blocks[2].xpath == "/html/body/p[3]"
    assert blocks[2].lines == 8 * 2 + 1
    assert blocks[2].link_chars == 2
    assert_no_loss(html, blocks)
    assert len(segment_html(html)) == 11
    assert segment_html(html, max_blocks=0) == segment_html(html)  # no cap, as segment_text


# --------------------------------------------------------------------------- monster inputs
# Time bounds are generous: the machine running the tests may be shared and slow.


def _timed(html: str, **kw: int) -> tuple[tuple[Block, ...], float]:
    t = time.perf_counter()
    blocks = segment_html(html, **kw)
    return blocks, time.perf_counter() - t


@pytest.mark.parametrize("depth", [260, 5000])
def test_deep_nesting_keeps_the_text(depth: int) -> None:
    html = "<div class=box>" * depth + "深处的文字" + "</div>" * depth + "<p>之后</p>"
    blocks, secs = _timed(html)
    assert texts(blocks) == ["深处的文字", "之后"]
    assert blocks[0].xpath == "/html" + "/body" + "/div" * depth
    assert blocks[0].attr_words == ("box",)
    assert secs < 10
    assert_no_loss(html, blocks)


def test_deep_nesting_with_text_at_every_level() -> None:
    depth = 5000
    html = "".join(f"<div>层{i}" for i in range(depth)) + "</div>" * depth
    blocks, secs = _timed(html)
    assert len(blocks) == depth
    assert blocks[-1].text == f"层{depth - 1}"
    assert blocks[-1].xpath == "/html/body" + "/div" * depth
    assert secs < 20
    html = "<div>" * depth + "".join(f"</div>层{i}" for i in range(depth))
    blocks, secs = _timed(html)
    assert len(blocks) == depth
    assert blocks[0].xpath == "/html/body" + "/div" * (depth - 1)
    assert secs < 20
    assert_no_loss(html, blocks)


def test_deeper_than_max_depth_is_flattened_without_loss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mod, "MAX_DEPTH", 300)
    html = "".join(f"<section><ul><li>项{i}" for i in range(400)) + "底"
    blocks = segment_html(html)
    assert nows("".join(texts(blocks))) == "".join(f"项{i}" for i in range(400)) + "底"
    assert max((b.xpath or "").count("/") for b in blocks) <= 300 + 3


def test_pathologically_deep_lists_finish_quickly() -> None:
    # Unguarded, Lexbor needs tens of seconds for 20,000 nested lists (quadratic tree building).
    n = 20000
    html = "<ul><li>" * n + "最深处" + "</li></ul>" * n + "<p>之后</p>"
    blocks, secs = _timed(html)
    assert texts(blocks) == ["最深处", "之后"]
    assert secs < 15


def test_open_formatting_then_many_paragraphs_finish_quickly() -> None:
    # Every <p> makes the tree builder scan the 20,000 open <b>: the depth budget caps that.
    n = 20000
    html = "<b>" * n + "<p>字</p>" * n
    blocks, secs = _timed(html)
    assert "".join(nows(b.text) for b in blocks) == "字" * n
    assert secs < 15


def test_shallow_pages_are_parsed_as_they_are() -> None:
    assert mod._cap_depth(ARTICLE, mod.MAX_DEPTH, mod.DEPTH_BUDGET) is ARTICLE
    many = "<div><p>段</p></div>" * 4000  # more tags than MAX_DEPTH, all shallow
    assert mod._cap_depth(many, mod.MAX_DEPTH, mod.DEPTH_BUDGET) is many
    deep = "<div>" * 50 + "字" + "</div>" * 50 + "<p>x</p>"
    capped = mod._cap_depth(deep, 10, 10**9)
    assert capped.count("<div>") == 10 and capped.count("</div>") == 10
    assert texts(segment_html(capped)) == ["字", "x"]


def test_60000_unclosed_p_b_i() -> None:
    n = 60000
    html = "<p><b><i>文字" * n
    blocks, secs = _timed(html)
    assert len(blocks) == 5000
    assert "".join(nows(b.text) for b in blocks) == "文字" * n
    assert sum(b.lines for b in blocks) == n
    assert secs < 30


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html><body><div class="a">正文内容<a href="/x', ["正文内容"]),
        ("<div>正文内容</div><p cla", ["正文内容"]),
        ("<div>正文<!-- 没有结束的注释", ["正文"]),
        ("<p>正文</p><script>var x = '<p>不是正文</p>", ["正文"]),
        ("<p>正文&am", ["正文&am"]),
        ("<p>正文\ufffd", ["正文\ufffd"]),
        ("<table><tr><td>格", ["格"]),
    ],
)
def test_page_cut_mid_tag(html: str, expected: list[str]) -> None:
    assert texts(segment_html(html)) == expected


def test_single_12mb_text_node() -> None:
    body = "中文字符 " * 2_400_000
    html = "<html><body><p>" + body + "</p></body></html>"
    blocks, secs = _timed(html)
    assert len(blocks) == 1
    assert blocks[0].text == body.strip()
    assert secs < 20


def test_5mb_unpunctuated_chinese_on_one_line() -> None:
    text = "中国人民" * 1_250_000
    blocks, secs = _timed(f"<div>{text}</div>")
    assert len(blocks) == 1 and blocks[0].text == text
    assert secs < 10


def test_control_characters_and_lone_surrogates() -> None:
    (b,) = segment_html("<p>甲\x00乙\x01丙</p>")
    assert b.text.replace("\x00", "") == "甲乙\x01丙"
    (b,) = segment_html("<p>甲\ud800乙</p>")
    assert b.text == "甲\ufffd乙"


# --------------------------------------------------------------------------- no loss

SYNTHETIC = [
    ARTICLE,
    "<p>一<p>二<div>三<p>四</div>五",
    "<table><tr><td>甲<td>乙<tr><td colspan=2>丙</table>丁",
    "<table>表外文字<tr><td>表内</td></tr></table>",
    "<b>粗<p>段落</b>后</p>尾",
    "<a href=1>链接<div>块</div>续</a><a href=2>二<a href=3>三</a></a>",
    "<ul><li>一<li>二<ul><li>二.一</ul><li>三</ul>",
    "<dl><dt>术语<dd>解释</dl><pre>  预格式\n  文本 </pre>",
    "<form><label>名字<input name=a></label><textarea>默认内容</textarea>"
    "<select><optgroup label=g><option>选项一<option selected>选项二</select>"
    "<button>提交</button></form>",
    "<p>文字<span hidden>隐<b>藏</b></span>可见<span style='display:none'>也隐</span></p>",
    "<div><xmp><p>原样</p></xmp><plaintext><b>之后都是文本",
    "<details><summary>摘要</summary>详细内容</details>",
    "<ruby>汉<rp>(</rp><rt>han</rt><rp>)</rp></ruby>字",
    "<center>居中</center><marquee>跑马灯</marquee><font color=red>红字</font>",
    "<body><p>一</p></body>体后<p>二</p></html>html后",
    "<head><noscript><link rel=x>头里</noscript></head><body>身</body>",
    "<frameset><frame></frameset>框架后",
    "<svg><p>跳出svg的段落</p></svg>",
    "<math><mi>x</mi><p>跳出math</p></math>",
    "<select><selectedcontent></selectedcontent><option>唯一选项</option></select>",
    "<div>a<br>b<br><br>c<hr>d<wbr>e</div>",
    "<p>&#20013;&#x6587;&zwnj;&nbsp;&#0;&#xD800;</p>",
]


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
def test_no_loss_synthetic(html: str) -> None:
    blocks = segment_html(html)
    assert_well_formed(blocks)
    assert_no_loss(html, blocks)


_SHARED_PAGES = [
    "gne-testpages/**/*.html",
    "cwced-zh/pages/*.html",
    "gerapy-samples/**/*.html",
    "readability-zh/**/*.html",
    "trafilatura-zh/pages/*.html",
]


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_the_decoded_input_bytes_give_the_same_blocks(shared_data: Path, pattern: str) -> None:
    """read_page hands the parser the input itself when it is the text's UTF-8
    (`Decoded.utf8`): the blocks are those of the text encoded again, with either walk."""
    kept = 0
    for f in shared_files(shared_data, pattern):
        d = decode(f.read_bytes())
        kept += d.utf8 is not None
        assert d.utf8 is None or d.utf8 == d.text.encode("utf-8"), f
        for fast in {mod._FAST, None}:
            assert mod._segment(d.text, 5000, fast, None, d.utf8) == mod._segment(
                d.text, 5000, fast
            ), f
    assert kept or pattern.startswith("cwced-zh/pages_raw"), "no page kept its input bytes"


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_no_loss_and_xpaths_on_real_pages(shared_data: Path, pattern: str) -> None:
    files = shared_files(shared_data, pattern)
    for f in files:
        html = f.read_bytes().decode("utf-8", errors="replace")
        blocks = segment_html(html)
        assert blocks, f
        assert_well_formed(blocks)
        try:
            assert_no_loss(html, blocks)
        except AssertionError as e:
            raise AssertionError(f"{f}: {e}") from None
        assert mod._cap_depth(html, mod.MAX_DEPTH, mod.DEPTH_BUDGET) is html, f
        tree = LexborHTMLParser(html)
        for b in blocks:
            el = resolve(tree, b.xpath or "")
            assert el.tag == b.tag_path.rsplit("/", 1)[-1], (f, b.xpath)
            assert is_subsequence(nows(b.text), nows(el.text())), (f, b.xpath, b.text[:40])


# --------------------------------------------------------------------------- property test

_FRAGMENTS = [
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<hr>",
    "<span>",
    "</span>",
    '<a href="x">',
    "</a>",
    "<b>",
    "</b>",
    "<i>",
    "<li>",
    "<ul>",
    "</ul>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</table>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<div hidden>",
    '<span style="display:none">',
    '<p style="visibility:hidden">',
    "<template>",
    "</template>",
    "<noscript>",
    "</noscript>",
    "<svg>",
    "</svg>",
    "<math>",
    "<select>",
    "<option>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "<img alt=图>",
    "<o:p>",
    "<dialog>",
    "<dialog open>",
    "<iframe>",
    "</iframe>",
    "<frameset>",
    "<head>",
    "<body>",
    "</body>",
    "<html>",
    "</html>",
    "<h1>",
    "<pre>",
    "<xmp>",
    "<button>",
    "<input>",
    "&amp;",
    "&nbsp;",
    "&#x4e2d;",
    "<",
    ">",
    "</",
    "<!DOCTYPE html>",
    "<font>",
    "<center>",
    '<div class="mainContent">',
    "<plaintext>",
    "\u3000",
    "\n",
    " ",
]
_TEXT = st.text(alphabet="中文字符甲乙 ab1 \n\u3000\u200b&<>/=\"'", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), _TEXT, st.text(max_size=6)), max_size=40).map(
        "".join
    )
)
def test_property_no_exception_and_no_loss(html: str) -> None:
    blocks = segment_html(html)
    assert_well_formed(blocks)
    assert_no_loss(html, blocks)
    few = segment_html(html, max_blocks=2)
    assert len(few) <= 2
    assert "".join(nows(b.text) for b in few) == "".join(nows(b.text) for b in blocks)


def _many_attributes(n: int, *, filler: int = 0) -> str:
    attrs = " ".join(f'a{i}="{i}"' for i in range(n))
    pad = "<p>" + "填" * filler + "</p>" if filler else ""
    return (f'<html><body>{pad}<div {attrs} class="x">属性很多的元素内容</div><p>后文</p>'
            "</body></html>")


def test_a_tag_with_too_many_attributes_keeps_the_first_ones_and_all_text() -> None:
    """Lexbor's attribute check is quadratic (a 3 MB tag: ~100 s, past any time limit): in a
    page of `ATTRIBUTE_SCAN_CHARS` characters or more, the attributes past `MAX_ATTRIBUTES` are
    dropped before parsing; the tag, the text and the rest of the page stay."""
    from pagesieve.segment_html import ATTRIBUTE_SCAN_CHARS, MAX_ATTRIBUTES, _cap_attributes

    html = _many_attributes(60_000)
    assert len(html) >= ATTRIBUTE_SCAN_CHARS
    capped = _cap_attributes(html)
    kept = capped[capped.index("<div "):capped.index(">", capped.index("<div "))]
    assert kept.count("=") == MAX_ATTRIBUTES and f'a{MAX_ATTRIBUTES - 1}="' in kept
    assert 'class="x"' not in kept  # past the limit, like the rest
    assert capped.endswith("属性很多的元素内容</div><p>后文</p></body></html>")
    assert [b.text for b in segment_html(html)] == ["属性很多的元素内容", "后文"]
    small = _many_attributes(600)  # over the limit, but too short a page to be read for it
    assert _cap_attributes(small) is small
    ordinary = _many_attributes(MAX_ATTRIBUTES - 1, filler=ATTRIBUTE_SCAN_CHARS)  # + class
    assert _cap_attributes(ordinary) is ordinary


def test_attributes_are_counted_as_the_tokenizer_reads_tags() -> None:
    """Quoted values may hold > and spaces, a name may hold quotes, and script text, comments
    and end tags hold no attributes: none of these is cut at a limit they do not reach."""
    from pagesieve.segment_html import _attribute_overflows

    assert _attribute_overflows('<a x="1 2 > 3" y=\'>\' z=4 w>t</a>', 3) == [(25, 26)]
    assert _attribute_overflows('<a b"c d=e>', 1) == [(7, 10)]  # the name b"c, then d=e
    assert _attribute_overflows("<script>if (a <b c d e f) x;</script><i j k>", 1) == [(42, 43)]
    assert _attribute_overflows("<!-- <b c d e> --><?x a b c?></i a b c>", 1) == []
    assert _attribute_overflows("<TEXTAREA><b c d e></TEXTAREA><b c d>", 1) == [(35, 36)]
