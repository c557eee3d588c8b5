# cython: language_level=3, boundscheck=False, initializedcheck=False
"""`features.layout_tokens` compiled: the same tokens in the same order, with the per-block
bookkeeping (bins, neighbour tests, list building) in C instead of bytecode.

The words themselves still come from the Python helpers (`_path_tokens`, `_attr_tokens`,
`_link_tokens`), handed over by `init` without their `lru_cache`, so the rules live in one place
(features.py); this module only mirrors `layout_tokens` / `_block_layout` step for step, and
keeps its own memos of them and of `text_facts` (`_memo`: plain dicts, emptied when full, read
without a Python call).
tests/test_features.py checks both give equal tokens on every page we have.
"""

import re

from libc.string cimport memset

cdef object _path_tokens = None
cdef object _attr_tokens = None
cdef object _link_tokens = None
cdef Py_ssize_t _memo_size = 0
cdef dict _paths = {}
cdef dict _attrs = {}
cdef dict _links = {}
cdef dict _facts = {}
# `page_words`: features.py's namespace (its `get_segmenter`, `tokenize_shaped` and
# `shape_word`, read there on each call as its `block_words` does), and the memo of short texts'
# words with the segmenter and cap it was filled with
cdef dict _features = {}
# tokenize.py's namespace: when features' `tokenize_shaped` is its own and its compiled part is
# on, `page_words` calls that part (`nfkc_known`, `scan`) and the segmenter itself (the
# `__wrapped__` of its wrapper) directly, three Python frames a block fewer (`_text_words`)
cdef dict _tokenize = {}
cdef dict _words = {}
cdef object _words_cut = None
cdef Py_ssize_t _words_cap = -1
cdef object _block_words = None
cdef Py_ssize_t _memo_chars = 0
cdef tuple _LD = ()
cdef tuple _LEN = ()
cdef tuple _LINES = ()
cdef tuple _POS = ()
cdef tuple _SHARE = ()
cdef tuple _REL = ()
cdef tuple _RUNS = ()
cdef double[16] _len_edges
cdef double[16] _lines_edges
cdef double[16] _share_edges
cdef double[16] _rel_edges
cdef double[16] _run_edges
cdef double[16] _ld_edges
cdef int _n_len, _n_lines, _n_share, _n_rel, _n_run, _n_ld
cdef dict _pw = {}
# _text_facts' regexes and words
cdef object _BULLET = None
cdef object _TRUNC = None
cdef object _DATE = None
cdef object _DATE_ONLY = None
cdef object _NUM_ONLY = None
cdef object _CONTACT = None
cdef object _ICP = None
cdef object _AD_CUES = None
cdef object _stamp_line = None
cdef object _who_line = None
cdef tuple _SENT = ()
cdef tuple _CJKS = ()
cdef tuple _DIGS = ()
cdef tuple _CUES = ()
# `_AD_CUES` prefilter: a bit per BMP character that may start an alternative of the pattern /
# come second in one (re.I's case folds included); off when the pattern is not of that shape.
cdef unsigned char[8192] _cue_first
cdef unsigned char[8192] _cue_second
cdef bint _cue_filter = False

cdef extern from "Python.h":
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)


def init_facts(bullet, trunc, date, date_only, num_only, contact, icp, ad_cues, stamp_line,
               who_line):
    """Take `_text_facts`' regexes, `_stamp_line` and `_who_line` (the rest of its rules are
    written out below)."""
    global _BULLET, _TRUNC, _DATE, _DATE_ONLY, _NUM_ONLY, _CONTACT, _ICP, _AD_CUES, _stamp_line
    global _who_line
    global _SENT, _CJKS, _DIGS, _CUES
    _BULLET, _TRUNC, _DATE, _DATE_ONLY = bullet, trunc, date, date_only
    _NUM_ONLY, _CONTACT, _ICP, _AD_CUES = num_only, contact, icp, ad_cues
    _stamp_line, _who_line = stamp_line, who_line
    _SENT = tuple(f"sent:{i}" for i in range(4))
    _CJKS = tuple(f"cjk:{i}" for i in range(4))
    _DIGS = tuple(f"dig:{i}" for i in range(5))
    _CUES = tuple(f"adcue:{i}" for i in range(4))
    _init_cue_filter(ad_cues)


