# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""`cards.card_spans` in C: the common xpath steps of neighbouring blocks (as
`region._split_depths` counts them) and each block's card. The Python code in cards.py is the
reference; tests/test_fastcards.py checks the two agree."""

import numpy as np

# region._split_depths' limits: xpaths cut at a step boundary within this many characters,
# depths capped
DEF _MAX_CHARS = 1024
DEF _MAX_DEPTH = 64


cdef inline Py_UCS4 _byte(str s, Py_ssize_t i) noexcept:
    """The character as `_split_depths` sees it: ASCII, anything else its "?"."""
    cdef Py_UCS4 c = s[i]
    return c if c < 128 else 63


cdef Py_ssize_t _cut(str x) noexcept:
    """Length of `x` after `_split_depths`' cut (at the last "/" before _MAX_CHARS)."""
    cdef Py_ssize_t n = len(x), i
    if n <= _MAX_CHARS:
        return n
    i = _MAX_CHARS - 1
    while i >= 0 and x[i] != 47:
        i -= 1
    return i if i >= 0 else n - 1


cdef Py_ssize_t _depth(str x, Py_ssize_t n) noexcept:
    """Steps of the cut xpath: its slashes, with the one `_split_depths` appends, less one."""
    cdef Py_ssize_t i, d = 0
    for i in range(n):
        if x[i] == 47:
            d += 1
    return d


cdef Py_ssize_t _shared(str a, Py_ssize_t na, str b, Py_ssize_t nb, Py_ssize_t db) noexcept:
    """Whole steps `b` shares with `a` (`_split_depths`' lcp): the slashes of `b` before their
    first differing character, less one; `b`'s depth when none differs (or the first does)."""
    cdef Py_ssize_t i = 0, slashes = 0
    cdef Py_UCS4 ca, cb
    while True:
        ca = _byte(a, i) if i < na else (47 if i == na else 0)
        cb = _byte(b, i) if i < nb else (47 if i == nb else 0)
        if ca != cb:
            break
        if i > nb:  # both ended at the same place: identical rows
            return db
        if cb == 47:
            slashes += 1
        i += 1
    if i == 0:
        return db
    return slashes - 1


def card_spans(list xpaths, list sizes, Py_ssize_t max_blocks, Py_ssize_t max_chars,
               Py_ssize_t page_steps):
    """(lo, hi) int arrays, -1 where a block has no card; see `cards.card_spans`."""
    cdef Py_ssize_t n = len(xpaths), i, lo, hi, depth, total, j
    cdef list cut = [0] * n
    lo_a = np.full(n, -1, dtype=np.intp)
    hi_a = np.full(n, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] lo_v = lo_a
    cdef Py_ssize_t[::1] hi_v = hi_a
    shared_a = np.zeros(n + 1, dtype=np.intp)
    cdef Py_ssize_t[::1] shared = shared_a
    cdef str prev, cur
    cdef Py_ssize_t nprev = 0, ncur, dcur
    if n < 2:
        return lo_a, hi_a
    prev = <str> xpaths[0]
    nprev = _cut(prev)
    for i in range(1, n):
        cur = <str> xpaths[i]
        ncur = _cut(cur)
        dcur = min(_depth(cur, ncur), _MAX_DEPTH)
        shared[i] = min(_shared(prev, nprev, cur, ncur, dcur), _MAX_DEPTH)
        prev, nprev = cur, ncur
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
