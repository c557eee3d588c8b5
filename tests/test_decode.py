"""Stage 1: bytes to text. Cases 1-7 and 12 of docs/bad-inputs.md, plus the real GBK pages."""

from __future__ import annotations

import gzip
import json
import random
import re
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pagesieve.decode import _UNSAFE_BYTES, Decoded, _has_unsafe, clean_text, decode, sniff_kind
from pagesieve.errors import DecodeError

# Names outside GB2312 (镕 of 朱镕基, 喆 of 陶喆): GB2312 decoders lose them, GB18030 keeps them.
ZH = "朱镕基总理和陶喆在北京会见了来自全国各地的代表，大家就经济发展问题交换了意见。"
ZH_HANT = "朱鎔基總理和陶喆在北京會見了來自全國各地的代表，大家就經濟發展問題交換了意見。"
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="{cs}"><title>中文</title></head>'
    "<body><div><p>{body}</p></div></body></html>"
)
OLD_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">'
    "<title>中文</title></head><body><p>{body}</p></body></html>"
)


def page(cs: str, body: str = ZH, template: str = PAGE) -> str:
    return template.format(cs=cs, body=body)


def check(d: Decoded, text: str, encoding: str) -> None:
    assert isinstance(d, Decoded)
    assert d.text == text
    assert d.encoding == encoding


# -- case 1: GB2312 declared, GB18030 characters ----------------------------------------------


@pytest.mark.parametrize(
    "label", ["gb2312", "GB2312", "gbk", "GBK", "x-gbk", "gb_2312-80", "cp936"]
)
@pytest.mark.parametrize("template", [PAGE, OLD_PAGE])
def test_gbk_family_is_read_as_gb18030(label: str, template: str) -> None:
    html = page(label, template=template)
    d = decode(html.encode("gb18030"))
    check(d, html, "gb18030")
    assert "镕" in d.text and "喆" in d.text


def test_gb18030_four_byte_characters_survive() -> None:
    html = page("gb2312", ZH + "𠀀€")  # outside GBK: four-byte GB18030 sequences
    check(decode(html.encode("gb18030")), html, "gb18030")


# -- case 2: UTF-8 bytes under a GBK declaration ----------------------------------------------


@pytest.mark.parametrize("label", ["gbk", "gb2312", "big5", "windows-1252", "euc-kr"])
def test_utf8_bytes_under_a_wrong_meta_decode_as_utf8(label: str) -> None:
    html = page(label)
    d = decode(html.encode("utf-8"))
    check(d, html, "utf-8")
    assert any("contradicted by bytes: utf-8" in n for n in d.notes)


def test_utf8_bytes_under_a_wrong_http_header_decode_as_utf8() -> None:
    html = page("utf-8")
    d = decode(html.encode("utf-8"), http_charset="gbk")
    check(d, html, "utf-8")
    assert "http header gb18030 contradicted by bytes: utf-8" in d.notes


# -- case 3: the check catches wrong declarations ---------------------------------------------


def test_gbk_body_under_http_utf8_and_meta_gbk() -> None:
    html = page("gbk")
    d = decode(html.encode("gb18030"), http_charset="utf-8")
    check(d, html, "gb18030")
    assert "http header utf-8 contradicted by bytes: gb18030" in d.notes


def test_gbk_body_under_http_utf8_without_meta() -> None:
    html = page("", ZH * 3).replace('<meta charset="">', "")
    d = decode(html.encode("gb18030"), http_charset="UTF-8")
    check(d, html, "gb18030")
    assert any("contradicted" in n for n in d.notes)


def test_big5_meta_on_gbk_body() -> None:
    html = page("big5")
    d = decode(html.encode("gb18030"))
    check(d, html, "gb18030")
    assert "meta big5hkscs contradicted by bytes: gb18030" in d.notes


def test_gbk_meta_on_big5_body() -> None:
    html = page("gbk", ZH_HANT)
    d = decode(html.encode("big5hkscs"))
    check(d, html, "big5hkscs")