cdef inline bint _bit(const unsigned char *bits, unsigned int c) noexcept:
    return c <= 0xFFFF and (bits[c >> 3] >> (c & 7)) & 1


cdef void _set_folds(unsigned char *bits, str ch, object flags) except *:
    """Set the bits of `ch` and of every character `flags` (re.I) lets match it."""
    cdef unsigned int x
    same = re.compile(re.escape(ch), flags).fullmatch
    for alike in {ch, ch.lower(), ch.upper(), "\u017f", "\u212a", "\u0130", "\u0131"}:
        if len(alike) == 1 and same(alike):
            x = ord(alike)
            if x > 0xFFFF:
                raise ValueError("not a BMP character")
            bits[x >> 3] |= 1 << (x & 7)


cdef void _init_cue_filter(ad_cues) except *:
    """Fill `_cue_first` / `_cue_second` from the alternatives of `ad_cues`, when each one
    starts with two plain characters, both required (a match then holds such a pair)."""
    global _cue_filter
    memset(_cue_first, 0, sizeof(_cue_first))
    memset(_cue_second, 0, sizeof(_cue_second))
    _cue_filter = False
    alternatives = ad_cues.pattern.split("|")
    for alt in alternatives:
        if (len(alt) < 2 or any(re.escape(ch) != ch for ch in alt[:2])
                or alt[2:3] in ("?", "*", "{")):
            return
    for alt in alternatives:
        _set_folds(_cue_first, alt[0], ad_cues.flags)
        _set_folds(_cue_second, alt[1], ad_cues.flags)
    _cue_filter = True


cdef Py_ssize_t _count_cues(str text, Py_ssize_t first) except -1:
    """``len(_AD_CUES.findall(text[:2000]))`` when the prefilter is on (`_cue_filter`) and
    `first` is the first position where two characters in a row can start an alternative.

    Every match starts at such a position (a candidate), so `findall` finds none before
    `first` and, after a match, none before the next candidate at or past its end. The pattern
    has no anchor, lookaround or ``\\b`` (`_init_cue_filter` only reads flat alternations of
    plain characters, classes and counts) and matches two characters at least, so `match` at a
    candidate, up to the same end, is what `findall` tries there: with few candidates the
    matches are counted at them alone; with many, `findall` starts at the first."""
    cdef Py_ssize_t end = min(len(text), 2000)
    cdef Py_ssize_t p
    cdef list starts = []
    for p in range(first, end - 1):
        if _bit(_cue_first, text[p]) and _bit(_cue_second, text[p + 1]):
            if len(starts) == 8:
                return len(_AD_CUES.findall(text, first, end))
            starts.append(p)
    cdef Py_ssize_t count = 0
    cdef Py_ssize_t resume = 0
    for start in starts:
        if start >= resume:
            m = _AD_CUES.match(text, start, end)
            if m is not None:
                count += 1
                resume = m.end()
    return count


cdef bint _may_be_bullet(str text):
    """Whether the first character of `text` that is not a space (``str.lstrip`` strips the
    `Py_UNICODE_ISSPACE` ones) may start a `_BULLET` match: the pattern is one class, of
    ``-*+``, ``·`` and characters from U+2022 to U+2606 (no re.I)."""
    cdef Py_UCS4 c
    for c in text:
        if not Py_UNICODE_ISSPACE(c):
            return (0x2022 <= c <= 0x2606 or c == 0xB7 or c == 0x2D or c == 0x2A
                    or c == 0x2B)  # · - * +
    return False


cdef bint _may_sign(str text):
    """Whether one of the first three lines of `text` may match `_WHO` (what `_who_line`
    asks): forty characters at most and, last but for spaces, a decimal digit, 日 or 前 (each
    alternative of `_WHO`'s time ends with one, then ``\\s*$``; ``\\s`` is
    `Py_UNICODE_ISSPACE`, ``\\d`` `Py_UNICODE_ISDECIMAL` in `re`, no re.I; the lines hold no
    ``\\n``, so ``$`` is their end)."""
    cdef Py_ssize_t length = 0  # of the line so far
    cdef Py_UCS4 last = 0  # its last character not a space
    cdef int line = 0
    cdef Py_UCS4 c
    for c in text:
        if c == 0x0A:
            if length <= 40 and (Py_UNICODE_ISDECIMAL(last) or last == 0x65E5 or last == 0x524D):
                return True
            line += 1
            if line == 3:
                return False
            length = 0
            last = 0
        else:
            length += 1
            if not Py_UNICODE_ISSPACE(c):
                last = c
    return length <= 40 and (Py_UNICODE_ISDECIMAL(last) or last == 0x65E5 or last == 0x524D)


