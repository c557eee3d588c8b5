# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""`cards.card_spans` in C: the common xpath steps of neighbouring blocks (as
`region.split_depths` counts them) and each block's card. The Python code in cards.py is the
reference; tests/test_fastcards.py checks the two agree."""

import numpy as np

include "_xpathsteps.pxi"


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
    if n < 2:
        return lo_a, hi_a
    _shared_steps(xpaths, shared)
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
