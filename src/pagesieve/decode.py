"""Stage 1 — bytes to text: pick the encoding (BOM, HTTP header, <meta>, sniffing) and check it.

Declared charsets are often wrong on Chinese pages, so every declaration is checked against the
bytes before it is trusted. GBK and GB2312 are always read as GB18030 (their superset), Big5 as
Big5-HKSCS (likewise; w3lib and browsers do the same).

The order: a BOM wins outright; then the HTTP charset, then `<meta charset>` in the first 4 KB,
each kept only when the bytes agree; then sniffing. The common case (valid UTF-8, or a correct
declaration) costs one strict decode; the detector runs only when the cheap checks disagree.

Text returned here is safe to print and to put in JSON: NUL is dropped, other C0 controls (all
but tab, LF and CR) and DEL become a space, lone surrogates become U+FFFD. Block offsets point
into this cleaned text, so cleaning must happen here and nowhere later.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache

from w3lib.encoding import (
    html_body_declared_encoding,
    read_bom,
    resolve_encoding,
)

from .errors import DecodeError
from .types import Kind

__all__ = ["Decoded", "clean_text", "dechunk", "decode", "sniff_kind"]


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    #: Python codec name actually used, normalised: "utf-8", "gb18030", "big5hkscs", "utf-16-le",
    #: "windows-1252", ...
    encoding: str
    #: How the encoding was chosen and anything odd ("meta gb18030 contradicted by bytes: utf-8").
    notes: tuple[str, ...] = ()
    #: The input itself when `text` is its whole strict UTF-8 decoding (``text.encode("utf-8")``
    #: would give these bytes back): the HTML parser takes them without encoding the text again.
    utf8: bytes | None = field(default=None, repr=False, compare=False)


_SAMPLE = 65_536  # bytes the comparisons and the detector look at
_BINARY_SAMPLE = 8_192  # bytes the binary check looks at
_SCORE_CHARS = 1_000  # non-ASCII characters the plausibility score looks at
_CHINESE_OK = 0.4  # real Chinese scores ~0.6-0.9, a wrong Chinese codec ~0.0-0.15
_FEW_HIGH_BYTES = 12  # below this many multibyte bytes, valid UTF-8 could be chance
_DETECT_MIN = 16  # non-ASCII chars below which detectors only guess (and say Korean)
_REPL = "\ufffd"
#: Bad sequences per non-ASCII character (two at least) a Chinese reading may show and still
#: outweigh a Latin label (`_agrees`).
_STRAY = 0.01
_KANA_RE = re.compile("[\u3041-\u3096\u30a1-\u30fa]")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
#: Latin-script single-byte codecs; when a detector names one, windows-1252 is the safer reading.
_LATIN = frozenset(
    {
        *("windows-1250", "windows-1252", "windows-1254", "windows-1257", "latin-1"),
        *(f"iso8859-{n}" for n in (1, 2, 3, 4, 9, 10, 13, 14, 15, 16)),
        *("mac-roman", "mac-latin2", "mac-iceland", "cp775", "cp850", "cp437"),
    }
)

#: Codecs tried first for undeclared or doubtful input, in order of preference.
_CHINESE: tuple[str, ...] = ("gb18030", "big5hkscs")

# Labels w3lib does not know, and the GBK family it would not all send to GB18030. Keys are
# lower case with everything but letters and digits removed ("gb_2312-80" -> "gb231280").
_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ["utf8", "utf8mb3", "utf8mb4", "unicode11utf8", "unicode20utf8", "xunicode20utf8"],
        "utf-8",
    ),
    **dict.fromkeys(
        [
            "gb2312",
            "gb231280",
            "gb23121980",
            "gbk",
            "xgbk",
            "cp936",
            "ms936",
            "windows936",
            "euccn",
            "xeuccn",
            "csgb2312",
            "csgb231280",
            "chinese",
            "isoir58",
            "gb18030",
            "zhcn",
        ],
        "gb18030",
    ),
    **dict.fromkeys(
        ["big5", "big5hkscs", "cnbig5", "csbig5", "xxbig5", "xbig5", "big5tw", "cp950"],
        "big5hkscs",
    ),
}
# Codecs a page may not name: not text codecs, unsafe (utf-7 smuggles markup), or meaningless
# in a declaration written in ASCII (a page that can say "utf-16" in ASCII is not UTF-16).
_REFUSED = frozenset(
    {
        "undefined",
        "unicode-escape",
        "raw-unicode-escape",
        "idna",
        "punycode",
        "utf-7",
        "mbcs",
        "oem",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
    }
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (doc, xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"OggS", "Ogg media"),
    (b"\x00asm", "WebAssembly"),
)
_MAGIC_RE = re.compile(
    rb"(?P<bzip2>BZh[1-9]1AY&SY)|(?P<riff>RIFF....(?:WEBP|WAVE|AVI ))|(?P<mp4>....ftyp)"
    rb"|(?P<mp3>ID3[\x02-\x04]\x00)",
    re.DOTALL,
)
_MAGIC_NAMES = {
    "bzip2": "bzip2-compressed data",
    "riff": "a RIFF media file (webp, wav, avi)",
    "mp4": "an MP4 or other ISO media file",
    "mp3": "an MP3 file",
}
_COMPRESSED_HINT = (
    "; it is still compressed: decompress it first "
    "(the batch reader undoes Content-Encoding and compressed WARC records)"
)

# Bytes that mark binary data: C0 controls except tab, LF, VT, FF, CR and ESC (ISO-2022 uses it).
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# Bytes whose characters `clean_text` rewrites (NUL, C0 but tab/LF/CR, DEL).
_UNSAFE_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# ...one by one: `_has_unsafe` looks for each with memchr (`bytes.__contains__`), a quarter of
# the instructions of deleting them all with `translate` and comparing the lengths.
_UNSAFE_SINGLES = tuple(bytes([b]) for b in _UNSAFE_BYTES)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_BINARY_CHARS_RE = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_ASCII_RUNS_RE = re.compile("[\x00-\x7f]+")
_UNSAFE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CHUNKED_RE = re.compile(rb"[0-9A-Fa-f]{1,8}[ \t]*(?:;[^\r\n]*)?\r?\n[ \t\r\n]*<")
_META_RAW_RE = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([^\s"'/>;]{1,64})""", re.IGNORECASE
)

