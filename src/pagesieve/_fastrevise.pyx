# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""`revise.context_matrix` in C: its features of the first-pass probabilities in one pass,
among them the sibling and run averages. The Python code in revise.py is the reference; every
sum here adds rows in the order numpy's ``sum(axis=0)`` does (first row, then each next one),
so the values are equal."""

from libc.math cimport log1p

import numpy as np


def group_features(const double[:, ::1] p1, list paths):
    """(sib, sib_n, run): for each block the mean first-pass probabilities of the other blocks
    with its tag path (and ``log1p(count - 1) / 5``), and of the others in its contiguous run."""
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1]
    out_a = np.zeros((n, 2 * k + 1))
    _groups(p1, paths, out_a, 0, k, 2 * k)
    return (np.ascontiguousarray(out_a[:, :k]), np.ascontiguousarray(out_a[:, 2 * k]),
            np.ascontiguousarray(out_a[:, k : 2 * k]))


cdef int _groups(const double[:, ::1] p1, list paths, double[:, ::1] out, Py_ssize_t sib_col,
                 Py_ssize_t run_col, Py_ssize_t n_col) except -1:
    """Write `group_features`' sib, run and sib_n into the columns of `out` from `sib_col`,
    `run_col` and at `n_col` (its rows of lone blocks are left as they are: zeros)."""
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1]
    cdef double[16] total
    if k > 16:
        raise ValueError("too many labels")
    cdef Py_ssize_t i, j, c, m, cnt
    cdef double sn
    # groups in first-seen order, as revise.py builds them
    cdef dict groups = {}
    cdef list members
    for i in range(n):
        members = groups.get(paths[i])
        if members is None:
            groups[paths[i]] = [i]
        else:
            members.append(i)
    for members in groups.values():
        cnt = len(members)
        if cnt <= 1:
            continue
        for c in range(k):
            total[c] = p1[<Py_ssize_t> members[0], c]
        for m in range(1, cnt):
            i = members[m]
            for c in range(k):
                total[c] = total[c] + p1[i, c]
        sn = log1p(<double> (cnt - 1)) / 5.0
        for m in range(cnt):
            i = members[m]
            for c in range(k):
                out[i, sib_col + c] = (total[c] - p1[i, c]) / (cnt - 1)
            out[i, n_col] = sn
    i = 0
    while i < n:
        j = i
        while j + 1 < n and paths[j + 1] == paths[i]:
            j += 1
        if j > i:
            for c in range(k):
                total[c] = p1[i, c]
            for m in range(i + 1, j + 1):
                for c in range(k):
                    total[c] = total[c] + p1[m, c]
            for m in range(i, j + 1):
                for c in range(k):
                    out[m, run_col + c] = (total[c] - p1[m, c]) / (j - i)
        i = j + 1
    return 0


def context_features(p1_a, tuple blocks, sizes_a, Py_ssize_t window, double eps,
                     double scale):
    """`revise.context_matrix` without the card and region columns, for float64 `p1_a` of at
    least one row and the blocks' float64 `sizes_a` (revise.py's, which those columns read too):
    one array filled in one pass instead of ~40 small numpy operations.

    The logarithms stay numpy's (``np.log`` and ``np.log1p`` can differ from the C library's
    in the last bit), called as revise.py calls them. Each sum adds in numpy's order: the
    window's cumulative sums row by row (``np.cumsum``), then ``csum[hi] - csum[lo] - p1``;
    the page mix row by row (``sum(axis=0)``); the size total is of whole numbers, exact in any
    order."""
    cdef const double[:, ::1] p1 = p1_a
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1]
    cdef Py_ssize_t i, c, lo, hi, d
    if n == 0 or k > 16:
        raise ValueError("no rows or too many labels")
    cdef const double[::1] sizes = sizes_a
    if sizes.shape[0] != n:
        raise ValueError("one size a block")
    cdef list paths = [b.tag_path for b in blocks]
    cdef double total_size = 0.0
    for i in range(n):
        total_size += sizes[i]
    cdef const double[:, ::1] logs = np.log(p1_a + eps)
    cdef const double[::1] log_sizes = np.log1p(sizes_a)
    out_a = np.zeros((n, 10 * k + 4))
    cdef double[:, ::1] out = out_a
    csum_a = np.empty((n + 1, k))
    cdef double[:, ::1] csum = csum_a
    cdef double[16] mix
    cdef double weight
    for c in range(k):
        csum[0, c] = 0.0
        csum[1, c] = p1[0, c]
        mix[c] = p1[0, c] * (sizes[0] / total_size)
    for i in range(1, n):
        weight = sizes[i] / total_size
        for c in range(k):
            csum[i + 1, c] = csum[i, c] + p1[i, c]
            mix[c] = mix[c] + p1[i, c] * weight
    for i in range(n):
        lo = min(max(i - window, 0), n)
        hi = min(max(i + window + 1, 0), n)
        d = max(1, hi - lo - 1)
        for c in range(k):
            out[i, c] = p1[i, c]
            if i >= 2:
                out[i, k + c] = p1[i - 2, c]
            if i >= 1:
                out[i, 2 * k + c] = p1[i - 1, c]
            if i + 1 < n:
                out[i, 3 * k + c] = p1[i + 1, c]
            if i + 2 < n:
                out[i, 4 * k + c] = p1[i + 2, c]
            out[i, 5 * k + c] = (csum[hi, c] - csum[lo, c] - p1[i, c]) / <double> d
            out[i, 8 * k + c] = mix[c]
            out[i, 9 * k + c] = logs[i, c] / scale
        out[i, 10 * k + 2] = log_sizes[i] / 8.0
    out[0, 10 * k] = 1.0
    out[n - 1, 10 * k + 1] = 1.0
    _groups(p1, paths, out, 6 * k, 7 * k, 10 * k + 3)
    return out_a