def test_latin1_meta_on_gbk_body() -> None:
    """Old Chinese sites often say iso-8859-1; windows-1252 decodes anything, so check it."""
    html = page("iso-8859-1")
    check(decode(html.encode("gb18030")), html, "gb18030")


def test_correct_big5_declaration_is_kept() -> None:
    html = page("big5", ZH_HANT)
    d = decode(html.encode("big5hkscs"))
    check(d, html, "big5hkscs")
    assert d.notes == ("meta: big5hkscs",)


def test_http_charset_may_be_a_whole_content_type() -> None:
    html = page("")
    d = decode(html.encode("gb18030"), http_charset="text/html; charset=GBK")
    check(d, html, "gb18030")
    assert "http header: gb18030" in d.notes


# -- case 4: short input, no declaration ------------------------------------------------------

SHORT_SIMPLIFIED = [
    "中华人民共和国成立了",
    "今天天气很好我们去公园",
    "北京欢迎你",
    "经济发展问题交换意见",
    "你好世界",
    "中文",
    "朱镕基总理",
]
SHORT_TRADITIONAL = [
    "中華人民共和國成立了",
    "今天天氣很好我們去公園",
    "經濟發展問題交換意見",
    "臺灣的朋友們",
    "你好世界",
    "中文",
]


@pytest.mark.parametrize("text", SHORT_SIMPLIFIED)
def test_short_gbk_without_declaration(text: str) -> None:
    check(decode(text.encode("gb18030")), text, "gb18030")


@pytest.mark.parametrize("text", SHORT_TRADITIONAL)
def test_short_big5_without_declaration(text: str) -> None:
    check(decode(text.encode("big5hkscs")), text, "big5hkscs")


@pytest.mark.parametrize("text", SHORT_SIMPLIFIED + SHORT_TRADITIONAL)
def test_short_utf8_without_declaration(text: str) -> None:
    check(decode(text.encode("utf-8")), text, "utf-8")


@pytest.mark.parametrize("text", ["时", "为什么", "女同学", "一时没说些什么", "一时没说些什么" * 3])
def test_short_gbk_that_is_also_valid_utf8(text: str) -> None:
    data = text.encode("gb18030")
    data.decode("utf-8")  # the trap: these GBK bytes are valid UTF-8 too
    check(decode(data, http_charset="gbk"), text, "gb18030")
    meta = "<meta charset=gb2312>" + text
    check(decode(meta.encode("gb18030")), meta, "gb18030")
    if len(text) < 5:  # no declaration: Chinese is preferred for short input
        check(decode(data), text, "gb18030")


# -- case 5: BOMs -----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    html = page("gbk")
    d = decode("\ufeff".encode(codec) + html.encode(codec))
    check(d, html, codec)
    assert f"bom: {codec}" in d.notes


def test_utf8_bom_beats_meta_gbk() -> None:
    html = page("gbk")
    d = decode(b"\xef\xbb\xbf" + html.encode("utf-8"))
    check(d, html, "utf-8")
    assert "meta gb18030 overridden by the bom" in d.notes


