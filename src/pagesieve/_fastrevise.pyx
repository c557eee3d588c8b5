# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The loops of `revise.context_matrix` in C: the sibling and run averages of the first-pass
probabilities. The Python code in revise.py is the reference; every sum here adds rows in the
order numpy's ``sum(axis=0)`` does (first row, then each next one), so the values are equal."""

from libc.math cimport log1p

import numpy as np


def group_features(const double[:, ::1] p1, list paths):
    """(sib, sib_n, run): for each block the mean first-pass probabilities of the other blocks
    with its tag path (and ``log1p(count - 1) / 5``), and of the others in its contiguous run."""
    cdef Py_ssize_t n = p1.shape[0], k = p1.shape[1]
    sib_a = np.zeros((n, k))
    sib_n_a = np.zeros(n)
    run_a = np.zeros((n, k))
    cdef double[:, ::1] sib = sib_a
    cdef double[::1] sib_n = sib_n_a
    cdef double[:, ::1] run = run_a
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
                sib[i, c] = (total[c] - p1[i, c]) / (cnt - 1)
            sib_n[i] = sn
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
                    run[m, c] = (total[c] - p1[m, c]) / (j - i)
        i = j + 1
    return sib_a, sib_n_a, run_a