cdef inline bint _contact_hint(Py_UCS4 a, Py_UCS4 b) noexcept:
    """Whether `b`, after `a`, is where a match of `_CONTACT` may end: each alternative holds
    ``://``, ``ww``, ``.c``, ``qq``, ``vx``, ``v信``, ``@``, 微信, 加微, 电话 or 热线 (re.I folds
    no other character to these: tests/test_fastfeatures.py checks every BMP character), but
    for the two phone numbers, which hold eleven digits in a row or three, ``-`` and seven
    (`_phone_run`)."""
    if b == 0x40:  # @
        return True
    if b == 0x2F:  # /
        return a == 0x3A  # :
    if b == 0x77 or b == 0x57:  # w W
        return a == 0x77 or a == 0x57
    if b == 0x63 or b == 0x43:  # c C
        return a == 0x2E  # .
    if b == 0x71 or b == 0x51:  # q Q
        return a == 0x71 or a == 0x51
    if b == 0x78 or b == 0x58:  # x X
        return a == 0x76 or a == 0x56  # v V
    if b == 0x4FE1:  # 信
        return a == 0x76 or a == 0x56 or a == 0x5FAE  # v V 微
    if b == 0x5FAE:  # 微
        return a == 0x52A0  # 加
    if b == 0x8BDD:  # 话
        return a == 0x7535  # 电
    if b == 0x7EBF:  # 线
        return a == 0x70ED  # 热
    return False


cdef bint _phone_run(str text):
    """Whether `text` holds eleven decimal digits in a row, or three, ``-`` and seven: what
    `_CONTACT`'s phone numbers (``1[3-9]\\d{9}``, ``\\d{3,4}-\\d{7,8}``) need (``\\d`` is
    `Py_UNICODE_ISDECIMAL` in `re`; re.I folds nothing to a digit or ``-``)."""
    cdef Py_ssize_t run = 0  # decimal digits in a row, up to this character
    cdef Py_ssize_t before_dash = 0  # the run just before the ``-`` that started this run
    cdef Py_UCS4 c
    for c in text:
        if Py_UNICODE_ISDECIMAL(c):
            run += 1
            if run >= 11 or (before_dash >= 3 and run >= 7):
                return True
        else:
            before_dash = run if c == 0x2D else 0
            run = 0
    return False


cdef bint _date_between_digits(str text):
    """Whether one of ``-/年.月:`` in `text` has a decimal digit as the nearest character
    before it and after it that is not a space (``\\d`` is `Py_UNICODE_ISDECIMAL`, ``\\s``
    `Py_UNICODE_ISSPACE` in `re`): what every match of `_DATE` holds, the first alternative
    ``\\d{2}\\s*[-/年.]\\s*\\d``, the others ``\\d月\\d`` and ``\\d:\\d`` (no re.I)."""
    cdef bint digit_before = False  # the last character not a space is a digit
    cdef bint armed = False  # ... is a separator after a digit (spaces between)
    cdef Py_UCS4 c
    for c in text:
        if Py_UNICODE_ISDECIMAL(c):
            if armed:
                return True
            digit_before = True
        elif c == 0x2D or c == 0x2F or c == 0x5E74 or c == 0x2E or c == 0x6708 or c == 0x3A:
            armed = digit_before  # - / 年 . 月 :
            digit_before = False
        elif not Py_UNICODE_ISSPACE(c):
            armed = digit_before = False
    return False