def test_utf8_bom_beats_http_header() -> None:
    html = page("utf-8")
    check(decode(b"\xef\xbb\xbf" + html.encode("utf-8"), http_charset="big5"), html, "utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(codec: str) -> None:
    html = page("utf-16")
    check(decode(html.encode(codec)), html, codec)
    check(decode((ZH * 4).encode(codec)), ZH * 4, codec)


def test_utf16_odd_length_does_not_raise() -> None:
    d = decode(b"\xff\xfe" + "中文".encode("utf-16-le") + b"\x41")
    assert d.encoding == "utf-16-le"
    assert d.text.startswith("中文")


# -- case 6: mixed encodings, unknown labels --------------------------------------------------


def test_mixed_mostly_utf8_decodes_as_utf8_with_replacements() -> None:
    utf8 = page("utf-8", ZH * 4).encode("utf-8")
    cut = utf8.index(b"</p>")
    data = utf8[:cut] + ("<p>" + ZH + "</p>").encode("gb18030") + utf8[cut:]
    d = decode(data)
    assert d.encoding == "utf-8"
    assert ZH * 4 in d.text
    assert "\ufffd" in d.text
    assert any("mixed" in n for n in d.notes)


def test_mixed_mostly_gbk_decodes_as_gb18030_with_replacements() -> None:
    gbk = page("gbk", ZH * 4).encode("gb18030")
    d = decode(gbk + ("<p>" + ZH + "</p>").encode("utf-8"))
    assert d.encoding == "gb18030"
    assert ZH * 4 in d.text
    assert any("mixed" in n for n in d.notes)


def test_utf8_with_one_stray_byte_stays_utf8() -> None:
    html = page("utf-8", ZH * 10)
    data = html.encode("utf-8").replace("代表".encode(), b"\xff", 1)
    d = decode(data)
    assert d.encoding == "utf-8"
    assert d.text.count("\ufffd") == 1


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf8mb4", "utf-8"),
        ("UTF8", "utf-8"),
        ("gb_2312-80", "gb18030"),
        ("x-gbk", "gb18030"),
        ("X-GBK", "gb18030"),
        ("GB18030", "gb18030"),
        ("big5-hkscs", "big5hkscs"),
        ("cn-big5", "big5hkscs"),
    ],
)
def test_aliases_are_mapped(label: str, codec: str) -> None:
    body = ZH_HANT if codec == "big5hkscs" else ZH
    html = page(label, body)
    d = decode(html.encode(codec))
    check(d, html, codec)
    assert not any("unknown" in n or "contradicted" in n for n in d.notes)


@pytest.mark.parametrize(
    "label",
    [
        "x-user-defined",
        "zlib",
        "rot13",
        "undefined",
        "utf-7",
        "unicode",
        "idna",
        "base64",
        "hex",
        "nonsense-42",
        "a" * 300,
        "utf-16",
        "utf-32",
        "\u00e9",
        "'\"<>",
    ],
)
@pytest.mark.parametrize("codec", ["gb18030", "utf-8"])
def test_unknown_or_refused_labels_fall_back_to_sniffing(label: str, codec: str) -> None:
    html = page(label)
    for http in (None, label):
        d = decode(html.encode(codec), http_charset=http)
        assert d.encoding == codec
        assert ZH in d.text


# -- case 7: NUL, C0 controls, lone surrogates ------------------------------------------------


def test_nul_dropped_controls_blanked_whitespace_kept() -> None:
    raw = page("utf-8", "甲\x00乙\x01丙\x07丁\x1b戊\x7f己\t庚\n辛\r壬")
    d = decode(raw.encode("utf-8"))
    assert "甲乙 丙 丁 戊 己\t庚\n辛\r壬" in d.text
    assert d.text == clean_text(raw)
    assert any("NUL" in n for n in d.notes)


def test_controls_in_gbk_and_utf16_are_cleaned_too() -> None:
    raw = page("gbk", ZH + "\x00\x02" + ZH)
    assert decode(raw.encode("gb18030")).text == clean_text(raw)
    assert decode(b"\xff\xfe" + raw.encode("utf-16-le")).text == clean_text(raw)


def test_clean_text_fixes_lone_surrogates() -> None:
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean_text("\ud83d\ude00") == "\ufffd\ufffd"  # a pair kept as code units is still junk
    assert clean_text("x\x00y\x0cz") == "xy z"
    assert clean_text("x\x00y\x0cz\ud800", keep_offsets=True) == "x y z\ufffd"
    json.dumps(clean_text("a\ud800\x00b"), ensure_ascii=False).encode("utf-8")


def test_has_unsafe_is_deleting_the_unsafe_bytes_changes_the_length() -> None:
    def plain(data: bytes) -> bool:
        return len(data.translate(None, _UNSAFE_BYTES)) != len(data)

    rng = random.Random(5)
    samples = [b"", bytes(range(256)), b"clean text\t\n\r" * 1000]
    samples += [bytes([b]) for b in range(256)]
    samples += [b"x" * rng.randint(0, 5000) + bytes([rng.randrange(256)]) for _ in range(300)]
    samples += [rng.randbytes(rng.randint(0, 64)) for _ in range(3000)]
    for data in samples:
        assert _has_unsafe(data) is plain(data), data[-20:]