# Plausibility: the most frequent Chinese characters (simplified, then traditional forms of
# common ones) and CJK punctuation. Real Chinese text is mostly these; a page decoded with the
# wrong Chinese codec is a spray of rare characters, kana, Hangul and symbols.
_COMMON = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之"
    "年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样"
    "理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将"
    "两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信"
    "表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔"
    "更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统"
    "区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品"
    "住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根"
    "干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流"
    "备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越"
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突"
    "专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态"
    "护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故"
    "按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职"
    "速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤"
    "素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略"
    "范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚"
    "善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶"
    "块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序"
    "升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移"
    "們這個來國時會說對為過發後學經動兩長現樣將與進點實問機給間話兒還裡麼沒當種開見從門東聽氣關"
    "內產軍萬車書場師難電體員華報馬張應處總數錢黨愛讓認論義結資隊帶條遠變聯權領傳紅決導區轉識歷"
    "專網觀爭讀離雖準團級樂語業無嗎寫記設該號親類題臺灣廣歡邊頭聲務統計習鄉態際隨選據術確質溫飛"
    "風雲陽媽爺聞顯顧頁項順須頓預頻額願飯館驗鳥黃齊龍買賣價錢員圖議環境護參與標準網絡週歲"
    "\u3000，。、：；！？“”‘’《》（）【】…—·「」『』"
)
_COMMON_RE = re.compile("[" + "".join(sorted(set(_COMMON))) + "]")