cdef int _only_kinds(str text):
    """Which of `_DATE_ONLY` (1) and `_NUM_ONLY` (2) may match `text`, from the characters a
    match can hold (both are anchored at both ends and have no re.I, so every character of
    `text` is one): for `_DATE_ONLY` spaces, digits and ``[(【])】-/年.月日:``, for `_NUM_ONLY`
    spaces, digits and ``(（[,.万wkK)）]`` (``\\s`` is `Py_UNICODE_ISSPACE`, ``\\d``
    `Py_UNICODE_ISDECIMAL` in `re`; ``$`` may stand before a last ``\\n``, a space)."""
    cdef int kinds = 3
    cdef Py_UCS4 c
    for c in text:
        if Py_UNICODE_ISDECIMAL(c) or Py_UNICODE_ISSPACE(c):
            continue
        if c == 0x2E or c == 0x28 or c == 0x29 or c == 0x5B or c == 0x5D:  # . ( ) [ ]
            continue
        if not (c == 0x3010 or c == 0x3011 or c == 0x2D or c == 0x2F or c == 0x5E74  # 【】-/年
                or c == 0x6708 or c == 0x65E5 or c == 0x3A):  # 月日:
            kinds &= ~1
        if not (c == 0xFF08 or c == 0xFF09 or c == 0x2C or c == 0x4E07  # （）,万
                or c == 0x77 or c == 0x6B or c == 0x4B):  # w k K
            kinds &= ~2
        if not kinds:
            return 0
    return kinds


cdef inline bint _icp_hint(Py_UCS4 a, Py_UCS4 b) noexcept:
    """Whether `a` then `b` may start a match of `_ICP`: each alternative starts with ``ic``,
    ``co``, ``(c``, 备案, 版权, 公网 or 许可 (re.I folds İ and ı to i, no other character to
    c or o), or is ©."""
    if b == 0xA9:  # ©
        return True
    if b == 0x63 or b == 0x43:  # c C
        return a == 0x69 or a == 0x49 or a == 0x130 or a == 0x131 or a == 0x28  # i I İ ı (
    if b == 0x6F or b == 0x4F:  # o O
        return a == 0x63 or a == 0x43
    if b == 0x6848:  # 案
        return a == 0x5907  # 备
    if b == 0x6743:  # 权
        return a == 0x7248  # 版
    if b == 0x7F51:  # 网
        return a == 0x516C  # 公
    if b == 0x53EF:  # 可
        return a == 0x8BB8  # 许
    return False


def text_facts(str text, Py_ssize_t size):
    """`features._text_facts(text, size)` (`_text_facts`)."""
    return _text_facts(text, size)