def test_clean_text_returns_the_same_object_when_clean() -> None:
    s = "干净的文本\twith\nnewlines\r"
    assert clean_text(s) is s


def test_lone_surrogate_in_utf16_is_replaced() -> None:
    d = decode(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le"))
    assert d.text == "ab\ufffdcd"


# -- case 12: binary, still-compressed, bombs -------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\n\n  %PDF-1.4\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x00\x00", "zip"),
        (b"BZh91AY&SY\x00\x00", "bzip2"),
        (b"\xfd7zXZ\x00\x00", "xz"),
        (b"\x28\xb5\x2f\xfd\x00", "zstd"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "RIFF"),
    ],
)
def test_binary_formats_raise(data: bytes, what: str) -> None:
    with pytest.raises(DecodeError, match=what):
        decode(data + bytes(range(256)))


def test_still_gzip_encoded_payload_raises_and_says_decompress() -> None:
    data = gzip.compress(page("utf-8").encode("utf-8"))
    with pytest.raises(DecodeError) as err:
        decode(data, http_charset="utf-8")
    msg = str(err.value)
    assert "looks like gzip-compressed data, not a page" in msg
    assert "decompress" in msg and "\n" not in msg


def test_deflate_payload_raises() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode(zlib.compress(bytes(range(256)) * 40, 1))


def test_gzip_bomb_is_not_decompressed() -> None:
    bomb = gzip.compress(b"\x00" * 50_000_000, 9)  # ~50 KB expanding to 50 MB
    with pytest.raises(DecodeError, match="gzip"):
        decode(bomb)


@pytest.mark.parametrize("data", [b"\x00" * 100, b"\x00\x01\x02\x03" * 1000, bytes(range(256)) * 8])
def test_control_heavy_bytes_raise(data: bytes) -> None:
    with pytest.raises(DecodeError, match="binary data"):
        decode(data)


def test_chunk_encoded_payload_decodes_with_a_note() -> None:
    html = page("utf-8")
    d = decode(b"1f4\r\n" + html.encode())
    assert d.text.endswith(html)
    assert any("chunk" in n for n in d.notes)


# -- the input kept for the parser -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        ("<p>中文的新闻正文，足够长的一段话。</p>".encode(), True),  # valid UTF-8
        ("<p>中文\x01正文</p>".encode(), False),  # a control blanked: the text changed
        ("<p>中文正文</p>".encode()[:-6] + "中".encode()[:2], False),  # cut mid-character
        ("<p>中文的新闻正文，足够长的一段话。</p>".encode("gb18030"), False),
        ("\ufeff<p>中文</p>".encode(), False),  # BOM
        (b"<p>plain ascii</p>", False),
    ],
)
def test_utf8_is_the_input_only_when_the_text_is_its_exact_decoding(
    data: bytes, kept: bool
) -> None:
    d = decode(data)
    assert (d.utf8 is data) is kept
    if d.utf8 is not None:
        assert d.text.encode("utf-8") == d.utf8
    assert d == Decoded(d.text, d.encoding, d.notes)  # not compared, not in the repr
    assert "utf8" not in repr(d)


# -- empty, ASCII, truncation, speed ----------------------------------------------------------


def test_empty() -> None:
    assert decode(b"") == Decoded("", "utf-8")


@pytest.mark.parametrize("data", [b" ", b"\n\r\t  \n", b"<html></html>", b"plain ascii"])
def test_ascii(data: bytes) -> None:
    check(decode(data), data.decode("ascii"), "utf-8")


def test_ascii_keeps_the_declared_name() -> None:
    assert decode(b"<meta charset=gbk><p>hi</p>").encoding == "gb18030"
    assert decode(b"hi", http_charset="latin1").encoding == "windows-1252"


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_page_cut_mid_character(codec: str) -> None:
    data = page(codec, ZH * 3).encode(codec)
    data = data[: data.rindex(ZH[-2].encode(codec)) + 1]
    d = decode(data)
    assert d.encoding == codec
    assert d.text.endswith("\ufffd")
    assert "input ends mid-character" in d.notes


