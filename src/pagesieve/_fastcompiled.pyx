# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled model's inner loops in C (`compiled.CompiledModel` is the reference):
token to column lookups (``np.fromiter(map(vocab.get, flat, repeat(-1)))`` without a Python
call per token), the vocabulary and bigram index read from the cached bytes, and the sparse
products and sigmoid that would otherwise need scipy — importing it costs every batch run a
quarter of a second."""

from cpython.dict cimport PyDict_GetItemWithError
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcmp
from libc.math cimport exp, expf, sqrt
from libc.stdlib cimport malloc, free

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


cdef inline unsigned long long _fnv1a(const unsigned char *p, Py_ssize_t n) noexcept:
    cdef unsigned long long h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ p[i]) * 1099511628211ULL
    return h


cdef Py_ssize_t _find(const long long[::1] table, const unsigned char *blob,
                      const long long[::1] starts, const unsigned char *p, Py_ssize_t n,
                      unsigned long long h) noexcept:
    """The slot of the line whose bytes are ``p[:n]`` in `table` (columns by `_fnv1a` of their
    bytes, linear probing, -1 empty), or of the empty slot where it would go."""
    cdef unsigned long long mask = table.shape[0] - 1
    cdef unsigned long long s = h & mask
    cdef long long col
    while True:
        col = table[s]
        if col < 0 or (starts[col + 1] - 1 - starts[col] == n
                       and memcmp(blob + starts[col], p, n) == 0):
            return s
        s = (s + 1) & mask


def words_index(const unsigned char[::1] lines):
    """The words vocabulary's lookups from its UTF-8 lines, one term a line in column order (the
    cache's ``words_terms``): (number of terms, {unigram: column}, bigram keys ``a * n + b``
    and their columns in column order, {bigram: column} of the bigrams with a part that is not
    a unigram). `CompiledModel._bigram_index`'s build, with the parts of a bigram found by their
    bytes: no string is made for the four fifths of the terms that are bigrams, only for the
    unigrams (strict UTF-8: invalid bytes raise, as ``bytes.decode`` would)."""
    cdef Py_ssize_t size = lines.shape[0]
    if size == 0:
        return 0, {}, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), {}
    cdef const unsigned char *blob = &lines[0]
    cdef Py_ssize_t n = 1, i, col, sp
    for i in range(size):
        n += blob[i] == 10
    # line `col` is blob[starts[col]:starts[col + 1] - 1]; spaces[col] its first space or -1
    starts_ = np.empty(n + 1, dtype=np.int64)
    spaces_ = np.full(n, -1, dtype=np.int64)
    cdef long long[::1] starts = starts_
    cdef long long[::1] spaces = spaces_
    starts[0] = 0
    col = 0
    for i in range(size):
        if blob[i] == 10:
            col += 1
            starts[col] = i + 1
        elif blob[i] == 32 and spaces[col] < 0:
            spaces[col] = i
    starts[n] = size + 1
    cdef Py_ssize_t n_uni = 0
    for col in range(n):
        n_uni += spaces[col] < 0
    cdef int bits = 4
    while (1 << bits) < 2 * n_uni:
        bits += 1
    table_ = np.full(1 << bits, -1, dtype=np.int64)
    cdef long long[::1] table = table_
    cdef dict vocab = {}
    cdef Py_ssize_t start, length
    for col in range(n):
        if spaces[col] >= 0:
            continue
        start = starts[col]
        length = starts[col + 1] - 1 - start
        vocab[PyUnicode_DecodeUTF8(<char *> blob + start, length, NULL)] = col
        # a repeated line: the later column wins, as in the dict
        table[_find(table, blob, starts, blob + start, length, _fnv1a(blob + start, length))] = col
    keys = np.empty(n - n_uni, dtype=np.int64)
    cols = np.empty(n - n_uni, dtype=np.int64)
    cdef long long[::1] kv = keys
    cdef long long[::1] cv = cols
    cdef dict other = {}
    cdef Py_ssize_t m = 0, a_len, b_len
    cdef long long ia, ib, prev_ia = -1
    cdef Py_ssize_t prev_start = 0, prev_len = -1
    for col in range(n):
        sp = spaces[col]
        if sp < 0:
            continue
        start = starts[col]
        a_len = sp - start
        b_len = starts[col + 1] - 2 - sp
        # sorted terms put a word's bigrams together: most share the line before's first part
        if a_len != prev_len or memcmp(blob + start, blob + prev_start, a_len) != 0:
            prev_ia = table[_find(table, blob, starts, blob + start, a_len,
                                  _fnv1a(blob + start, a_len))]
            prev_start, prev_len = start, a_len
        ia = prev_ia
        ib = table[_find(table, blob, starts, blob + sp + 1, b_len,
                         _fnv1a(blob + sp + 1, b_len))]
        if ia < 0 or ib < 0:
            other[PyUnicode_DecodeUTF8(<char *> blob + start, sp - start + 1 + b_len,
                                       NULL)] = col
        else:
            kv[m] = ia * n + ib
            cv[m] = col
            m += 1
    return n, vocab, keys[:m].copy(), cols[:m].copy(), other


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


cdef inline void _insertion(long long *v, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i, j
    cdef long long x
    for i in range(1, n):
        x = v[i]
        j = i - 1
        while j >= 0 and v[j] > x:
            v[j + 1] = v[j]
            j -= 1
        v[j + 1] = x


cdef void _heapsort(long long *v, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t start, end, root, child
    cdef long long x
    start = n // 2
    end = n
    while end > 1:
        if start > 0:  # building the max-heap
            start -= 1
        else:  # the largest to the end
            end -= 1
            x = v[end]
            v[end] = v[0]
            v[0] = x
        root = start
        x = v[root]
        while 2 * root + 1 < end:  # sift `x` down
            child = 2 * root + 1
            if child + 1 < end and v[child] < v[child + 1]:
                child += 1
            if v[child] <= x:
                break
            v[root] = v[child]
            root = child
        v[root] = x


cdef void _quick(long long *v, Py_ssize_t n, int depth) noexcept nogil:
    """Leave `v[:n]` in runs of 16 or fewer, each run's values between its neighbours':
    quicksort (Hoare's partition around the median of three), heapsort past `depth`."""
    cdef Py_ssize_t i, j, mid
    cdef long long pivot, x
    while n > 16:
        if depth == 0:
            _heapsort(v, n)
            return
        depth -= 1
        mid = (n - 1) // 2
        if v[mid] < v[0]:
            v[mid], v[0] = v[0], v[mid]
        if v[n - 1] < v[0]:
            v[n - 1], v[0] = v[0], v[n - 1]
        if v[n - 1] < v[mid]:
            v[n - 1], v[mid] = v[mid], v[n - 1]
        pivot = v[mid]
        i = -1
        j = n
        while True:  # v[:j + 1] <= pivot <= v[j + 1:], 0 <= j < n - 1
            i += 1
            while v[i] < pivot:
                i += 1
            j -= 1
            while v[j] > pivot:
                j -= 1
            if i >= j:
                break
            x = v[i]
            v[i] = v[j]
            v[j] = x
        if j + 1 < n - j - 1:  # the smaller side by recursion, the larger by the loop
            _quick(v, j + 1, depth)
            v += j + 1
            n -= j + 1
        else:
            _quick(v + j + 1, n - j - 1, depth)
            n = j + 1


cdef inline void _sort(long long *v, Py_ssize_t n) noexcept nogil:
    """Ascending, in place: insertion sort for the usual few columns, beyond that an
    introsort (`_quick`, then insertion sort over its short runs). Integers in ascending order
    are one array whatever the method (qsort gave it before)."""
    cdef int depth = 0
    cdef Py_ssize_t k = n
    if n > 24:
        while k > 1:
            k >>= 1
            depth += 2
        _quick(v, n, depth)
    _insertion(v, n)


def sort_ids(long long[::1] v, int depth=-1):
    """`_sort` of `v` in place, or with `depth` (>= 0) its introsort held to that depth (0:
    heapsort), then its insertion sort (for the tests)."""
    cdef long long *p = &v[0] if v.shape[0] else NULL
    if depth < 0:
        _sort(p, v.shape[0])
    else:
        _quick(p, v.shape[0], depth)
        _insertion(p, v.shape[0])


cdef inline Py_ssize_t _gather(const long long[::1] ids, Py_ssize_t a, Py_ssize_t b,
                               long long *buf, Py_ssize_t m) noexcept:
    """Append ``ids[a:b]``'s known (>= 0) columns to ``buf[m:]``; the new length."""
    cdef Py_ssize_t i
    for i in range(a, b):
        if ids[i] >= 0:
            buf[m] = ids[i]
            m += 1
    return m


def pass1_csr(const long long[::1] wlen, const long long[::1] uni, const long long[::1] bi,
              const float[::1] idf, const float[::1] logtab, const long long[::1] llen,
              const long long[::1] lids, long long n_words):
    """`CompiledModel.pass1_matrix` after the lookups, in one pass over the rows: each row's
    distinct word columns (its unigram ids, and the bigram ids of its adjacent pairs; -1
    dropped) in ascending order with float32 ``(log(count) + 1) * idf`` (`logtab[k - 1]` is
    numpy's float32 ``log(k)``), divided in float64 by the square root of the float32
    squares added left to right into a float64 sum (when it is not zero), then its distinct
    layout columns + `n_words`, ascending, with 1.0. Returns (float32 data, int32 indices,
    int32 indptr), or None when a count exceeds `logtab` (the caller then takes the numpy path)."""
    cdef Py_ssize_t n_rows = wlen.shape[0]
    cdef Py_ssize_t n_tok = uni.shape[0]
    cdef Py_ssize_t n_lay = lids.shape[0]
    cdef Py_ssize_t n_log = logtab.shape[0]
    cdef Py_ssize_t cap = n_tok + bi.shape[0] + n_lay
    data_ = np.empty(cap, dtype=np.float32)
    indices_ = np.empty(cap, dtype=np.int32)
    indptr_ = np.empty(n_rows + 1, dtype=np.int32)
    cdef float[::1] data = data_
    cdef int[::1] indices = indices_
    cdef int[::1] indptr = indptr_
    cdef long long *buf = <long long *> malloc((cap if cap > 0 else 1) * sizeof(long long))
    if buf == NULL:
        raise MemoryError()
    cdef Py_ssize_t row, i, m, k, start, count, nnz = 0, ws = 0, ls = 0, we, le, first
    cdef long long col
    cdef float v
    cdef double s, norm
    try:
        indptr[0] = 0
        for row in range(n_rows):
            we = ws + wlen[row]
            m = _gather(uni, ws, we, buf, 0)
            m = _gather(bi, ws, we - 1, buf, m)  # the row's own adjacent pairs only
            _sort(buf, m)
            first = nnz
            s = 0.0
            i = 0
            while i < m:
                col = buf[i]
                start = i
                while i < m and buf[i] == col:
                    i += 1
                count = i - start
                if count > n_log:
                    return None
                v = logtab[count - 1] + <float> 1.0
                v = v * idf[col]
                data[nnz] = v
                indices[nnz] = <int> col
                nnz += 1
                s += <double> (v * v)
            norm = sqrt(s)
            if norm != 0.0:
                for k in range(first, nnz):
                    data[k] = <float> (<double> data[k] / norm)
            ws = we
            le = ls + llen[row]
            m = _gather(lids, ls, le, buf, 0)
            _sort(buf, m)
            i = 0
            while i < m:
                col = buf[i]
                while i < m and buf[i] == col:
                    i += 1
                data[nnz] = 1.0
                indices[nnz] = <int> (col + n_words)
                nnz += 1
            ls = le
            indptr[row + 1] = <int> nnz
    finally:
        free(buf)
    return data_[:nnz].copy(), indices_[:nnz].copy(), indptr_
