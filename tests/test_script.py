"""script.py: Traditional Chinese pages are featurised in Simplified characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesieve import classify_page, read_page
from pagesieve.features import page_tokens
from pagesieve.script import is_traditional, simplified

TRADITIONAL = (
    "<html><head><meta charset='big5'></head><body>"
    "<h1>颱風接近東部海面 花蓮山區嚴防豪雨與土石流</h1>"
    "<p>中央氣象署今天上午發布颱風海上警報,縣政府要求各鄉鎮公所完成抽水機預布。</p>"
    "<div class='comment'><span>陳大哥</span> 2025/09/02 15:02"
    "<p>住在鳳林,去年颱風田都被淹了,今年希望平安度過。</p></div></body></html>"
)


def test_traditional_text_is_recognised() -> None:
    assert is_traditional("中央氣象署今天上午發布颱風海上警報,縣政府要求各鄉鎮公所完成抽水機預布。")


def test_simplified_text_with_a_few_traditional_characters_is_not() -> None:
    text = (
        "著名作家在后台接受采访时说,这部小说写了三年,前后改了七稿。他谈到父亲留下的旧书"
        "《東方紀事》,说那是他最早读到的历史故事,也谈到乾隆年间的几桩旧案如何成为小说的线索。"
        "作家表示,下一部作品将回到家乡,写一写运河边上的小镇和那里的人们这些年的变化。"
    )
    assert not is_traditional(text)
    assert not is_traditional("颱風")  # too few characters to judge


def test_a_traditional_page_reads_in_simplified_for_the_features_only() -> None:
    data = TRADITIONAL.encode("big5")
    page = read_page(data)
    converted = simplified(page)
    assert converted is not page
    assert converted.blocks[0].text == "台风接近东部海面 花莲山区严防豪雨与土石流"
    assert [b.xpath for b in converted.blocks] == [b.xpath for b in page.blocks]
    assert page_tokens(page) == page_tokens(converted)
    result = classify_page(data)
    assert result.blocks[0].block.text == "颱風接近東部海面 花蓮山區嚴防豪雨與土石流"


def test_a_simplified_page_is_left_alone() -> None:
    page = read_page("<p>台风接近东部海面,花莲山区严防豪雨与土石流。著名的后来者。</p>".encode())
    assert simplified(page) is page


def test_the_shipped_table_is_what_opencc_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The characters read from `script.TABLE_FILE` are the installed OpenCC's answer; after an
    OpenCC upgrade that changes them, ``python -m pagesieve.script --write-table``. Without the
    file, OpenCC is asked."""
    from pagesieve import script

    assert script.TABLE_FILE.is_file()
    assert script._changed_chars() == script.opencc_changed_chars()
    assert len(script._changed_chars()) > 3000
    monkeypatch.setattr(script, "TABLE_FILE", tmp_path / "missing.txt")
    script._changed_chars.cache_clear()
    try:
        assert script._changed_chars() == script.opencc_changed_chars()
    finally:
        script._changed_chars.cache_clear()


def test_write_table_round_trips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pagesieve import script

    out = tmp_path / "t2s.txt"
    script.write_table(out)
    assert out.read_text(encoding="utf-8").startswith("# ")
    monkeypatch.setattr(script, "TABLE_FILE", out)
    script._changed_chars.cache_clear()
    try:
        assert script._changed_chars() == script.opencc_changed_chars()
    finally:
        script._changed_chars.cache_clear()
