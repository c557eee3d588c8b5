"""classify_page, the one core: through the Python API, with the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesieve import DecodeError, InputTooLarge, Limits, classify_page

REPO = Path(__file__).resolve().parents[1]
DEMO = (REPO / "data" / "demo-page.html").read_bytes()


def test_demo_page_gets_all_five_labels() -> None:
    result = classify_page(DEMO, source="demo")
    by_text = {lb.block.text: lb.label.name for lb in result.blocks}
    assert set(by_text.values()) == {"content", "comment", "related", "ad", "boilerplate"}
    assert by_text["城南旧书市重新开张 周末客流破万"] == "content"
    ad_lines = [t for t in by_text if "微乐麻将开挂" in t or "百家乐" in t or "透视挂" in t]
    assert len(ad_lines) == 3 and all(by_text[t] == "ad" for t in ad_lines)
    assert by_text["Copyright © 2026 晨风资讯网 版权所有 浙ICP备2026001234号-1"] == "boilerplate"
    assert "隐藏的文字" not in "".join(by_text)


def test_keep_and_record_shape() -> None:
    result = classify_page(DEMO, keep="content,comment")
    rec = result.to_dict()
    assert rec["kind"] == "html" and rec["encoding"] == "utf-8"
    assert "值得一去" in rec["text"]  # a genuine comment is kept on request
    assert all(
        set(b) >= {"text", "label", "score", "scores", "junk", "xpath", "why"}
        for b in rec["blocks"]
    )


def test_gbk_bytes_and_determinism() -> None:
    text = DEMO.decode("utf-8").replace('charset="utf-8"', 'charset="gbk"')
    data = text.encode("gb18030")
    a = classify_page(data).to_dict()
    b = classify_page(data).to_dict()
    assert a == b
    assert a["encoding"] == "gb18030"
    assert [x["label"] for x in a["blocks"]] == [
        x["label"] for x in classify_page(DEMO).to_dict()["blocks"]
    ]


@pytest.mark.parametrize("data", [b"", "   \n ", b"<html></html>", "<html><body>  </body></html>"])
def test_empty_inputs_give_zero_blocks(data: bytes | str) -> None:
    result = classify_page(data)
    assert result.blocks == () and result.text == "" and result.quality == 0.0


def test_bad_inputs_raise_documented_errors() -> None:
    with pytest.raises(DecodeError):
        classify_page(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(InputTooLarge):
        classify_page(b"x" * 2000, limits=Limits(max_bytes=1000))
    with pytest.raises(ValueError, match="unknown label"):
        classify_page("正文", keep="junk")
