# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled model's inner loops in C (`compiled.CompiledModel` is the reference):
token to column lookups (``np.fromiter(map(vocab.get, flat, repeat(-1)))`` without a Python
call per token; the words vocabulary as a table of code points instead of a dict), the
vocabulary and bigram index read from the cached bytes, and the sparse
products and sigmoid that would otherwise need scipy — importing it costs every batch run a
quarter of a second."""

from cpython.dict cimport PyDict_GetItemWithError
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcmp
from libc.math cimport exp, expf, sqrt
from libc.stdlib cimport malloc, free

import numpy as np


cdef tuple _flatten(docs):
    """(tokens per doc as int64, all tokens in order as one list, an int64 array to fill with
    their columns)."""
    lengths = np.empty(len(docs), dtype=np.int64)
    cdef long long[::1] lv = lengths
    cdef list flat = []
    cdef Py_ssize_t i = 0
    for d in docs:
        lv[i] = len(d)
        flat.extend(d)
        i += 1
    return lengths, flat, np.empty(len(flat), dtype=np.int64)


def token_ids(dict vocab, docs):
    """(tokens per doc, all tokens in order, their column in `vocab` or -1), as int64 arrays
    and a list."""
    cdef list flat
    lengths, flat, ids = _flatten(docs)
    cdef long long[::1] iv = ids
    cdef Py_ssize_t i, n = len(flat)
    cdef PyObject *got
    for i in range(n):
        # (PyDict_GetItem would save and restore the error state around every lookup)
        got = PyDict_GetItemWithError(vocab, flat[i])
        iv[i] = -1 if got == NULL else <long long> (<object> got)
    return lengths, flat, ids


# -- the words vocabulary as a table of code points ------------------------------------------
#
# A dict of the ~50k unigram strings cost every worker ~60 ms to build and every token lookup
# three cache misses (index, entry, key object). This table holds up to three code points of a
# term in the slot itself, so a lookup of a short word (nearly all of them) reads one slot;
# longer terms are keyed by a hash and checked against their bytes in the vocabulary's lines.
# Slot i is ``table[2 * i]`` (the key) and ``table[2 * i + 1]`` (``(column + 1) << 32 | length``,
# 0 when empty).

cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void *PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil

cdef enum:
    _PACKED = 3  # terms of at most this many code points are their own key


cdef inline unsigned long long _mix(unsigned long long key, Py_ssize_t length) noexcept nogil:
    """The slot hash of a key and length (splitmix64's finaliser: every bit reaches the low
    ones, which pick the slot)."""
    cdef unsigned long long x = key + <unsigned long long> length * 0x9E3779B97F4A7C15ULL
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL
    return x ^ (x >> 31)


cdef inline unsigned long long _step(unsigned long long key, Py_ssize_t i,
                                     Py_UCS4 c) noexcept nogil:
    """The key after code point `i` is `c`: packed 21 bits a code point, then FNV-1a."""
    if i < _PACKED:
        return key | ((<unsigned long long> c) << (21 * i))
    if i == _PACKED:  # from the fourth code point on, hash the packed prefix on
        key = (14695981039346656037ULL ^ key) * 1099511628211ULL
    return (key ^ <unsigned long long> c) * 1099511628211ULL


cdef inline Py_ssize_t _utf8_next(const unsigned char *p, Py_ssize_t n, Py_UCS4 *c) noexcept nogil:
    """The length of the strict UTF-8 sequence at `p` (at most `n` bytes), its code point in
    `c`; -1 when invalid (as CPython's decoder: no overlong forms, surrogates or > U+10FFFF)."""
    cdef unsigned char b = p[0]
    cdef Py_ssize_t k, i
    cdef unsigned int v
    if b < 0x80:
        c[0] = b
        return 1
    if 0xC2 <= b <= 0xDF:
        k = 2
        v = b & 0x1F
    elif 0xE0 <= b <= 0xEF:
        k = 3
        v = b & 0x0F
    elif 0xF0 <= b <= 0xF4:
        k = 4
        v = b & 0x07
    else:
        return -1
    if n < k:
        return -1
    for i in range(1, k):
        if p[i] & 0xC0 != 0x80:
            return -1
        v = (v << 6) | (p[i] & 0x3F)
    if (k == 3 and (v < 0x800 or 0xD800 <= v <= 0xDFFF)) or (k == 4 and (v < 0x10000
                                                                          or v > 0x10FFFF)):
        return -1
    c[0] = <Py_UCS4> v
    return k


cdef inline Py_ssize_t _bytes_key(const unsigned char *p, Py_ssize_t n,
                                  unsigned long long *key) noexcept nogil:
    """The key of the UTF-8 bytes ``p[:n]``, and their number of code points; -1 if invalid."""
    cdef unsigned long long k = 0
    cdef Py_ssize_t pos = 0, i = 0, step
    cdef Py_UCS4 c
    while pos < n:
        step = _utf8_next(p + pos, n - pos, &c)
        if step < 0:
            return -1
        k = _step(k, i, c)
        pos += step
        i += 1
    key[0] = k
    return i


cdef inline bint _same_str(const unsigned char *p, Py_ssize_t n, int kind, void *data,
                           Py_ssize_t length) noexcept nogil:
    """Whether the valid UTF-8 bytes ``p[:n]`` spell the `length` code points of `data`."""
    cdef Py_ssize_t pos = 0, i = 0, step
    cdef Py_UCS4 c
    while pos < n and i < length:
        step = _utf8_next(p + pos, n - pos, &c)
        if step < 0 or c != PyUnicode_READ(kind, data, i):
            return False
        pos += step
        i += 1
    return pos == n and i == length


cdef inline Py_ssize_t _table_slot(const unsigned long long[::1] table,
                                   const unsigned char *blob, const long long[::1] starts,
                                   unsigned long long key, Py_ssize_t length,
                                   const unsigned char *p, Py_ssize_t n,
                                   int kind, void *data) noexcept:
    """The slot of the term with `key` and `length` code points, or the empty slot where it
    would go. A term of more than `_PACKED` code points is checked against its line: against
    the UTF-8 bytes ``p[:n]`` when `p` is given, else against the code points of `data`."""
    cdef unsigned long long mask = (table.shape[0] >> 1) - 1
    cdef unsigned long long s = _mix(key, length) & mask
    cdef unsigned long long meta
    cdef long long col
    cdef Py_ssize_t start, size
    while True:
        meta = table[2 * s + 1]
        if meta == 0:
            return s
        if table[2 * s] == key and <Py_ssize_t> (meta & 0xFFFFFFFFULL) == length:
            if length <= _PACKED:
                return s
            col = <long long> (meta >> 32) - 1
            start = starts[col]
            size = starts[col + 1] - 1 - start
            if p != NULL:
                if size == n and memcmp(blob + start, p, n) == 0:
                    return s
            elif _same_str(blob + start, size, kind, data, length):
                return s
        s = (s + 1) & mask


cdef inline long long _slot_column(const unsigned long long[::1] table,
                                   Py_ssize_t s) noexcept:
    """The column a slot holds, -1 if it is empty."""
    return <long long> (table[2 * s + 1] >> 32) - 1


cdef inline long long _table_find_bytes(const unsigned long long[::1] table,
                                        const unsigned char *blob, const long long[::1] starts,
                                        const unsigned char *p, Py_ssize_t n,
                                        unsigned long long key, Py_ssize_t length) noexcept:
    """The column of the term whose UTF-8 bytes are ``p[:n]`` (`length` code points, `key`),
    or -1."""
    return _slot_column(table, _table_slot(table, blob, starts, key, length, p, n, 0, NULL))


cdef inline long long _table_find_str(const unsigned long long[::1] table,
                                      const unsigned char *blob, const long long[::1] starts,
                                      str word) noexcept:
    """The column of the term `word`, or -1."""
    cdef int kind = PyUnicode_KIND(word)
    cdef void *data = PyUnicode_DATA(word)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(word), i
    cdef unsigned long long key = 0
    for i in range(length):
        key = _step(key, i, PyUnicode_READ(kind, data, i))
    return _slot_column(table, _table_slot(table, blob, starts, key, length, NULL, 0, kind,
                                           data))


def words_index(const unsigned char[::1] lines):
    """The words vocabulary's lookups from its UTF-8 lines, one term a line in column order (the
    cache's ``words_terms``): (number of terms, the unigrams' table and the lines' start
    offsets for `table_ids`, bigram keys ``a * n + b`` and their columns in column order,
    {bigram: column} of the bigrams with a part that is not a unigram). `CompiledModel`'s
    `{unigram: column}` and `_bigram_index` in one pass over the bytes, without a string for
    any term (invalid UTF-8 in a unigram raises UnicodeDecodeError, as ``bytes.decode``)."""
    cdef Py_ssize_t size = lines.shape[0]
    if size == 0:
        return (0, np.zeros(2, dtype=np.uint64), np.zeros(2, dtype=np.int64),
                np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), {})
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
    table_ = np.zeros(2 << bits, dtype=np.uint64)
    cdef unsigned long long[::1] table = table_
    cdef unsigned long long key
    cdef Py_ssize_t s
    cdef Py_ssize_t start, length, n_cp
    for col in range(n):
        if spaces[col] >= 0:
            continue
        start = starts[col]
        length = starts[col + 1] - 1 - start
        n_cp = _bytes_key(blob + start, length, &key)
        if n_cp < 0:
            PyUnicode_DecodeUTF8(<char *> blob + start, length, NULL)  # raises the error
            raise UnicodeDecodeError("utf-8", bytes(lines[start:start + length]), 0, length,
                                     "invalid UTF-8")  # pragma: no cover - decode raised
        # a repeated line: the later column wins, as in a dict
        s = _table_slot(table, blob, starts, key, n_cp, blob + start, length, 0, NULL)
        table[2 * s] = key
        table[2 * s + 1] = (<unsigned long long> (col + 1) << 32) | <unsigned long long> n_cp
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
            n_cp = _bytes_key(blob + start, a_len, &key)
            prev_ia = -1 if n_cp < 0 else _table_find_bytes(table, blob, starts, blob + start,
                                                            a_len, key, n_cp)
            prev_start, prev_len = start, a_len
        ia = prev_ia
        ib = -1
        if ia >= 0:
            n_cp = _bytes_key(blob + sp + 1, b_len, &key)
            if n_cp >= 0:
                ib = _table_find_bytes(table, blob, starts, blob + sp + 1, b_len, key, n_cp)
        if ia < 0 or ib < 0:
            other[PyUnicode_DecodeUTF8(<char *> blob + start, sp - start + 1 + b_len,
                                       NULL)] = col
        else:
            kv[m] = ia * n + ib
            cv[m] = col
            m += 1
    return n, table_, starts_, keys[:m].copy(), cols[:m].copy(), other


def table_ids(const unsigned long long[::1] table, const long long[::1] starts,
              const unsigned char[::1] lines, docs):
    """`token_ids` with the unigrams' table of `words_index` (built from `lines`) for the
    vocabulary: (tokens per doc, all tokens in order, each one's column or -1)."""
    cdef list flat
    lengths, flat, ids = _flatten(docs)
    cdef long long[::1] iv = ids
    cdef Py_ssize_t i, n = len(flat)
    cdef const unsigned char *blob = &lines[0] if lines.shape[0] > 0 else NULL
    cdef object word
    for i in range(n):
        word = flat[i]
        if type(word) is not str:
            raise TypeError(f"tokens must be str, not {type(word).__name__}")
        iv[i] = _table_find_str(table, blob, starts, <str> word)
    return lengths, flat, ids


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
