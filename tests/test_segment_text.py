from __future__ import annotations

from pathlib import Path

from pagesieve.segment_text import segment_text

CARD_PAGE = """标题一行

正文第一段,讲了一件事。

文章推荐

  • 第一条推荐的标题

    这是第一条推荐的摘要,写得很长很长……

    2025年06月24日
    143
  • 第二条推荐的标题

    第二条摘要。

    2025年07月04日
    154

发表回复

  • 网友甲
    网友甲 2026年01月27日

    说得很对!

    联系我们

    邮件:someone@example.com
"""


def test_paragraphs_by_blank_lines_and_offsets() -> None:
    text = "第一段\n\n第二段 第一行\n第二段 第二行\n\n\n第三段  "
    blocks = segment_text(text)
    assert [b.text for b in blocks] == ["第一段", "第二段 第一行\n第二段 第二行", "第三段"]
    for b in blocks:
        assert b.start is not None and b.end is not None
        assert text[b.start : b.end].split() == b.text.split()
    assert [b.index for b in blocks] == [0, 1, 2]


def test_cards_group_title_snippet_date_and_count() -> None:
    blocks = segment_text(CARD_PAGE)
    cards = [b for b in blocks if b.tag_path == "text/li"]
    assert len(cards) == 3
    first = cards[0].text.splitlines()
    assert first == [
        "• 第一条推荐的标题",
        "这是第一条推荐的摘要,写得很长很长……",
        "2025年06月24日",
        "143",
    ]
    # The comment card ends before the indented footer: footer lines are their own blocks.
    assert cards[2].text.splitlines() == ["• 网友甲", "网友甲 2026年01月27日", "说得很对!"]
    texts = [b.text for b in blocks]
    assert texts[-2:] == ["联系我们", "邮件:someone@example.com"]


def test_no_visible_character_lost() -> None:
    blocks = segment_text(CARD_PAGE)
    assert "".join(CARD_PAGE.split()) == "".join("".join(b.text.split()) for b in blocks)


def test_lines_without_blank_lines_are_split_one_per_line() -> None:
    blocks = segment_text("首页\n新闻\n体育")
    assert [b.text for b in blocks] == ["首页", "新闻", "体育"]


def test_empty_and_whitespace() -> None:
    assert segment_text("") == ()
    assert segment_text("  \n\n \t\n") == ()


def test_max_blocks_folds_the_rest_into_the_last_block() -> None:
    text = "\n\n".join(f"段落{i}" for i in range(50))
    blocks = segment_text(text, max_blocks=10)
    assert len(blocks) == 10
    assert blocks[-1].text.splitlines()[0] == "段落9"
    assert blocks[-1].text.splitlines()[-1] == "段落49"
    assert blocks[-1].end == len(text)


def test_seed_page_cards(seed_page: Path) -> None:
    text = seed_page.read_text(encoding="utf-8")
    blocks = segment_text(text)
    cards = [b for b in blocks if b.tag_path == "text/li"]
    assert len(cards) == 14  # ten teaser cards, four comment cards
    assert all(b.text.startswith("•") for b in cards)
    assert "".join(text.split()) == "".join("".join(b.text.split()) for b in blocks)
