from __future__ import annotations

from pagesieve.features import ATTR_FAMILIES, layout_tokens, page_features, shape_word
from pagesieve.types import Block, Page


def _page(blocks: list[Block], kind: str = "html") -> Page:
    return Page(text="", kind=kind, encoding="utf-8", blocks=tuple(blocks))  # type: ignore[arg-type]


def test_shape_word() -> None:
    assert shape_word("2025") == "<n4>"
    assert shape_word("12.5%") == "<pct>"
    assert shape_word("插件") == "插件"


def test_layout_tokens_name_the_layout() -> None:
    blocks = [
        Block(0, "文章推荐", xpath="/html/body/div/h3", tag_path="html/body/div/h3"),
        Block(
            1,
            "老城区十条街巷完成微改造 2026-03-10",
            xpath="/x",
            tag_path="html/body/div/ul/li",
            attr_words=("rec", "list"),
            link_chars=18,
        ),
        Block(
            2,
            "春季图书订货会开幕 2026-03-09",
            xpath="/y",
            tag_path="html/body/div/ul/li",
            attr_words=("rec", "list"),
            link_chars=14,
        ),
        Block(
            3,
            "Copyright © 2026 晨风资讯网 浙ICP备2026001234号",
            xpath="/z",
            tag_path="html/body/div/p",
            attr_words=("footer",),
        ),
    ]
    toks = layout_tokens(_page(blocks))
    assert "t:li" in toks[1] and "a:ul" in toks[1] and "a:li" not in toks[1]
    assert "t:p" in toks[3] and "a:p" not in toks[3]  # a:… are ancestors only, never the tag
    assert "cf:related" in toks[1] and "date" in toks[1]
    assert "samenext" in toks[1] and "sameprev" in toks[2]
    assert any(t.startswith("pw:") for t in toks[1])  # the heading just above
    assert "icp" in toks[3] and "cf:footer" in toks[3]
    assert "first" in toks[0] and "last" in toks[3]


def test_page_features_shape() -> None:
    blocks = [Block(0, "你好 世界 2025", start=0, end=10, tag_path="text/p")]
    rows = page_features(_page(blocks, kind="text"))
    assert rows.shape == (1, 2)
    assert "<n4>" in rows[0, 0].split()
    assert "k:text" in rows[0, 1].split()


def test_attr_families_are_disjoint_enough() -> None:
    seen: dict[str, str] = {}
    for fam, words in ATTR_FAMILIES.items():
        for w in words:
            assert w not in seen, f"{w} in {fam} and {seen.get(w)}"
            seen[w] = fam


def test_block_words_is_tokenize_then_shape() -> None:
    """The one-pass, memoised `block_words` equals the two-step reference, memo hit or not."""
    from pagesieve.features import block_words
    from pagesieve.tokenize import tokenize

    texts = [
        "2025年3月9日 阅读 1,288 次 涨幅12.5% ｜ 点击进入 www.example.com",
        "ＡＢＣ全角１２３ and Latin words, O'Brien's 3:45 pm…",
        "第１２期 彩金 88888 加微 vx123456 ★★★",
        "市统计局今天发布了去年全市经济运行情况" * 30 + " 2024 年 98.6%",  # past the memo size
        "",
        "   ",
    ]
    for text in texts:
        want = [shape_word(t) for t in tokenize(text, max_chars=50)]
        assert block_words(text, max_chars=50) == want
        assert block_words(text, max_chars=50) == want  # from the memo
        full = [shape_word(t) for t in tokenize(text, max_chars=4000)]
        assert block_words(text, max_chars=4000) == full


def test_ancestor_tokens_name_only_ancestors() -> None:
    """``a:p`` marks a block nested inside a paragraph (old table layouts in quirks mode), not
    a paragraph: had it marked both, its weight learnt on paragraphs (content) drove every
    table cell nested in a <p> to content."""
    blocks = [
        Block(0, "正文段落", xpath="/a", tag_path="html/body/div/p"),
        Block(1, "表格里的推广链接", xpath="/b", tag_path="html/body/p/table/tbody/tr/td"),
    ]
    para, cell = layout_tokens(_page(blocks))
    assert not [t for t in para if t.startswith("a:")]  # html, body, div: none watched
    assert {"a:p", "a:table", "a:tr", "t:td"} <= set(cell) and "a:td" not in cell


def test_stamp_marks_a_card_ending_in_its_date_or_count() -> None:
    """Text pages keep a teaser card (title, snippet, date, count) in one block; its last line
    is the stamp. A comment's date sits on its first lines, and prose ends in prose."""
    card = "• 恩爱二十一年的故事\n二十一年就这么过去了,光阴这东西,真是抓不住\n2025年10月18日\n87"
    comment = "• 勤浩宇\n勤浩宇 2026年01月27日\n我是视听号的签约作者"
    dated = "• 老城区十条街巷完成微改造\n2026-03-10"
    for text, want in ((card, True), (dated, True), (comment, False), ("第1章\n林轩", False),
                       ("2025年10月18日", False)):
        toks = layout_tokens(_page([Block(0, text, xpath="/p", tag_path="text/p")], kind="text"))
        assert ("stamp" in toks[0]) is want, text


def test_who_marks_a_name_with_its_time() -> None:
    """labels.md counts a comment's user name and timestamp with the comment: the line that holds
    only the two (alone, or among a text card's first lines) is ``who``; bylines, datelines with a
    source, dates and counts alone are not."""
    cases = (
        ("勤浩宇 2026年01月27日", True), ("上岸的小陈11-05 10:13", True),
        ("好运来888 2026-03-14 16:02", True), ("老王 3小时前", True),
        ("• 勤浩宇\n勤浩宇 2026年01月27日\n我是视听号的签约作者", True),
        ("2026-03-14 09:20 来源:晨风日报 记者 林晓雯", False), ("来源:北京日报 2025-01-25", False),
        ("发表于 2025-8-14 22:31 | 只看该作者", False), ("2025年06月24日", False), ("143", False),
        ("《自然》 2025-01-01", False), ("北京市统计局盘点去年北京科技创新中心的新进展", False),
    )
    for text, want in cases:
        for kind, path in (("text", "text/p"), ("html", "html/body/div")):
            toks = layout_tokens(_page([Block(0, text, xpath="/p", tag_path=path)], kind=kind))
            assert ("who" in toks[0]) is want, text


def test_link_kinds_become_layout_tokens() -> None:
    """Where a block's links go (links.py) reaches the model as ``lk:`` tokens."""
    blocks = [
        Block(0, "一分钟学会赚钱", xpath="/a", tag_path="html/body/ul/li", link_chars=7,
              link_kinds=("adurl", "off")),
        Block(1, "本站新闻", xpath="/b", tag_path="html/body/ul/li", link_chars=4),
    ]
    ad, own = layout_tokens(_page(blocks))
    assert {"lk:adurl", "lk:off"} <= set(ad)
    assert not [t for t in own if t.startswith("lk:")]