cdef tuple _text_facts(str text, Py_ssize_t size):
    """`features._text_facts(text, size)`. The three counts (`_SENT_END`, `_CJK`, `_DIGIT`
    findall) are one loop over the characters (``\\d`` is `Py_UNICODE_ISDECIMAL` in `re`); the
    date and number patterns, which all need a digit, are skipped when there is none,
    `_CONTACT` and `_ICP` without the characters or pairs they need, and `_AD_CUES` when no two
    characters in a row can start one of its alternatives (and then it is matched at those
    pairs alone, `_count_cues`). `_DATE` needs one of ``-/年.月:`` (each alternative holds one)
    and is searched from the first digit (each starts with one), `_ICP` from its first pair (or
    the character before ©), `_who_line` needs one of ``-/月.:前`` (`_WHO`'s times do); and a
    `_TRUNC` match is its mark (``...``, ``…``, ``。。。``: three characters at most, the last
    ``.``, ``…`` or ``。``) then only spaces (``\\s`` is `Py_UNICODE_ISSPACE`), so it is
    searched for only from three characters before the trailing spaces, when the last other
    character can end a mark."""
    cdef Py_ssize_t sents = 0
    cdef Py_ssize_t cjk = 0
    cdef Py_ssize_t digits = 0
    cdef Py_UCS4 c
    cdef double share
    cdef int k
    # `_icp_hint` and `_contact_hint`: a block without the character pairs they look for
    # skips that search, most Chinese prose blocks among them.
    cdef bint contact_hint = False
    cdef bint icp_hint = False
    cdef Py_ssize_t icp_at = 0  # where the first pair that may start `_ICP` is (or before ©)
    cdef Py_ssize_t first_digit = 0
    cdef bint cue_hint = not _cue_filter
    cdef bint after_first = False
    cdef bint date_hint = False
    cdef bint who_hint = False
    cdef Py_UCS4 prev = 0
    cdef Py_ssize_t end
    cdef Py_ssize_t at = -1  # the index of `c`
    cdef Py_ssize_t cue_at = 0  # where the first two characters that may start a cue are
    for c in text:
        at += 1
        if not cue_hint:
            cue_hint = after_first and _bit(_cue_second, c)
            cue_at = at - 1
            after_first = _bit(_cue_first, c)
        if not contact_hint:
            contact_hint = _contact_hint(prev, c)
        if not icp_hint:
            icp_hint = _icp_hint(prev, c)
            icp_at = at - 1
        prev = c
        if 0x3400 <= c <= 0x9FFF:
            cjk += 1
        elif Py_UNICODE_ISDECIMAL(c):
            if not digits:
                first_digit = at
            digits += 1
        elif (c == 0x3002 or c == 0xFF01 or c == 0xFF1F or c == 0x21 or c == 0x3F
              or c == 0xFF1B or c == 0x3B):  # 。！？!?；;
            sents += 1
        elif c == 0x2D or c == 0x2F or c == 0x2E or c == 0x3A:  # - / . :
            date_hint = who_hint = True
        if c == 0x6708:  # 月
            date_hint = who_hint = True
        elif c == 0x5E74:  # 年
            date_hint = True
        elif c == 0x524D:  # 前
            who_hint = True
    cdef list out = []
    out.append(_SENT[0 if sents <= 0 else 1 if sents <= 1 else 2 if sents <= 3 else 3])
    if size:
        share = cjk / <double> size
        k = 0 if share <= 0.1 else 1 if share <= 0.5 else 2 if share <= 0.8 else 3
        out.append(_CJKS[k])
        share = digits / <double> size
        k = 0 if share <= 0.0 else 1 if share <= 0.1 else 2 if share <= 0.3 else (
            3 if share <= 0.6 else 4)
        out.append(_DIGS[k])
    if _may_be_bullet(text) and _BULLET.match(text.lstrip()):
        out.append("bullet")
    end = len(text)
    while end > 0 and Py_UNICODE_ISSPACE(text[end - 1]):
        end -= 1
    if (end and (text[end - 1] == 0x2E or text[end - 1] == 0x2026 or text[end - 1] == 0x3002)
            and _TRUNC.search(text, max(0, end - 3))):  # . … 。
        out.append("trunc")
    if digits and date_hint and _date_between_digits(text) and _DATE.search(text, first_digit):
        out.append("date")
    cdef int only = _only_kinds(text) if digits else 0
    if only & 1 and _DATE_ONLY.match(text):
        out.append("dateonly")
    if only & 2 and _NUM_ONLY.match(text):
        out.append("numonly")
    if digits and "\n" in text and _stamp_line(text):
        out.append("stamp")
    if digits and who_hint and _may_sign(text) and _who_line(text):
        out.append("who")
    if (contact_hint or (digits >= 10 and _phone_run(text))) and _CONTACT.search(text):
        out.append("contact")
    if icp_hint and _ICP.search(text, max(0, icp_at)):
        out.append("icp")
    cdef Py_ssize_t cues = 0
    if cue_hint:
        cues = _count_cues(text, cue_at) if _cue_filter else len(_AD_CUES.findall(text[:2000]))
    if cues:
        out.append(_CUES[min(cues, 3)])
    if "|" in text or "\uff5c" in text:
        out.append("pipes")
    return tuple(out)


cdef int _fill(double *dst, tuple edges) except -1:
    if len(edges) > 16:
        raise ValueError("too many bin edges")
    for i, e in enumerate(edges):
        dst[i] = e
    return len(edges)


