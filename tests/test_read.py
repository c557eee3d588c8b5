"""read_page: decoding and segmentation together, on chosen inputs and on any bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagesieve import DecodeError, InputTooLarge, Limits, read_page
from test_segment_html import nows, visible_text


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


def test_bytes_like_input_and_bad_arguments() -> None:
    """A bytearray or memoryview is read as its bytes; an unknown kind or a non-page value is a
    clear ValueError / TypeError (they were an AttributeError and a KeyError from inside)."""
    data = "<html><body><p>第一段</p></body></html>".encode("gb18030")
    want = [b.text for b in read_page(data).blocks]
    assert [b.text for b in read_page(bytearray(data)).blocks] == want
    assert [b.text for b in read_page(memoryview(data)).blocks] == want
    with pytest.raises(ValueError, match="unknown kind 'pdf'"):
        read_page(data, kind="pdf")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes or str, not int"):
        read_page(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url is a str or None, not int"):
        read_page(data, url=123)  # type: ignore[arg-type]
    from pagesieve import classify_page

    with pytest.raises(TypeError, match=r"limits is a pagesieve\.Limits or None, not dict"):
        classify_page(data, limits={"max_blocks": 3})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="extra is a mapping"):
        classify_page(data, extra=[1, 2])  # type: ignore[arg-type]


def test_limits() -> None:
    with pytest.raises(InputTooLarge, match="over the limit"):
        read_page("正" * 100, limits=Limits(max_bytes=100))
    page = read_page("\n\n".join(["段"] * 30), limits=Limits(max_blocks=5))
    assert len(page.blocks) == 5


def test_lone_surrogates_in_str_are_cleaned() -> None:
    page = read_page("前\ud800后\x00尾")
    assert "\ud800" not in page.text and "\x00" not in page.text


# --- properties: decoding + segmentation on any bytes ----------------------------------------

_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<br>", "<a href=x>", "</a>", "<b>", "<script>",
        "</script>", "<!--", "-->", '<p style="display:none">', "<meta charset=gbk>",
        "<meta charset=big5>", "\n\n", "• ", "镕喆", "新闻正文", "加微信", "\u200b", "\uff21",
        "\u3000", "&amp;", "\x00", "\x07", "<", ">",
    ]
)
_ENCODINGS = st.sampled_from(["utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be"])


def _chunk(piece: str, enc: str) -> bytes:
    return piece.encode(enc, "replace")


_BYTES = st.one_of(
    st.binary(max_size=1024),
    st.tuples(st.lists(_PIECES, max_size=30), _ENCODINGS, st.booleans()).map(
        lambda t: (b"\xef\xbb\xbf" if t[2] and t[1] == "utf-8" else b"")
        + b"".join(_chunk(p, t[1]) for p in t[0])
    ),
    st.lists(st.one_of(st.binary(max_size=8), _PIECES.map(str.encode)), max_size=30).map(
        b"".join
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=_BYTES,
    kind=st.sampled_from(["auto", "html", "text"]),
    charset=st.sampled_from([None, "utf-8", "gbk", "big5", "x-user-defined", "utf8mb4"]),
)
def test_property_any_bytes_every_visible_character_in_exactly_one_block(
    data: bytes, kind: str, charset: str | None
) -> None:
    try:
        page = read_page(data, kind=kind, http_charset=charset)  # type: ignore[arg-type]
    except DecodeError as exc:  # the only documented error for bytes under the size limit
        assert str(exc) and "\n" not in str(exc)
        return
    got = "".join(nows(b.text) for b in page.blocks)
    if page.kind == "text":
        assert got == nows(page.text)
        ends = [0]
        for b in page.blocks:
            assert b.start is not None and b.end is not None
            assert ends[-1] <= b.start < b.end <= len(page.text)  # in order, no overlap
            assert nows(page.text[b.start : b.end]) == nows(b.text)
            ends.append(b.end)
    else:
        assert got == nows(visible_text(page.text))
    assert [b.index for b in page.blocks] == list(range(len(page.blocks)))
