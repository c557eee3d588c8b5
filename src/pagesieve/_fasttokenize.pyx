# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The run scan of `tokenize.tokenize_shaped` in C: the same tokens as ``_RUN.finditer``.

`_RUN` is han run | latin word (with one inner apostrophe) | number | any other non-space
character. On short blocks the per-match Python work (a match object, `lastgroup`, `group`)
cost more than the scan; here one loop over the normalised text reads each character once and
makes only the token strings. The classes are Python's own: ``\\d`` is
`Py_UNICODE_ISDECIMAL` and ``\\s`` is `Py_UNICODE_ISSPACE` in `re`, as in `str.isdecimal` /
`str.isspace` (tests/test_tokenize.py checks both over every code point and the tokens
against the regex on corpus text).
"""

cdef extern from "Python.h":
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)


cdef inline bint _han(Py_UCS4 c) noexcept:
    return (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF) or (0xF900 <= c <= 0xFAFF)


cdef inline bint _latin(Py_UCS4 c) noexcept:
    return 0x61 <= c <= 0x7A  # a-z


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
