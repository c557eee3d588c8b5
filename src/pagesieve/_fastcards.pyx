# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""`cards.card_spans` in C: the common xpath steps of neighbouring blocks (as
`region.split_depths` counts them) and each block's card. The Python code in cards.py is the
reference; tests/test_fastcards.py checks the two agree."""

import numpy as np

# region.split_depths' limits: xpaths cut at a step boundary within this many characters,
# depths capped
DEF _MAX_CHARS = 1024
DEF _MAX_DEPTH = 64


cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil


cdef struct _Text:
    int kind
    void *data
    Py_ssize_t n  # its length after `split_depths`' cut


cdef inline Py_UCS4 _at(_Text t, Py_ssize_t i) noexcept nogil:
    """The character as `split_depths` sees it: ASCII, anything else its "?"."""
    cdef Py_UCS4 c = PyUnicode_READ(t.kind, t.data, i)
    return c if c < 128 else 63


cdef _Text _text(str x):
    """`x` for reading, cut as `split_depths` cuts it (at the last "/" before _MAX_CHARS)."""
    cdef _Text t
    cdef Py_ssize_t n = len(x), i
    t.kind = PyUnicode_KIND(x)
    t.data = PyUnicode_DATA(x)
    t.n = n
    if n > _MAX_CHARS:
        i = _MAX_CHARS - 1
        while i >= 0 and PyUnicode_READ(t.kind, t.data, i) != 47:
            i -= 1
        t.n = i if i >= 0 else n - 1
    return t


cdef Py_ssize_t _depth(_Text t) noexcept nogil:
    """Steps of the cut xpath: its slashes, with the one `split_depths` appends, less one."""
    cdef Py_ssize_t i, d = 0
    for i in range(t.n):
        if PyUnicode_READ(t.kind, t.data, i) == 47:
            d += 1
    return d


cdef Py_ssize_t _shared(_Text a, _Text b) noexcept nogil:
    """Whole steps `b` shares with `a` (`split_depths`' lcp): the slashes of `b` before their
    first differing character, less one; `b`'s depth when none differs (or the first does)."""
    cdef Py_ssize_t i = 0, slashes = 0
    cdef Py_UCS4 ca, cb
    while True:
        ca = _at(a, i) if i < a.n else (47 if i == a.n else 0)
        cb = _at(b, i) if i < b.n else (47 if i == b.n else 0)
        if ca != cb:
            break
        if i > b.n:  # both ended at the same place: identical rows, every slash counted
            return slashes - 1
        if cb == 47:
            slashes += 1
        i += 1
    if i == 0:
        return _depth(b)
    return slashes - 1


def card_spans(list xpaths, list sizes, Py_ssize_t max_blocks, Py_ssize_t max_chars,
               Py_ssize_t page_steps):
    """(lo, hi) int arrays, -1 where a block has no card; see `cards.card_spans`."""
    cdef Py_ssize_t n = len(xpaths), i, lo, hi, depth, total, j
    lo_a = np.full(n, -1, dtype=np.intp)
    hi_a = np.full(n, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] lo_v = lo_a
    cdef Py_ssize_t[::1] hi_v = hi_a
    shared_a = np.zeros(n + 1, dtype=np.intp)
    cdef Py_ssize_t[::1] shared = shared_a
    cdef _Text prev, cur
    if n < 2:
        return lo_a, hi_a
    prev = _text(<str> xpaths[0])
    for i in range(1, n):
        cur = _text(<str> xpaths[i])
        shared[i] = min(_shared(prev, cur), _MAX_DEPTH)
        prev = cur
    for i in range(n):
        depth = max(shared[i], shared[i + 1])
        if depth <= page_steps:
            continue
        lo = i
        while lo > 0 and shared[lo] >= depth and i - lo < max_blocks:
            lo -= 1
        hi = i + 1
        while hi < n and shared[hi] >= depth and hi - lo <= max_blocks:
            hi += 1
        if hi - lo > max_blocks:
            continue
        if (lo > 0 and shared[lo] >= depth) or (hi < n and shared[hi] >= depth):
            continue
        total = 0
        for j in range(lo, hi):
            total += <Py_ssize_t> sizes[j]
        if total <= max_chars:
            lo_v[i] = lo
            hi_v[i] = hi
    return lo_a, hi_a


def card_features(const double[:, ::1] p1, const Py_ssize_t[::1] lo, const Py_ssize_t[::1] hi,
                  const double[::1] sizes):
    """`cards.card_matrix`'s columns from the spans: for a block with a card, the mates'
    length-weighted mean scores (the cumulative sums `card_matrix` takes, in its order) and 1."""
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1], i, c, a, b
    out_a = np.zeros((n, k + 1))
    cdef double[:, ::1] out = out_a
    csum_a = np.zeros((n + 1, k))
    cdef double[:, ::1] csum = csum_a
    wsum_a = np.zeros(n + 1)
    cdef double[::1] wsum = wsum_a
    cdef double others
    for i in range(n):
        wsum[i + 1] = wsum[i] + sizes[i]
        for c in range(k):
            csum[i + 1, c] = csum[i, c] + p1[i, c] * sizes[i]
    for i in range(n):
        a = lo[i]
        if a < 0:
            continue
        b = hi[i]
        others = wsum[b] - wsum[a] - sizes[i]
        for c in range(k):
            out[i, c] = (csum[b, c] - csum[a, c] - p1[i, c] * sizes[i]) / others
        out[i, k] = 1.0
    return out_a