def init(path_tokens, attr_tokens, link_tokens, Py_ssize_t memo_size, block_words,
         Py_ssize_t memo_chars,
         tuple ld, tuple len_tokens, tuple len_edges, tuple lines_tokens, tuple lines_edges,
         tuple pos_tokens, tuple share_tokens, tuple share_edges, tuple rel_tokens,
         tuple rel_edges, tuple run_tokens, tuple run_edges, tuple ld_edges):
    """Take features.py's helpers (unmemoised), the size of the memos, bin words and bin
    edges."""
    global _path_tokens, _attr_tokens, _link_tokens, _memo_size, _block_words
    global _memo_chars
    global _LD, _LEN, _LINES, _POS, _SHARE, _REL, _RUNS
    global _n_len, _n_lines, _n_share, _n_rel, _n_run, _n_ld
    _path_tokens, _attr_tokens, _link_tokens = path_tokens, attr_tokens, link_tokens
    _memo_size, _block_words, _memo_chars = memo_size, block_words, memo_chars
    for memo in (_paths, _attrs, _links, _facts):
        memo.clear()
    _LD, _LEN, _LINES, _POS = ld, len_tokens, lines_tokens, pos_tokens
    _SHARE, _REL, _RUNS = share_tokens, rel_tokens, run_tokens
    _n_len = _fill(_len_edges, len_edges)
    _n_lines = _fill(_lines_edges, lines_edges)
    _n_share = _fill(_share_edges, share_edges)
    _n_rel = _fill(_rel_edges, rel_edges)
    _n_run = _fill(_run_edges, run_edges)
    _n_ld = _fill(_ld_edges, ld_edges)
    _pw.clear()


cdef inline int _bisect(const double *edges, int n, double value) noexcept:
    """``bisect.bisect_left(edges, value)``: the number of edges below `value`."""
    cdef int i = 0
    while i < n and edges[i] < value:
        i += 1
    return i


cdef inline void _keep(dict memo, object key, object value) except *:
    """Store `value` under `key` in `memo`, emptying it first when it holds `_memo_size` keys:
    the bound every memo of this module keeps (what features.py's `lru_cache`s give)."""
    if len(memo) >= _memo_size:
        memo.clear()
    memo[key] = value


cdef inline object _memo(dict memo, object key, object make):
    """``make(key)``, kept in `memo` (`_keep`), without a Python call per block."""
    cdef object got = memo.get(key)
    if got is None:
        got = make(key)
        _keep(memo, key, got)
    return got


cdef inline str _pw_token(str w):
    cdef object got = _pw.get(w)
    if got is None:
        got = "pw:" + w
        if len(_pw) < 65536:
            _pw[w] = got
    return <str> got


def init_words(dict namespace, dict tokenize_namespace):
    """Take features.py's namespace (``globals()``) and tokenize.py's."""
    global _features, _tokenize, _words, _words_cut
    _features = namespace
    _tokenize = tokenize_namespace
    _words = {}
    _words_cut = None


cdef list _text_words(str text, Py_ssize_t max_chars, object tokenize_shaped, object shape,
                       object cut, object fast, object direct_cut):
    """``tokenize_shaped(text, shape, max_chars=max_chars, cut=cut)``; with `fast`
    (tokenize's compiled part, when `tokenize_shaped` is tokenize's own) its steps without
    its frame and `tokenize.normalize`'s: the cap, `nfkc_known` and lower case (`normalize`
    itself when that returns None), `scan` with `direct_cut` (what `cut` calls)."""
    if fast is None:
        return tokenize_shaped(text, shape, max_chars=max_chars, cut=cut)
    if max_chars > 0 and len(text) > max_chars:
        text = text[:max_chars]
    known = fast.nfkc_known(text)
    cdef str s = (<str> known).lower() if known is not None else _tokenize["normalize"](text)
    return fast.scan(s, shape, direct_cut)


def page_words(tuple blocks, Py_ssize_t max_chars):
    """``[features.block_words(b.text, max_chars=max_chars) for b in blocks]``: the words of
    texts of `_memo_chars` characters at most are memoised here (per segmenter and cap, as
    `features._memo_words` is), without a Python call per block."""
    global _words, _words_cut, _words_cap
    tokenize_shaped = _features["tokenize_shaped"]
    shape_word = _features["shape_word"]
    cut = _features["get_segmenter"]()
    fast = None
    if tokenize_shaped is _tokenize.get("tokenize_shaped"):
        fast = _tokenize.get("_FAST")
    direct_cut = getattr(cut, "__wrapped__", cut)
    # The memo holds the words of one (segmenter, cap): another starts a new dict, and this
    # call keeps the one it took. Clearing the shared dict instead let a thread with another
    # cap (Limits(max_block_chars=...)) store its words in it mid-call, and every later call
    # read them (the segmentation of a call may let another thread run).
    if cut is not _words_cut or max_chars != _words_cap:
        _words = {}
        _words_cut, _words_cap = cut, max_chars
    cdef dict memo = _words
    cdef list out = []
    cdef str text
    for b in blocks:
        text = b.text
        if len(text) <= _memo_chars:
            got = memo.get(text)
            if got is None:
                got = tuple(_text_words(text, max_chars, tokenize_shaped, shape_word, cut,
                                         fast, direct_cut))
                _keep(memo, text, got)
            out.append(list(<tuple> got))
        else:
            out.append(_text_words(text, max_chars, tokenize_shaped, shape_word, cut, fast,
                                    direct_cut))
    return out