_HTML_MARK_RE = re.compile(
    r"<(?:!doctype|\?xml|html|head|body|div|p|meta|title|br|table|span|script|style|link|ul|ol"
    r"|li|h[1-6]|img|form|iframe|frameset|noscript|section|article|header|footer|nav|td|tr|a)"
    r"(?=[\s/>])",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def clean_text(s: str, *, keep_offsets: bool = False) -> str:
    """Make text safe for JSON and terminals: drop NUL, blank other C0/DEL, fix lone surrogates.

    Tab, LF and CR stay. Controls become a space rather than nothing so words they separated
    stay apart; NUL is dropped because in decoded bytes it is padding, never a separator. With
    `keep_offsets` (text a caller handed over, whose offsets the blocks must keep) NUL becomes
    a space too: every character then stays where it was.
    """
    replace = _replace_unsafe_in_place if keep_offsets else _replace_unsafe
    try:
        raw = s.encode("utf-8")  # fast C check: fails on lone surrogates
    except UnicodeEncodeError:
        return _UNSAFE_RE.sub(replace, s)
    if not _has_unsafe(raw):
        return s
    return _UNSAFE_RE.sub(replace, s)


def _has_unsafe(data: bytes) -> bool:
    """Whether `data` holds one of `_UNSAFE_BYTES`."""
    return any(b in data for b in _UNSAFE_SINGLES)


def _replace_unsafe_in_place(m: re.Match[str]) -> str:
    return _REPL if m.group() >= "\ud800" else " "


def _replace_unsafe(m: re.Match[str]) -> str:
    return "" if m.group() == "\x00" else _replace_unsafe_in_place(m)


def sniff_kind(text: str) -> Kind:
    """'html' when the text looks like markup, else 'text'."""
    head = text[:8192].lstrip(" \t\r\n\f\ufeff\x00")[:2048]
    if _HTML_MARK_RE.search(head):
        return "html"
    tags = _TAG_RE.findall(head)
    closing = sum(1 for t in tags if t.startswith("</") or t.endswith("/>"))
    return "html" if len(tags) >= 4 and closing >= 1 else "text"


def dechunk(body: bytes) -> bytes | None:
    """Undo HTTP chunked transfer coding; None when the body is not chunked after all (every
    chunk whole, up to the last, empty one)."""
    out: list[bytes] = []
    pos = 0
    while True:
        nl = body.find(b"\n", pos, pos + 1024)
        if nl < 0:
            return None
        size_field = body[pos:nl].split(b";", 1)[0].strip()
        if not size_field or len(size_field) > 16:
            return None
        try:
            size = int(size_field, 16)
        except ValueError:
            return None
        pos = nl + 1
        if size == 0:
            return b"".join(out)
        if pos + size > len(body):
            return None
        out.append(body[pos:pos + size])
        pos += size
        if body.startswith(b"\r\n", pos):
            pos += 2
        elif body.startswith(b"\n", pos):
            pos += 1
        else:
            return None


def decode(data: bytes, *, http_charset: str | None = None) -> Decoded:
    """Decode page bytes. Raises `DecodeError` for binary (PDF, PNG, gzip...) input."""
    data = bytes(data)
    if not data:
        return Decoded("", "utf-8")
    notes: list[str] = []
    bom_enc, bom = read_bom(data)
    if bom_enc is not None and bom is not None:
        body = data[len(bom) :]
        declared = _declarations(body, http_charset, [])
        notes.append(f"bom: {bom_enc}")
        notes += [f"{src} {enc} overridden by the bom" for enc, src in declared if enc != bom_enc]
        return _finish(body, bom_enc, _loose(body, bom_enc), notes)

    utf16 = _check_binary(data)
    if utf16 is not None:
        notes.append(f"no bom, but the bytes are {utf16}")
        return _finish(data, utf16, _loose(data, utf16), notes)

    if _CHUNKED_RE.match(data, 0, 64):
        plain = dechunk(data)
        if plain is None:
            notes.append("payload looks still chunk-encoded (a hex length line before the "
                         "markup), but its chunks do not add up: read as it is")
        else:
            data = plain
            notes.append("payload was still chunk-encoded (HTTP transfer coding): undone")
    declared = _declarations(data, http_charset, notes)

    if data.isascii():
        return _finish(data, *_ascii(data, declared, notes), notes)

    # Valid UTF-8 over non-ASCII bytes is near-proof, whatever was declared.
    text, cut = _strict(data, "utf-8")
    if cut and text is not None and len(data) - len(text) < _FEW_HIGH_BYTES:
        text = None  # too little to call it cut UTF-8
    if text is not None and _utf8_beats(data, text, [e for e, _ in declared]):
        if not declared:
            notes.append("no declaration: valid utf-8")
        elif declared[0][0] == "utf-8":
            notes.append(f"{declared[0][1]}: utf-8")
        else:
            notes.append(f"{declared[0][1]} {declared[0][0]} contradicted by bytes: utf-8")
        if cut:
            notes.append("input ends mid-character")
        return _finish(data, "utf-8", text, notes, replaced=False, utf8=not cut)

    # A declaration the bytes agree with; with none, GB18030 (undeclared Chinese pages).
    for enc, src in declared or [("gb18030", "no declaration")]:
        if enc == "utf-8":
            continue
        text, cut = _strict(data, enc)
        if text is not None and _agrees(enc, text, data):
            notes += [f"{s} {d} contradicted by bytes: {enc}" for d, s in declared if d != enc]
            notes.append(f"{src}: {enc}")
            if cut:
                notes.append("input ends mid-character")
            return _finish(data, enc, text, notes, replaced=False)

    enc, why = _weigh(data, [e for e, _ in declared])
    for d, src in declared:
        if d != enc:
            notes.append(f"{src} {d} contradicted by bytes: {enc}")
    notes.append(why)
    return _finish(data, enc, _loose(data, enc), notes)


def _finish(
    data: bytes, enc: str, text: str, notes: list[str], *, replaced: bool = True,
    utf8: bool = False,
) -> Decoded:
    """Clean controls where there are any (a byte check, so clean input pays little).

    `utf8`: `text` is the whole of `data` decoded as strict UTF-8; `data` is then kept as the
    result's `Decoded.utf8` unless cleaning changed the text."""
    if not _ascii_safe(enc) or _has_unsafe(data):
        cleaned = clean_text(text)
        if cleaned is not text:
            nul = text.count("\x00")
            notes.append(f"dropped {nul} NUL, blanked control characters, fixed surrogates")
            text = cleaned
            utf8 = False
    if replaced:  # a strict decode has none to count
        bad = text.count(_REPL)
        if bad:
            notes.append(f"{bad} undecodable sequence(s) replaced with U+FFFD")
    return Decoded(text, _display_name(enc), tuple(notes), data if utf8 else None)


# -- declarations ------------------------------------------------------------------------------


def _declarations(data: bytes, http_charset: str | None, notes: list[str]) -> list[tuple[str, str]]:
    """(codec, source) for the HTTP charset and the meta charset, known labels only."""
    out: list[tuple[str, str]] = []
    if http_charset:
        label = http_charset.strip()[:256]
        if "=" in label or "/" in label:  # a whole Content-Type value
            found = re.search(r"charset\s*=\s*[\"']?([^\s\"';]{1,64})", label, re.IGNORECASE)
            label = found.group(1) if found else ""
        enc = _norm_label(label)
        if enc:
            out.append((enc, "http header"))
        elif label:
            notes.append(f"unknown or refused charset label {label[:40]!r} in http header: ignored")
    meta = _meta_label(data)
    if meta:
        enc = _norm_label(meta)
        if enc and all(enc != e for e, _ in out):
            out.append((enc, "meta"))
        elif not enc:
            notes.append(f"unknown or refused charset label {meta[:40]!r} in meta: ignored")
    return out


def _meta_label(data: bytes) -> str | None:
    head = data[:4096]
    lower = head.lower()
    if b"charset" not in lower and b"encoding" not in lower:
        return None
    resolved = _declared_encoding(head)
    if resolved:
        return resolved
    raw = _META_RAW_RE.search(head)
    return raw.group(1).decode("latin-1") if raw else None


def _declared_encoding(head: bytes) -> str | None:
    """w3lib's reading of a page's meta charset, or None where w3lib fails on the bytes.

    w3lib 2.6 reads it in Rust (frostwork), which panics on some broken heads (a fuzzed
    ``<meta charset="\\0gbk">`` page: "range start index 54 out of range"); the panic arrives as
    pyo3's ``PanicException``, a BaseException, which no ``except Exception`` stops. pyproject
    keeps w3lib below 2.6; this keeps a page from killing a run where a newer one is installed
    (the raw meta pattern then reads the label)."""
    try:
        return html_body_declared_encoding(head)
    except Exception:
        return None
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":
            return None
        raise


@lru_cache(maxsize=512)
def _norm_label(label: str) -> str | None:
    """A charset label as a codec we accept, or None for unknown and refused labels."""
    key = re.sub(r"[^a-z0-9]", "", label.lower())
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        name = resolve_encoding(label.strip().strip("\"'"))
        info = codecs.lookup(name) if name else None
    except (LookupError, ValueError, TypeError):
        return None
    if info is None or not info._is_text_encoding:
        return None
    name = info.name.replace("_", "-")
    if name in _REFUSED:
        return None
    if name == "utf-8-sig":
        return "utf-8"
    return _ALIASES.get(re.sub(r"[^a-z0-9]", "", name), _display_name(name))


@lru_cache(maxsize=128)
def _ascii_safe(enc: str) -> bool:
    """True when bytes 0x00-0x7F always decode to the same ASCII characters in `enc`."""
    try:
        return bytes(range(128)).decode(enc) == "".join(map(chr, range(128)))
    except (UnicodeDecodeError, LookupError):
        return False


@lru_cache(maxsize=128)
def _display_name(enc: str) -> str:
    if re.fullmatch(r"cp125[0-8]|cp874", enc):
        return "windows-" + enc[2:]
    return enc


# -- binary ------------------------------------------------------------------------------------


def _check_binary(data: bytes) -> str | None:
    """Raise `DecodeError` for binary data; return a UTF-16 codec for BOM-less UTF-16 text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(_binary_message(what))
    if data[:1024].lstrip().startswith(b"%PDF-"):
        raise DecodeError(_binary_message("a PDF document"))
    m = _MAGIC_RE.match(data, 0, 16)
    if m and m.lastgroup:
        raise DecodeError(_binary_message(_MAGIC_NAMES[m.lastgroup]))

    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        utf16 = _bomless_utf16(sample)
        if utf16:
            return utf16
    n = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    if n >= 4 and n * 50 > len(sample):  # over 2% control bytes: text has a handful at most
        for enc in ("utf-16-le", "utf-16-be"):  # Chinese UTF-16 without BOM or ASCII
            text = _strict_prefix(sample, enc)
            if text is not None and _score(text)[0] >= _CHINESE_OK:
                return enc
        # ...but in a short text a handful is already 2%: valid UTF-8 with non-ASCII in it and
        # under 10% controls is text with stray controls (blanked later), as the same string
        # given as a str is; compressed or random bytes are not valid UTF-8
        if n * 10 <= len(sample) and not sample.isascii() and _strict_prefix(
                sample, "utf-8") is not None:
            return None
        raise DecodeError(
            f"input looks like binary data, not a page: {n} of the first {len(sample)} bytes are "
            "NUL or control bytes (maybe still compressed, e.g. deflate or brotli; "
            "the batch reader decompresses)"
        )
    return None


def _binary_message(what: str) -> str:
    hint = _COMPRESSED_HINT if "compressed" in what else ""
    return f"input looks like {what}, not a page{hint}"


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without BOM shows as NULs in every other byte (ASCII markup)."""
    sample = sample[:1024]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0 : half * 2 : 2].count(0), sample[1 : half * 2 : 2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        enc = "utf-16-le"
    elif even > 0.3 * half and odd < 0.05 * half:
        enc = "utf-16-be"
    else:
        return None
    text = _strict_prefix(sample, enc)
    if text is None or len(_BINARY_CHARS_RE.findall(text)) * 50 > len(text):
        return None  # controls: NUL-padded binary records show the NUL pattern too
    return enc


# -- checking ----------------------------------------------------------------------------------


def _ascii(data: bytes, declared: list[tuple[str, str]], notes: list[str]) -> tuple[str, str]:
    """Pure ASCII reads the same in every ASCII-based codec; keep the declared name."""
    if declared:
        enc, src = declared[0]
        notes.append(f"{src}: {enc} (ascii only)")
        if not _ascii_safe(enc):  # 7-bit codecs: iso-2022-*, hz
            return enc, _loose(data, enc)
        return enc, data.decode("ascii")
    if b"\x1b" in data:  # ISO-2022 escapes
        guess = _detect(_head(data))
        if guess and guess.startswith("iso2022"):
            notes.append(f"detected {guess}")
            return guess, _loose(data, guess)
    return "utf-8", data.decode("ascii")


def _strict(data: bytes, enc: str) -> tuple[str | None, bool]:
    """Strict decode; a page cut mid-character (truncated WARC) still counts as strict."""
    try:
        return data.decode(enc), False
    except UnicodeDecodeError as e:
        if e.end >= len(data) and e.start >= len(data) - 4:
            try:
                return data[: e.start].decode(enc) + _REPL, True
            except UnicodeDecodeError:
                return None, False
        return None, False
    except LookupError:
        return None, False


def _strict_prefix(data: bytes, enc: str) -> str | None:
    try:
        return codecs.getincrementaldecoder(enc)().decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _loose(data: bytes, enc: str, *, final: bool = True) -> str:
    try:
        return codecs.getincrementaldecoder(enc)("replace").decode(data, final=final)
    except (UnicodeError, LookupError):  # a codec that cannot even replace: read as UTF-8
        return data.decode("utf-8", "replace")


def _score(text: str) -> tuple[float, int]:
    """(share of common Chinese characters among non-ASCII ones, non-ASCII count).

    Looks at the first ~1,000 non-ASCII characters only, growing the window over markup.
    """
    size = 4096
    while True:
        high = _ASCII_RUNS_RE.sub("", text[:size])[:_SCORE_CHARS]
        if len(high) >= _SCORE_CHARS or size >= len(text) or size >= _SAMPLE:
            break
        size *= 4
    if not high:
        return 0.0, 0
    common = len(high) - len(_COMMON_RE.sub("", high))
    return common / len(high), len(high)


def _head(data: bytes) -> bytes:
    """The first 64 KB, cut after a newline, space or '>' so no character is split (detectors
    reject a prefix that ends mid-character). Multibyte trail bytes are never below 0x30."""
    if len(data) <= _SAMPLE:
        return data
    head = data[:_SAMPLE]
    cut = max(head.rfind(b"\n"), head.rfind(b" "), head.rfind(b">"))
    return head[: cut + 1] if cut > _SAMPLE // 2 else head


def _count_high(data: bytes) -> int:
    return len(data) - len(data.translate(None, _HIGH_BYTES))


def _utf8_beats(data: bytes, text: str, declared: list[str]) -> bool:
    """Valid UTF-8 wins unless a Chinese reading of the same bytes is clearly better.

    GBK is valid UTF-8 by chance only when short, or when every character happens to pair as
    2-byte UTF-8; a declared Chinese codec always gets this check, undeclared input when short.
    """
    if not declared:
        if len(data) - len(text) >= _FEW_HIGH_BYTES:  # bytes beyond one per character
            return True
        rival = "gb18030"
    else:
        found = next((e for e in declared if e in _CHINESE), None)
        if found is None:
            return True
        rival = found
    other, _ = _strict(data, rival)
    if other is None:
        return True
    theirs = _score(other)[0]
    return theirs < _CHINESE_OK or theirs <= _score(text)[0]


def _agrees(enc: str, text: str, data: bytes) -> bool:
    """A strict decode under the declared codec that also looks like real text."""
    score, high = _score(text)
    if enc in _CHINESE:
        return high == 0 or score >= _CHINESE_OK
    # Another codec (windows-1252, euc-kr, ...): fine unless the bytes clearly read as Chinese,
    # a stray bad byte or two allowed (a character cut before an entity, cp936's euro): one
    # such byte under an ISO-8859-1 header read the whole page as Latin mojibake.
    head = _head(data)
    for chinese in _CHINESE:
        other = _loose(head, chinese, final=False)
        other_score, _ = _score(other)
        if other_score < _CHINESE_OK or other_score <= score:
            continue
        if other.count(_REPL) <= max(2, _STRAY * len(_ASCII_RUNS_RE.sub("", other))):
            return False
    return True


def _reads_as(head: bytes, enc: str, script: re.Pattern[str], share: float) -> bool:
    """`head` decodes strictly under `enc` into text whose non-ASCII characters are at least
    `share` of `script`."""
    text = _strict_prefix(head, enc)
    if text is None:
        return False
    high = _ASCII_RUNS_RE.sub("", text)[:_SCORE_CHARS]
    return len(high) >= 4 and len(script.findall(high)) >= share * len(high)


def _not_chinese(head: bytes) -> str | None:
    """cp932 or euc-jp for Japanese bytes, cp949 for Korean ones, or None; asked only when no
    Chinese reading is plausible (a page under a wrong gbk label, short undeclared text).

    Japanese prose is about half kana, Korean mostly Hangul; Chinese bytes read as either have
    little. Korean is tested as strict EUC-KR (both bytes from 0xA1), since cp949's extension
    reads nearly any byte pair as a Hangul syllable, Japanese ones included."""
    for enc in ("cp932", "euc-jp"):
        if _reads_as(head, enc, _KANA_RE, 0.25):
            return enc
    return "cp949" if _reads_as(head, "euc-kr", _HANGUL_RE, 0.5) else None


@dataclass(frozen=True, slots=True)
class _Try:
    enc: str
    errors: int  # U+FFFD produced
    score: float  # share of common Chinese among non-ASCII characters
    high: int  # non-ASCII characters
    common: int  # common Chinese characters


def _try(head: bytes, enc: str) -> _Try:
    text = _loose(head, enc, final=False)
    score, high = _score(text)
    return _Try(enc, text.count(_REPL), score, high, round(score * high))


def _weigh(data: bytes, declared: list[str]) -> tuple[str, str]:
    """Pick a codec when neither UTF-8 nor a declaration held: (codec, note saying why)."""
    head = _head(data)
    u8 = _try(head, "utf-8")
    # U+FFFD per non-ASCII byte: ~0.6 for GBK or Big5, near 0 for damaged UTF-8.
    bad_share = u8.errors / max(1, _count_high(head))
    if bad_share < 0.2:
        return "utf-8", f"damaged or mixed utf-8: {u8.errors} bad sequence(s) in the first 64 KB"

    order = list(dict.fromkeys([*(e for e in declared if e != "utf-8"), *_CHINESE]))
    tries = [_try(head, enc) for enc in order]
    chinese = [t for t in tries if t.enc in _CHINESE]
    best = max(chinese, key=lambda t: (t.score, -t.errors))  # first of equals wins
    if u8.common > best.common:  # mixed page, more of it in UTF-8
        return "utf-8", f"mixed encodings: mostly utf-8, {best.enc} parts replaced"
    if best.score < _CHINESE_OK and (other := _not_chinese(head)) is not None:
        return other, f"not Chinese (plausibility {best.score:.2f}): reads as {other}"
    kept = next((t for t in tries if t.enc in declared), None)
    if kept is not None and not kept.errors and best.score < _CHINESE_OK:
        return kept.enc, "declared codec kept: no reading is clearly better"
    why = f"sniffed {best.enc} (Chinese plausibility {best.score:.2f})"
    if best.score >= _CHINESE_OK or (best.high < _DETECT_MIN and not best.errors):
        if u8.common * 10 > best.common:
            why += "; mixed encodings: utf-8 parts replaced"
        return best.enc, why

    guess = _detect(head)
    if guess in _LATIN and _strict_prefix(head, "windows-1252") is not None:
        guess = "windows-1252"  # detectors split hairs between Latin codecs on short text
    if guess and guess not in _CHINESE and guess != "utf-8":
        g = _try(head, guess)
        if g.errors <= best.errors:
            return guess, f"not Chinese; detected {guess}"
    for t in tries:
        if t.enc not in _CHINESE and t.errors <= best.errors:
            return t.enc, f"not Chinese; declared {t.enc} decodes"
    return best.enc, why + ", best guess"


def _detect(head: bytes) -> str | None:
    # imported here: the last resort of a few pages, and ~10 ms on every batch fork server's start
    from charset_normalizer import from_bytes

    try:
        match = from_bytes(head).best()
    except Exception:  # a detector failure must not fail the page: we have fallbacks
        return None
    return _norm_label(match.encoding) if match is not None else None
