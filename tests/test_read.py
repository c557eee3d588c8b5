from __future__ import annotations

import pytest

from pagesieve import InputTooLarge, Limits, read_page


def test_bytes_html_and_text() -> None:
    page = read_page("<html><body><p>第一段</p><p>第二段</p></body></html>".encode("gb18030"))
    assert page.kind == "html" and [b.text for b in page.blocks] == ["第一段", "第二段"]
    assert all(b.xpath for b in page.blocks)
    page = read_page("第一段\n\n第二段", source="a.txt")
    assert page.kind == "text" and page.encoding == "utf-8" and page.source == "a.txt"
    assert [(b.start, b.end) for b in page.blocks] == [(0, 3), (5, 8)]


def test_kind_can_be_forced() -> None:
    page = read_page("<p>看起来像标签</p>", kind="text")
    assert page.kind == "text" and page.blocks[0].text == "<p>看起来像标签</p>"


def test_limits() -> None:
    with pytest.raises(InputTooLarge, match="over the limit"):
        read_page("正" * 100, limits=Limits(max_bytes=100))
    page = read_page("\n\n".join(["段"] * 30), limits=Limits(max_blocks=5))
    assert len(page.blocks) == 5


def test_lone_surrogates_in_str_are_cleaned() -> None:
    page = read_page("前\ud800后\x00尾")
    assert "\ud800" not in page.text and "\x00" not in page.text