def test_bytearray_and_memoryview_accepted() -> None:
    data = page("utf-8").encode()
    assert decode(bytearray(data)).text == decode(memoryview(data)).text == page("utf-8")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("日本語のテキストです。これはテストの文章で、ひらがなを含みます。" * 3, "shift_jis"),
        ("한국어 텍스트입니다. 이것은 테스트 문장이며 한글을 포함합니다. " * 3, "euc-kr"),
        ("Ça c'est très élégant, déjà vu à Noël. " * 5, "cp1252"),
    ],
)
def test_clearly_non_chinese_is_left_to_the_detector(text: str, codec: str) -> None:
    assert decode(text.encode(codec)).text == text


def test_declared_korean_is_kept() -> None:
    text = "<meta charset=euc-kr><p>" + "한국어 텍스트입니다. 이것은 테스트 문장입니다. " * 5
    d = decode(text.encode("euc-kr"))
    check(d, text, "cp949")


def test_utf8_fast_path_skips_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common case is one strict decode: the charset detector is never asked (nor
    imported: `_detect` imports it on its first use)."""
    import charset_normalizer

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("detector called on the fast path")

    monkeypatch.setattr(charset_normalizer, "from_bytes", boom)
    data = page("utf-8", (ZH + "Some ASCII words, too. ") * 1400).encode("utf-8")
    d = decode(data)
    assert d.encoding == "utf-8" and d.notes == ("meta: utf-8",)


# -- sniff_kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body>x</body></html>",
        "\ufeff  \n<html lang=zh>",
        "<HTML><HEAD><TITLE>t</TITLE>",
        "<div class=a>正文</div>",
        "<p>一段</p>",
        "第一行<br>第二行",
        "<meta charset=utf-8>",
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">',
        "<section><h2>标题</h2><em>x</em></section>",
        "<custom-a>1</custom-a><custom-b>2</custom-b><x-c>3</x-c><x-d/>",
    ],
)
def test_sniff_html(text: str) -> None:
    assert sniff_kind(text) == "html"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "国际影响力再提升!北京国际科创中心建设年度成绩单出炉\n\n1月25日,北京市统计局盘点去年北京。",
        "如果 a < b 并且 c > d，那么结论成立。",
        "《人民日报》（2024年）报道：<<重要>>消息",
        "email me at <someone@example.com> please",
    ],
)
def test_sniff_text(text: str) -> None:
    assert sniff_kind(text) == "text"


def test_seed_page_is_text(seed_page: Path) -> None:
    assert sniff_kind(decode(seed_page.read_bytes()).text) == "text"


# -- real pages: GBK originals against their UTF-8 re-saves -----------------------------------

_META = re.compile(r"<meta[^>]*>", re.IGNORECASE)


def _normalise(s: str) -> str:
    return _META.sub("", clean_text(s.replace("\r\n", "\n").replace("\r", "\n")))


@pytest.mark.shared
def test_real_gbk_pages_match_their_utf8_versions(shared_data: Path) -> None:
    root = shared_data / "cwced-zh"
    index = root / "index.jsonl"
    if not index.exists():
        pytest.skip(f"needs {index}")
    rows = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line]
    raw_rows = [r for r in rows if r.get("html_raw")]
    assert raw_rows
    for row in raw_rows:
        raw = (root / row["html_raw"]).read_bytes()
        want = _normalise((root / row["html"]).read_bytes().decode("utf-8"))
        d = decode(raw)
        assert d.encoding == "gb18030", (row["id"], d.notes)
        assert _normalise(d.text) == want, row["id"]
        # A wrong HTTP header does not change the result.
        assert decode(raw, http_charset="utf-8").text == d.text, row["id"]
    for row in rows:
        data = (root / row["html"]).read_bytes()
        assert decode(data).encoding == "utf-8", row["id"]


# -- properties -------------------------------------------------------------------------------

LABELS = st.sampled_from(
    [
        None,
        "utf-8",
        "gbk",
        "gb2312",
        "big5",
        "latin1",
        "utf-16",
        "x-user-defined",
        "utf8mb4",
        "shift_jis",
        "euc-kr",
        "zlib",
        "undefined",
        "text/html; charset=gbk",
        "",
    ]
)


def _safe(d: Decoded) -> None:
    assert isinstance(d.text, str) and isinstance(d.encoding, str)
    assert "\x00" not in d.text
    assert not re.search("[\ud800-\udfff]", d.text)
    assert not re.search("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", d.text)
    json.dumps(d.text, ensure_ascii=False).encode("utf-8")
    assert all(isinstance(n, str) for n in d.notes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048), label=LABELS)
def test_any_bytes_decode_or_raise_decode_error(data: bytes, label: str | None) -> None:
    try:
        d = decode(data, http_charset=label)
    except DecodeError as e:
        assert str(e) and "\n" not in str(e)
        return
    _safe(d)


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"<meta charset=gbk>", b"<meta charset=utf-8>", b"\xef\xbb\xbf"]),
    body=st.lists(
        st.sampled_from(
            [
                ZH.encode("gb18030"),
                ZH.encode("utf-8"),
                ZH_HANT.encode("big5hkscs"),
                b"\x00",
                b"\x1b",
                b"\xff",
                b"<p>",
                b"\r\n",
            ]
        ),
        max_size=12,
    ),
)
def test_chinese_fragments_never_crash(prefix: bytes, body: list[bytes]) -> None:
    try:
        d = decode(prefix + b"".join(body))
    except DecodeError:
        return
    _safe(d)


_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=300)


# The assumptions drop most short non-ASCII texts, which trips Hypothesis's filter health check
# on some seeds (a flaky `make test`); dropping them is the point, so the check is off.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=_TEXT)
def test_valid_utf8_round_trips(text: str) -> None:
    assume(not text.startswith("\ufeff"))
    assume(not re.match(r"(%PDF-|GIF8|wOF|OggS|RIFF|BZh|ID3|....ftyp)", text.lstrip()))
    assume(len(text.encode("utf-8")) - len(text) >= 12 or text.isascii())  # long enough to tell
    d = decode(text.encode("utf-8"))
    assert d.text == text
    assert d.encoding == "utf-8"


_HANZI = st.text(
    st.sampled_from(sorted(set(ZH + ZH_HANT + "的一是了我不人在他有这个上们来到时大地为子"))),
    min_size=1,
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(text=_HANZI, ascii_=st.sampled_from(["", "<p>", "abc ", "2024年"]))
def test_declared_gbk_round_trips(text: str, ascii_: str) -> None:
    s = ascii_ + text
    try:
        data = s.encode("gb18030")
    except UnicodeEncodeError:  # pragma: no cover - gb18030 encodes all of Unicode
        return
    assert decode(data, http_charset="gbk").text == s


def test_batch_workers_do_not_import_the_detector() -> None:
    """The fork server imports decode.py for every `pagesieve clean` run; the charset detector
    (~10 ms) waits for the rare page that needs it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, pagesieve.batch.process, pagesieve.decode\n"
            "assert 'charset_normalizer' not in sys.modules\n")
    src = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "PYTHONPATH": str(src)}, timeout=120)


