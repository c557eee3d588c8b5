# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""`region.region_matrix` in C: the same ancestors, containers and columns without the
(blocks x depth x labels) arrays numpy builds (~0.4 ms a page there, ~0.08 ms here). Every
float is computed from the same operands in the same order as the Python reference in
region.py; tests/test_fastregion.py checks the two agree bit for bit."""

import numpy as np

from libc.math cimport INFINITY, log1p

include "_xpathsteps.pxi"


def split_depths(list xpaths):
    """`region.split_depths`: each block's depth in steps and its common-prefix depth with the
    block before it (intp arrays)."""
    cdef Py_ssize_t n = len(xpaths), i
    depth_a = np.zeros(n, dtype=np.intp)
    lcp_a = np.zeros(n, dtype=np.intp)
    cdef Py_ssize_t[::1] depth = depth_a
    for i in range(n):
        depth[i] = min(_depth(_text(<str> xpaths[i])), _MAX_DEPTH)
    _shared_steps(xpaths, lcp_a)
    return depth_a, lcp_a


cdef struct _Best:
    Py_ssize_t lo, hi, d
    double purity


cdef _Best _best(Py_ssize_t col, Py_ssize_t n, Py_ssize_t dmax, Py_ssize_t k, double lam,
                 const Py_ssize_t[::1] depth, const Py_ssize_t[:, ::1] lo,
                 const Py_ssize_t[:, ::1] hi, const double[:, ::1] csum,
                 const double[:, ::1] total) noexcept:
    """The node with the most `col` mass net of the rest (numpy's argmax: the first best in
    block-then-depth order), and its purity."""
    cdef Py_ssize_t i, d, bi = 0, bd = 0
    cdef double score, best = -INFINITY, node, t
    cdef bint first = True
    for i in range(n):
        for d in range(dmax):
            if d + 1 <= depth[i]:
                node = csum[hi[i, d], col] - csum[lo[i, d], col]
                score = (1.0 + lam) * node - lam * total[i, d] + 1e-6 * <double> (d + 1)
            else:
                score = -INFINITY
            if first or score > best:
                best, bi, bd, first = score, i, d, False
    cdef _Best out
    out.lo = lo[bi, bd]
    out.hi = hi[bi, bd]
    out.d = bd
    t = total[bi, bd]
    node = csum[hi[bi, bd], col] - csum[lo[bi, bd], col]
    out.purity = node / t if t != 0.0 else 0.0
    return out


def region_features(list xpaths, const double[:, ::1] p1, const double[::1] sizes,
                    double lam, Py_ssize_t min_blocks, double max_steps):
    """`region.region_matrix` of an HTML page with at least one block and one step:
    (blocks, labels + 12) float64."""
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1], i, d, c, dmax = 0, level, thr, d_anc
    depth_a, lcp_a = split_depths(xpaths)
    cdef Py_ssize_t[::1] depth = depth_a
    cdef Py_ssize_t[::1] lcp = lcp_a
    for i in range(n):
        if depth[i] > dmax:
            dmax = depth[i]
    out_a = np.zeros((n, k + 12))
    cdef double[:, ::1] out = out_a
    if dmax == 0:  # region.region_matrix: no tree to read
        for i in range(n):
            out[i, k + 11] = 1.0
        return out_a
    # the node of block i at depth index d: the blocks [lo, hi) sharing its first d + 1 steps
    lo_a = np.empty((n, dmax), dtype=np.intp)
    hi_a = np.empty((n, dmax), dtype=np.intp)
    cdef Py_ssize_t[:, ::1] lo = lo_a
    cdef Py_ssize_t[:, ::1] hi = hi_a
    for d in range(dmax):
        level = d + 1
        for i in range(n):
            lo[i, d] = i if (i == 0 or lcp[i] < level) else lo[i - 1, d]
        for i in range(n - 1, -1, -1):
            hi[i, d] = i + 1 if (i == n - 1 or lcp[i + 1] < level) else hi[i + 1, d]
    # the masses' running sums down the blocks, and every node's total mass (labels in order)
    csum_a = np.zeros((n + 1, k))
    cdef double[:, ::1] csum = csum_a
    for i in range(n):
        for c in range(k):
            csum[i + 1, c] = csum[i, c] + p1[i, c] * sizes[i]
    total_a = np.empty((n, dmax))
    cdef double[:, ::1] total = total_a
    cdef double s, node, v
    for i in range(n):
        for d in range(dmax):
            s = csum[hi[i, d], 0] - csum[lo[i, d], 0]
            for c in range(1, k):
                s += csum[hi[i, d], c] - csum[lo[i, d], c]
            total[i, d] = s
    cdef double page_total = csum[n, 0]
    for c in range(1, k):
        page_total += csum[n, c]
    if page_total == 0.0:
        page_total = 1.0

    # nearest meaningful ancestor: the deepest node with enough blocks; its mix without the block
    thr = min(min_blocks, n)
    cdef double anc_total, denom
    for i in range(n):
        d_anc = 0
        for d in range(dmax - 1, -1, -1):
            if d + 1 <= depth[i] and hi[i, d] - lo[i, d] >= thr:
                d_anc = d
                break
        anc_total = 0.0
        for c in range(k):
            v = (csum[hi[i, d_anc], c] - csum[lo[i, d_anc], c]) - p1[i, c] * sizes[i]
            anc_total = v if c == 0 else anc_total + v
        if anc_total > 0:
            denom = anc_total if anc_total > 1e-9 else 1e-9
            for c in range(k):  # the same operands as above, so the same mass
                out[i, c] = ((csum[hi[i, d_anc], c] - csum[lo[i, d_anc], c])
                             - p1[i, c] * sizes[i]) / denom
        out[i, k] = log1p(<double> (hi[i, d_anc] - lo[i, d_anc] - 1)) / 6.0

    cdef _Best main = _best(0, n, dmax, k, lam, depth, lo, hi, csum, total)
    cdef Py_ssize_t m_lo = main.lo, m_hi = main.hi, m_d = main.d, meet, steps
    cdef bint inside
    cdef double top = ((1.0 + lam) * (csum[hi[m_lo, m_d], 0] - csum[lo[m_lo, m_d], 0])
                       - lam * total[m_lo, m_d])
    cdef double main_total = total[m_lo, m_d]
    if main_total == 0.0:
        main_total = 1.0
    cdef double net, coverage = 0.0
    if csum[n, 0] > 0:
        coverage = (csum[hi[m_lo, m_d], 0] - csum[lo[m_lo, m_d], 0]) / csum[n, 0]
    for i in range(n):
        inside = m_lo <= i < m_hi
        out[i, k + 1] = inside
        out[i, k + 2] = i < m_lo
        out[i, k + 3] = i >= m_hi
        # steps between the block and the container (down inside, up to the meeting point out)
        if inside:
            steps = depth[i] - (m_d + 1)
        else:
            meet = 0
            for d in range(m_d + 1):
                if lo[i, d] <= m_lo < hi[i, d] and d + 1 <= depth[i]:
                    meet += 1
            steps = (m_d + 1) - meet
        out[i, k + 4] = (<double> steps if steps < max_steps else max_steps) / max_steps
        if top > 0:
            net = -INFINITY
            for d in range(dmax):
                if d + 1 <= depth[i]:
                    v = ((1.0 + lam) * (csum[hi[i, d], 0] - csum[lo[i, d], 0])
                         - lam * total[i, d])
                    if v > net:
                        net = v
            v = net / top
            out[i, k + 5] = 0.0 if v < 0.0 else (1.0 if v > 1.0 else v)
        if inside:
            s = p1[i, 0] * sizes[i]
            for c in range(1, k):
                s += p1[i, c] * sizes[i]
            out[i, k + 6] = s / main_total
        out[i, k + 7] = main.purity
        out[i, k + 8] = coverage
    cdef _Best comments
    if csum[n, 1] / page_total > 0.01:
        comments = _best(1, n, dmax, k, lam, depth, lo, hi, csum, total)
        for i in range(n):
            out[i, k + 9] = comments.lo <= i < comments.hi
            out[i, k + 10] = comments.purity
    return out_a
