# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled model's inner loops in C (`compiled.CompiledModel` is the reference):
token to column lookups (``np.fromiter(map(vocab.get, flat, repeat(-1)))`` without a Python
call per token), the bigram index, and the sparse products and sigmoid that would otherwise
need scipy — importing it costs every batch run a quarter of a second."""

from cpython.dict cimport PyDict_GetItem, PyDict_GetItemWithError
from cpython.object cimport PyObject
from libc.math cimport exp, expf

import numpy as np


def token_ids(dict vocab, docs):
    """(tokens per doc, all tokens in order, their column in `vocab` or -1), as int64 arrays
    and a list."""
    cdef Py_ssize_t n_docs = len(docs)
    lengths = np.empty(n_docs, dtype=np.int64)
    cdef long long[::1] lv = lengths
    cdef list flat = []
    cdef Py_ssize_t i = 0
    for d in docs:
        lv[i] = len(d)
        flat.extend(d)
        i += 1
    cdef Py_ssize_t n = len(flat)
    ids = np.empty(n, dtype=np.int64)
    cdef long long[::1] iv = ids
    cdef PyObject *got
    for i in range(n):
        # (PyDict_GetItem would save and restore the error state around every lookup)
        got = PyDict_GetItemWithError(vocab, flat[i])
        iv[i] = -1 if got == NULL else <long long> (<object> got)
    return lengths, flat, ids


cdef extern from "Python.h":
    Py_ssize_t PyUnicode_FindChar(object s, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end,
                                  int direction) except -2
    object PyUnicode_Substring(object s, Py_ssize_t start, Py_ssize_t end)


def bigram_index(list terms, dict vocab, long long width):
    """(keys ``a * width + b``, columns, {term: column} of bigrams with an unknown part), keys
    in term order: `CompiledModel._bigram_index` before its sort."""
    cdef Py_ssize_t n = len(terms)
    keys = np.empty(n, dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    cdef long long[::1] kv = keys
    cdef long long[::1] cv = cols
    cdef dict other = {}
    cdef Py_ssize_t col, pos, size, m = 0
    cdef object term
    cdef PyObject *ia
    cdef PyObject *ib
    for col in range(n):
        term = terms[col]
        size = len(term)
        pos = PyUnicode_FindChar(term, 32, 0, size, 1)
        if pos < 0:
            continue
        ia = PyDict_GetItem(vocab, PyUnicode_Substring(term, 0, pos))
        ib = PyDict_GetItem(vocab, PyUnicode_Substring(term, pos + 1, size))
        if ia == NULL or ib == NULL:
            other[term] = col
        else:
            kv[m] = (<long long> (<object> ia)) * width + <long long> (<object> ib)
            cv[m] = col
            m += 1
    return keys[:m].copy(), cols[:m].copy(), other


def csr_dot_f32(const float[::1] data, const int[::1] indices, const int[::1] indptr,
                const float[:, ::1] dense):
    """``csr_matrix((data, indices, indptr)) @ dense`` in float32, each row's products added
    left to right from zero: scipy's ``csr_matvecs`` loop, so the sums are the same bits."""
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    cdef Py_ssize_t n_vecs = dense.shape[1]
    out = np.zeros((n_rows, n_vecs), dtype=np.float32)
    cdef float[:, ::1] y = out
    cdef Py_ssize_t i, jj, k, j
    cdef float a
    for i in range(n_rows):
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            a = data[jj]
            for k in range(n_vecs):
                y[i, k] += a * dense[j, k]
    return out


def row_sums_f64(const double[::1] data, const long long[::1] indptr):
    """Each row's values added left to right from zero (scipy's ``csr_matvec`` with ones)."""
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    out = np.empty(n_rows, dtype=np.float64)
    cdef double[::1] y = out
    cdef Py_ssize_t i, jj
    cdef double s
    for i in range(n_rows):
        s = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            s += data[jj] * 1.0
        y[i] = s
    return out


def expit_inplace(double[::1] x):
    """``scipy.special.expit(x, out=x)`` for float64: ``1 / (1 + exp(-x))`` with the C
    library's exp, as scipy computes it."""
    cdef Py_ssize_t i
    for i in range(x.shape[0]):
        x[i] = 1.0 / (1.0 + exp(-x[i]))


def expit_inplace_f32(float[::1] x):
    """``scipy.special.expit(x, out=x)`` for float32: ``1 / (1 + expf(-x))`` in float, as scipy
    computes it."""
    cdef Py_ssize_t i
    cdef float one = 1.0
    for i in range(x.shape[0]):
        x[i] = one / (one + expf(-x[i]))


cdef inline unsigned long long _slot(long long key, int shift) noexcept:
    return (<unsigned long long> key * 0x9E3779B97F4A7C15ULL) >> shift


def bigram_table(const long long[::1] keys, const long long[::1] cols):
    """An open-addressing hash table of the bigram index (keys >= 0; empty slots hold -1),
    at most half full: one or two probes per pair instead of a binary search of the keys."""
    cdef Py_ssize_t n = keys.shape[0]
    cdef int bits = 4
    while (1 << bits) < 2 * n:
        bits += 1
    cdef Py_ssize_t size = 1 << bits
    tkeys = np.full(size, -1, dtype=np.int64)
    tcols = np.full(size, -1, dtype=np.int64)
    cdef long long[::1] tk = tkeys
    cdef long long[::1] tc = tcols
    cdef int shift = 64 - bits
    cdef unsigned long long mask = size - 1
    cdef unsigned long long s
    cdef Py_ssize_t i
    for i in range(n):
        s = _slot(keys[i], shift)
        while tk[s] != -1 and tk[s] != keys[i]:
            s = (s + 1) & mask
        if tk[s] == -1:  # the first column of a repeated key wins, as searchsorted's would
            tk[s] = keys[i]
            tc[s] = cols[i]
    return tkeys, tcols


def bigram_columns(const long long[::1] tkeys, const long long[::1] tcols,
                   const long long[::1] uni, long long width):
    """The column of each adjacent pair ``(uni[i], uni[i + 1])`` of known words in the table
    (`bigram_table`), -1 where either word is unknown or the pair is not a bigram term."""
    cdef Py_ssize_t n = uni.shape[0] - 1 if uni.shape[0] > 0 else 0
    out = np.full(n, -1, dtype=np.int64)
    cdef long long[::1] o = out
    cdef Py_ssize_t size = tkeys.shape[0]
    cdef int bits = 0
    while (1 << bits) < size:
        bits += 1
    cdef int shift = 64 - bits
    cdef unsigned long long mask = size - 1
    cdef unsigned long long s
    cdef long long a, b, key
    cdef Py_ssize_t i
    for i in range(n):
        a = uni[i]
        b = uni[i + 1]
        if a < 0 or b < 0:
            continue
        key = a * width + b
        s = _slot(key, shift)
        while True:
            if tkeys[s] == key:
                o[i] = tcols[s]
                break
            if tkeys[s] == -1:
                break
            s = (s + 1) & mask
    return out