# -- found by a probe of every door (session of 2026-12-08) ------------------------------------


@pytest.mark.parametrize("how", ["http", "meta"])
@pytest.mark.parametrize(("codec", "body", "bad"), [
    ("gbk", ZH, b"\xd6 &quot;"),           # a character cut before an entity
    ("big5hkscs", ZH_HANT, b"\xa4 "),      # a stray lead byte
])
def test_one_bad_byte_does_not_hand_a_chinese_page_to_a_latin_label(
    how: str, codec: str, body: str, bad: bytes
) -> None:
    """The classic Apache default (ISO-8859-1) over a GBK or Big5 page: with one undecodable
    sequence in it the Chinese reading was not strict, so the Latin label won and the whole page
    came out as mojibake (¹úÎñÔº...)."""
    head = '<meta charset="iso-8859-1">' if how == "meta" else ""
    data = (f"<html><head>{head}</head><body><p>{body}</p><p>{body}</p>".encode(codec)
            + b"<p>" + bad + b"cut</p></body></html>")
    d = decode(data, http_charset="iso-8859-1" if how == "http" else None)
    assert d.encoding in ("gb18030", "big5hkscs")
    assert body in d.text and d.text.count("\ufffd") == 1
    latin = "Le président a présenté aujourd'hui un plan économique pour l'été. " * 5
    d = decode(f"<html><body><p>{latin}</p></body></html>".encode("cp1252"),
               http_charset="iso-8859-1")
    assert d.encoding == "windows-1252" and latin in d.text


