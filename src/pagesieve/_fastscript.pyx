# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""script.py's sample count in C (`script.is_traditional` on `script._sample` is the reference):
two regex `findall`s over the first 4,000 characters of every page cost ~0.2 ms; one pass over
the blocks' text with a table of the Traditional-only characters costs a few microseconds."""

cdef extern from "Python.h":
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)

cdef enum:
    HAN_FIRST = 0x4E00
    HAN_LAST = 0x9FFF


def han_counts(blocks, const unsigned char[::1] table not None, Py_ssize_t limit):
    """(Traditional-only characters, Han characters) in the first `limit` characters of the
    blocks' text, joined; ``table[c - 0x4E00]`` is non-zero for a Traditional-only Han `c`."""
    if table.shape[0] != HAN_LAST - HAN_FIRST + 1:
        raise ValueError("the table must hold one byte per code point U+4E00..U+9FFF")
    cdef Py_ssize_t hits = 0, han = 0, left = limit, n, i
    cdef int kind
    cdef void *data
    cdef Py_ssize_t c
    cdef str text
    for b in blocks:
        if left <= 0:
            break
        text = b.text
        n = min(len(text), left)
        left -= n
        kind = PyUnicode_KIND(text)
        if kind == 1:  # Latin-1: no Han
            continue
        data = PyUnicode_DATA(text)
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if HAN_FIRST <= c <= HAN_LAST:
                han += 1
                hits += table[c - HAN_FIRST] != 0
    return hits, han