def layout_tokens(page, words):
    """`features.layout_tokens(page, words)`."""
    cdef tuple blocks = page.blocks
    cdef Py_ssize_t n = len(blocks)
    if n == 0:
        return []
    cdef list texts = [b.text for b in blocks]
    cdef list sizes = [len(t) - (<str> t).count(" ") for t in texts]
    cdef Py_ssize_t total = max(1, sum(sizes))
    cdef Py_ssize_t biggest = max(sizes) or 1
    cdef list paths = [b.tag_path for b in blocks]
    cdef list runs = [1] * n
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t j, k
    # run lengths of equal tag paths (features._run_lengths)
    while i < n:
        j = i
        while j + 1 < n and paths[j + 1] == paths[i]:
            j += 1
        for k in range(i, j + 1):
            runs[k] = j - i + 1
        i = j + 1

    kind = f"k:{page.kind}"
    cdef list out = []
    cdef list toks
    cdef Py_ssize_t size, text_len, lines, link_chars
    cdef double ld
    cdef str text
    cdef str w
    for i in range(n):
        b = blocks[i]
        text = <str> texts[i]
        size = sizes[i]
        toks = [kind]
        toks.extend(<tuple> _memo(_paths, b.tag_path, _path_tokens))
        toks.extend(<tuple> _memo(_attrs, b.attr_words, _attr_tokens))
        if b.link_kinds:
            toks.extend(<tuple> _memo(_links, b.link_kinds, _link_tokens))
        # Block.link_density
        text_len = len(text)
        link_chars = b.link_chars
        ld = min(1.0, link_chars / <double> text_len) if text_len else 0.0
        if ld == 0:
            toks.append(_LD[0])
        elif ld >= 0.98:
            toks.append(_LD[1])
        else:
            toks.append(_LD[_bisect(_ld_edges, _n_ld, ld)])
        toks.append(_LEN[_bisect(_len_edges, _n_len, <double> size)])
        lines = b.lines
        toks.append(_LINES[_bisect(_lines_edges, _n_lines, <double> lines)])
        toks.append(_POS[min(9, <Py_ssize_t> ((10 * i) / <double> n))])
        if i == 0:
            toks.append("first")
        if i == n - 1:
            toks.append("last")
        toks.append(_SHARE[_bisect(_share_edges, _n_share, size / <double> total)])
        toks.append(_REL[_bisect(_rel_edges, _n_rel, size / <double> biggest)])
        toks.append(_RUNS[_bisect(_run_edges, _n_run, <double> (<Py_ssize_t> runs[i]))])
        if i > 0 and paths[i - 1] == paths[i]:
            toks.append("sameprev")
        if i < n - 1 and paths[i + 1] == paths[i]:
            toks.append("samenext")
        if text_len <= _memo_chars:  # keyed on the text alone: `size` is read from it
            facts = _facts.get(text)
            if facts is None:
                facts = _text_facts(text, size)
                _keep(_facts, text, facts)
            toks.extend(<tuple> facts)
        else:
            toks.extend(_text_facts(text, size))
        for j in (i - 1, i - 2):  # words of a short heading just above
            if j >= 0:
                prev = <str> texts[j]
                if 0 < len(prev) <= 16:
                    heading = words[j] if words is not None else _block_words(prev, max_chars=16)
                    for w in heading:
                        if len(w) > 1:
                            toks.append(_pw_token(w))
                    break
        out.append(toks)
    return out