JA = "東京都は今日、新しい交通計画を発表しました。この計画では、電車とバスの運行本数を増やします。"
KO = ("서울시는 오늘 새로운 교통 계획을 발표했습니다. "
      "이 계획에서는 전철과 버스의 운행 횟수를 늘립니다.")


@pytest.mark.parametrize(("text", "codec", "expected"), [
    (JA, "shift_jis", "cp932"), (JA, "euc-jp", "euc-jp"), (KO, "euc-kr", "cp949"),
])
def test_japanese_and_korean_under_a_chinese_label_are_not_read_as_chinese(
    text: str, codec: str, expected: str
) -> None:
    """A wrong `gbk` label kept Japanese and Korean pages as Chinese mojibake (搶嫗搒偼...): no
    Chinese reading was plausible, yet the label was kept before anything else was tried."""
    data = f'<html><head><meta charset="gbk"></head><body><p>{text}</p></body></html>'
    d = decode(data.encode(codec))
    assert d.encoding == expected and text in d.text
    d = decode(f"<p>{text}</p>".encode(codec), http_charset="gb2312")
    assert d.encoding == expected and text in d.text
    short = text[5:16]  # and short undeclared text (no detector reads it)
    assert decode(short.encode(codec)).text == short


def test_short_chinese_stays_chinese_beside_the_japanese_and_korean_checks() -> None:
    for text, codec in [("你好世界", "gbk"), ("中华人民共和国", "gbk"), ("朱镕基", "gbk"),
                        ("中華民國", "big5"), (ZH, "gbk"), (ZH_HANT, "big5hkscs")]:
        d = decode(text.encode(codec))
        assert d.text == text and d.encoding in ("gb18030", "big5hkscs"), (text, d.encoding)


def test_short_text_with_a_few_controls_is_text_not_binary() -> None:
    """4 control bytes in 46 was over the 2% that says binary: the bytes were refused while the
    same string given as a str was read with its controls blanked."""
    raw = "你好\x01世界\x02朱镕基\x03北京\x04上海欢迎您"
    d = decode(raw.encode("utf-8"))
    assert d.text == clean_text(raw) and "朱镕基" in d.text
    with pytest.raises(DecodeError, match="binary data"):
        decode(b"\x00\x01\x02\x03" * 10 + "中文".encode())  # mostly controls: still binary


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic (w3lib 2.6 reads meta charsets in Rust)."""


def test_a_panic_in_w3lib_meta_reading_leaves_the_meta_to_the_raw_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """w3lib 2.6 panicked on a fuzzed head (``<meta charset="\\0gbk">``): the PanicException, a
    BaseException, went through classify_page and killed the fuzz run; the label is now read by
    the raw meta pattern instead, and an interrupt still goes through."""
    import pagesieve.decode as decode_module

    def panics(head: bytes) -> str | None:
        raise PanicException("range start index 54 out of range for slice of length 53")

    monkeypatch.setattr(decode_module, "html_body_declared_encoding", panics)
    page = '<html><head><meta charset="gbk"></head><body><p>城市交通改善。</p></body></html>'
    got = decode(page.encode("gbk"))
    assert got.text == page and got.encoding == "gb18030"

    def interrupted(head: bytes) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(decode_module, "html_body_declared_encoding", interrupted)
    with pytest.raises(KeyboardInterrupt):
        decode(page.encode("gbk"))
