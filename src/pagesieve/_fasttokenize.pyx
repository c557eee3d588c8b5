# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The run scan of `tokenize.tokenize_shaped` in C: the same tokens as ``_RUN.finditer``;
and NFKC for `tokenize.normalize` on text of the characters common on our pages.

`_RUN` is han run | latin word (with one inner apostrophe) | number | any other non-space
character. On short blocks the per-match Python work (a match object, `lastgroup`, `group`)
cost more than the scan; here one loop over the normalised text reads each character once and
makes only the token strings. The classes are Python's own: ``\\d`` is
`Py_UNICODE_ISDECIMAL` and ``\\s`` is `Py_UNICODE_ISSPACE` in `re`, as in `str.isdecimal` /
`str.isspace` (tests/test_tokenize.py checks both over every code point and the tokens
against the regex on corpus text).
"""

import unicodedata

cdef extern from "Python.h":
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)


cdef inline bint _han(Py_UCS4 c) noexcept:
    return (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF) or (0xF900 <= c <= 0xFAFF)


cdef inline bint _latin(Py_UCS4 c) noexcept:
    return 0x61 <= c <= 0x7A  # a-z


# What NFKC does to each BMP character, for `nfkc_known` (learnt by `init_nfkc`): KEEP (it is
# its own form), FOLD (its form is in `_folded`) or OTHER (not known here). A known
# character's form holds only characters that combine with no neighbour (starters that are no
# second part of any composition), so the form of a text of known characters is their forms
# joined (tests/test_fasttokenize.py checks both over every code point).
cdef enum:
    OTHER = 0
    KEEP = 1
    FOLD = 2

cdef unsigned char _nfkc_class[0x10000]
cdef dict _folded = {}
#: Beyond ASCII and Han (KEEP), the blocks of the characters common in Chinese text whose
#: NFKC form is worked out at import: Latin-1, general punctuation, CJK symbols and
#: punctuation, compatibility ideographs, full-width ASCII and signs.
_FOLD_BLOCKS = ((0x80, 0x100), (0x2000, 0x2070), (0x3000, 0x3040), (0xF900, 0xFB00),
                (0xFF00, 0xFF61), (0xFFE0, 0xFFEF))


cdef bint _inert(str form, set kept):
    """Whether every character of `form` is ASCII, Han or in `kept`."""
    cdef Py_UCS4 o
    for o in form:
        if not (o < 0x80 or _han(o) or o in kept):
            return False
    return True


def init_nfkc(str zero_width):
    """Learn the NFKC forms `nfkc_known` uses; the characters of `zero_width` fold to ""
    (`tokenize.normalize` drops them after NFKC)."""
    cdef Py_UCS4 c
    cdef set kept = set()
    cdef dict forms = {}
    for c in range(0x80):
        _nfkc_class[c] = KEEP
    for c in range(0x3400, 0x4DC0):
        _nfkc_class[c] = KEEP
    for c in range(0x4E00, 0xA000):
        _nfkc_class[c] = KEEP
    for lo, hi in _FOLD_BLOCKS:
        for c in range(lo, hi):
            form = unicodedata.normalize("NFKC", chr(c))
            forms[c] = form
            if form == chr(c) and unicodedata.combining(form) == 0:
                kept.add(c)
    for c, form in forms.items():
        if not _inert(form, kept):
            continue
        if c in zero_width:
            _nfkc_class[c] = FOLD
            _folded[c] = ""
        elif form == chr(c):
            _nfkc_class[c] = KEEP
        else:
            _nfkc_class[c] = FOLD
            _folded[c] = form


def nfkc_known(str text):
    """``unicodedata.normalize("NFKC", text)`` without the zero-width characters when every
    character of `text` is one whose form is known here (ASCII, Han, the `_FOLD_BLOCKS`),
    else None. The full normalisation decomposes and recomposes every character of a text
    that needs any change, and a full-width comma is enough: on Chinese text it cost more
    than the word segmentation."""
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i
    cdef Py_ssize_t start = 0
    cdef Py_UCS4 c
    cdef unsigned char k
    cdef list parts = None
    for i in range(n):
        c = text[i]
        k = _nfkc_class[c] if c < 0x10000 else OTHER
        if k == KEEP:
            continue
        if k == OTHER:
            return None
        if parts is None:
            parts = []
        parts.append(text[start:i])
        parts.append(_folded[c])
        start = i + 1
    if parts is None:
        return text
    parts.append(text[start:])
    return "".join(parts)


cdef object _number_shape = None
cdef tuple _number_words = ()
cdef str _percent_word = ""


def set_number_shape(shape, tuple number_words, str percent_word):
    """Name a `shape` whose rule for the scan's numbers is: `percent_word` if the number ends in
    ``%``, else ``number_words[min(digits, len - 1)]``; `scan` then applies it without the
    call (features.shape_word, registered by features.py)."""
    global _number_shape, _number_words, _percent_word
    _number_shape, _number_words, _percent_word = shape, number_words, percent_word


cdef str _shape_number(str s, Py_ssize_t i, Py_ssize_t j):
    cdef Py_ssize_t digits = 0
    cdef Py_ssize_t k
    if s[j - 1] == 0x25:  # %
        return _percent_word
    for k in range(i, j):
        if Py_UNICODE_ISDECIMAL(s[k]):
            digits += 1
    return <str> _number_words[min(digits, len(_number_words) - 1)]


def scan(str s, shape, cut):
    """Tokens of normalised `s`: ``cut(run)`` words for Han runs, ``shape(number)`` for
    numbers, the latin words and the other non-space characters as they are.

    The Han runs of `s` are cut in one call, joined by newlines (`_cut_runs`): the segmenter
    splits its input at non-Han characters first, so the words are the same as run by run,
    and one call costs less than one per run (tests/test_fasttokenize.py checks the two agree)."""
    cdef Py_ssize_t n = len(s)
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t j
    cdef Py_UCS4 c
    cdef Py_UCS4 q
    cdef list out = []
    cdef list runs = []
    while i < n:
        c = s[i]
        if _han(c):
            j = i + 1
            while j < n and _han(s[j]):
                j += 1
            runs.append(s[i:j])
            out.append(None)
        elif _latin(c):
            j = i + 1
            while j < n and _latin(s[j]):
                j += 1
            if j + 1 < n:
                q = s[j]
                if (q == 0x27 or q == 0x2019) and _latin(s[j + 1]):  # ' or ’
                    j += 2
                    while j < n and _latin(s[j]):
                        j += 1
            out.append(s[i:j])
        elif Py_UNICODE_ISDECIMAL(c):
            j = i + 1
            while j < n and Py_UNICODE_ISDECIMAL(s[j]):
                j += 1
            while j + 1 < n:
                q = s[j]
                if (q == 0x2E or q == 0x2C or q == 0x3A) and Py_UNICODE_ISDECIMAL(s[j + 1]):
                    j += 2
                    while j < n and Py_UNICODE_ISDECIMAL(s[j]):
                        j += 1
                else:
                    break
            if j < n and s[j] == 0x25:  # %
                j += 1
            if shape is _number_shape:
                out.append(_shape_number(s, i, j))
            else:
                out.append(shape(s[i:j]))
        elif not Py_UNICODE_ISSPACE(c):
            j = i + 1
            out.append(s[i:j])
        else:
            j = i + 1
        i = j
    if runs:
        return _cut_runs(out, runs, cut)
    return out


cdef list _cut_runs(list out, list runs, cut):
    """`out` with its placeholders (None, one per Han run, in order) replaced by the words of
    their runs."""
    cdef list words
    cdef list result
    cdef Py_ssize_t k, wi, nw
    if len(runs) == 1:
        k = out.index(None)
        out[k:k + 1] = cut(runs[0])
        return out
    words = cut("\n".join(runs))
    result = []
    wi = 0
    nw = len(words)
    for k in range(len(out)):
        if out[k] is None:
            while wi < nw and words[wi] == "\n":
                wi += 1
            while wi < nw and words[wi] != "\n":
                result.append(words[wi])
                wi += 1
        else:
            result.append(out[k])
    return result
