# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""jieba's cut of Han runs (``jieba.lcut(s, HMM=True)``, as rjieba runs it) in C, from jieba's
own dictionary and HMM tables, held in flat arrays that load from a cache file in a few
milliseconds instead of the ~0.12 s rjieba spends building its dictionary in every process.

`segmenter.py` builds the arrays (`build_trie`, the HMM tables) and is the way in; tokenize.py
picks the engine. The algorithm is jieba's `__cut_DAG` and `finalseg`, step for step:

1. the DAG: from every position, the dictionary words that start there (a trie walk);
2. the route: from the end back, the split with the highest sum of ``log(freq) - log(total)``
   (ties to the longer word, as Python's tuple ``max``);
3. runs of single characters the route leaves are one word if the dictionary has them, else
   split by the HMM (Viterbi over B/M/E/S, ties as jieba's ``max`` breaks them); characters
   outside jieba's U+4E00..U+9FD5 class in such a run stay one piece, as rjieba keeps them
   (tokenize.py feeds the segmenter nothing else than Han characters and newlines).
"""

from libc.math cimport log
from libc.stdlib cimport malloc, free

import numpy as np

cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void *PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil
    object PyUnicode_Substring(object, Py_ssize_t, Py_ssize_t)

cdef enum:
    _HAN_FIRST = 0x4E00
    _HAN_LAST = 0x9FD5  # finalseg's re_han: [\u4E00-\u9FD5]
    _B = 0
    _E = 1
    _M = 2
    _S = 3  # in the order of their letters, as Python's max breaks ties by the letter



cdef enum:
    _BITS = 21  # a code point, and a node id: up to 2^21 - 1 trie nodes
    _NODE_MASK = (1 << _BITS) - 1


cdef inline bint _space(Py_UCS4 c) noexcept nogil:
    """ASCII whitespace, which rjieba gives as tokens of their own."""
    return c == 0x0A or c == 0x20 or c == 0x09 or c == 0x0D or c == 0x0C or c == 0x0B


cdef inline unsigned long long _edge_key(unsigned int node, Py_UCS4 c) noexcept nogil:
    return (<unsigned long long> node) << _BITS | <unsigned long long> c


cdef inline unsigned long long _slot(unsigned long long key, unsigned long long mask) noexcept nogil:
    cdef unsigned long long x = key * 0x9E3779B97F4A7C15ULL
    return (x ^ (x >> 29)) & mask


def build_trie(list words, list freqs):
    """(edge table, node frequencies, total frequency) of a dictionary, as jieba's
    `gen_pfdict` reads it: a repeated word keeps its last frequency, and the total counts every
    line. An edge is one uint64, ``(parent << 21 | code point) << 21 | child`` (0: empty slot;
    children are numbered from 1, the root is 0), at most half the table full."""
    cdef Py_ssize_t n_chars = 0
    for w in words:
        n_chars += len(<str> w)
    if n_chars >= _NODE_MASK:
        raise ValueError(f"dictionary too large for this table: {n_chars} characters")
    cdef int bits = 4
    while (1 << bits) < 2 * n_chars + 2:
        bits += 1
    table_ = np.zeros(1 << bits, dtype=np.uint64)
    cdef unsigned long long[::1] table = table_
    cdef unsigned long long mask = (1ULL << bits) - 1
    node_freq_ = np.zeros(n_chars + 1, dtype=np.uint32)
    cdef unsigned int[::1] node_freq = node_freq_
    cdef unsigned int n_nodes = 1  # the root
    cdef unsigned long long total = 0, key, s, v
    cdef unsigned int node
    cdef Py_ssize_t i, j, length
    cdef str word
    cdef long long f
    for i in range(len(words)):
        word = words[i]
        f = freqs[i]
        if f < 0 or f > 0xFFFFFFFF:
            raise ValueError(f"frequency out of range for {word!r}: {f}")
        total += <unsigned long long> f
        node = 0
        length = len(word)
        for j in range(length):
            key = _edge_key(node, word[j])
            s = _slot(key, mask)
            while True:
                v = table[s]
                if v == 0:
                    table[s] = key << _BITS | n_nodes
                    node = n_nodes
                    n_nodes += 1
                    break
                if v >> _BITS == key:
                    node = <unsigned int> (v & _NODE_MASK)
                    break
                s = (s + 1) & mask
        if length:
            node_freq[node] = <unsigned int> f
    # the table at most half full of the edges there are (n_nodes - 1), not of the characters
    cdef int small = 4
    while (1 << small) < 2 * n_nodes:
        small += 1
    if small < bits:
        packed_ = np.zeros(1 << small, dtype=np.uint64)
        table_ = _rehash(table_, packed_)
    return table_, node_freq_[:n_nodes].copy(), int(total)


cdef object _rehash(const unsigned long long[::1] src, unsigned long long[::1] dst):
    """The edges of `src` in the smaller table `dst`."""
    cdef unsigned long long mask = dst.shape[0] - 1
    cdef unsigned long long v, s
    cdef Py_ssize_t i
    for i in range(src.shape[0]):
        v = src[i]
        if v == 0:
            continue
        s = _slot(v >> _BITS, mask)
        while dst[s] != 0:
            s = (s + 1) & mask
        dst[s] = v
    return np.asarray(dst)


cdef class Segmenter:
    """jieba's cut over the arrays `segmenter.py` loads (see the module doc)."""

    cdef const unsigned long long[::1] table
    cdef unsigned long long mask
    cdef const unsigned int[::1] node_freq
    cdef double logtotal
    cdef const double[:, ::1] emit  # (4, U+9FD5 - U+4E00 + 1), MIN_FLOAT where absent
    cdef double start[4]
    cdef double trans[4][4]
    cdef object _arrays  # keeps the buffers alive

    def __init__(self, table, node_freq, long long total, emit, start, trans):
        """`start[y]` and `trans[y0][y]` over the states B, E, M, S (MIN_FLOAT where jieba's
        tables have no entry)."""
        self._arrays = (table, node_freq, emit)
        self.table = table
        self.mask = table.shape[0] - 1
        self.node_freq = node_freq
        self.logtotal = log(<double> total)
        self.emit = emit
        if emit.shape[0] != 4 or emit.shape[1] != _HAN_LAST - _HAN_FIRST + 1:
            raise ValueError("emission table must be 4 x (U+9FD5 - U+4E00 + 1)")
        cdef int a, b
        for a in range(4):
            self.start[a] = start[a]
            for b in range(4):
                self.trans[a][b] = trans[a][b]

    cdef inline unsigned int _child(self, unsigned int node, Py_UCS4 c) noexcept:
        """The trie node after `node` by `c`, 0 if none."""
        cdef unsigned long long key = _edge_key(node, c)
        cdef unsigned long long s = _slot(key, self.mask)
        cdef unsigned long long v
        while True:
            v = self.table[s]
            if v >> _BITS == key:
                return <unsigned int> (v & _NODE_MASK)
            if v == 0:
                return 0
            s = (s + 1) & self.mask

    cdef unsigned int _freq(self, int kind, void *data, Py_ssize_t i, Py_ssize_t j) noexcept:
        """The dictionary frequency of ``s[i:j]`` (0: not a word)."""
        cdef unsigned int node = 0
        cdef Py_ssize_t k
        for k in range(i, j):
            node = self._child(node, PyUnicode_READ(kind, data, k))
            if node == 0:
                return 0
        return self.node_freq[node]

    def cut(self, str s):
        """The words of `s`: runs between whitespace (one token per whitespace character, as
        rjieba gives them) cut by `_cut_block`."""
        cdef list out = []
        cdef int kind = PyUnicode_KIND(s)
        cdef void *data = PyUnicode_DATA(s)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s)
        cdef Py_ssize_t i = 0, j
        cdef Py_UCS4 c
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            if _space(c):
                if c == 0x0D and i + 1 < n and PyUnicode_READ(kind, data, i + 1) == 0x0A:
                    out.append(PyUnicode_Substring(s, i, i + 2))
                    i += 2
                else:
                    out.append(PyUnicode_Substring(s, i, i + 1))
                    i += 1
                continue
            j = i + 1
            while j < n:
                c = PyUnicode_READ(kind, data, j)
                if _space(c):
                    break
                j += 1
            self._cut_block(s, kind, data, i, j, out)
            i = j
        return out

    cdef int _cut_block(self, str s, int kind, void *data, Py_ssize_t a, Py_ssize_t b,
                        list out) except -1:
        """jieba's `__cut_DAG` over ``s[a:b]``."""
        cdef Py_ssize_t n = b - a
        if n <= 0:
            return 0
        # route[k] = (best log probability from k to the end, end of the word taken at k)
        cdef double *prob = <double *> malloc((n + 1) * sizeof(double))
        cdef Py_ssize_t *take = <Py_ssize_t *> malloc((n + 1) * sizeof(Py_ssize_t))
        if prob == NULL or take == NULL:
            free(prob)
            free(take)
            raise MemoryError()
        cdef Py_ssize_t k, i, best_end, x, y, buf
        cdef unsigned int node, f
        cdef double p, best
        try:
            prob[n] = 0.0
            for k in range(n - 1, -1, -1):
                # every word from k (the DAG's edges), ties to the longer one; the lone
                # character when no word starts here (its frequency counts as 1)
                best_end = -1
                best = 0.0
                node = 0
                i = k
                while i < n:
                    node = self._child(node, PyUnicode_READ(kind, data, a + i))
                    if node == 0:
                        break
                    f = self.node_freq[node]
                    if f:
                        p = log(<double> f) - self.logtotal + prob[i + 1]
                        if best_end < 0 or p >= best:
                            best = p
                            best_end = i
                    i += 1
                if best_end < 0:
                    best = log(1.0) - self.logtotal + prob[k + 1]
                    best_end = k
                prob[k] = best
                take[k] = best_end
            x = 0
            buf = -1  # start of the pending run of single characters
            while x < n:
                y = take[x] + 1
                if y - x == 1:
                    if buf < 0:
                        buf = x
                else:
                    if buf >= 0:
                        self._flush(s, kind, data, a + buf, a + x, out)
                        buf = -1
                    out.append(PyUnicode_Substring(s, a + x, a + y))
                x = y
            if buf >= 0:
                self._flush(s, kind, data, a + buf, a + n, out)
        finally:
            free(prob)
            free(take)
        return 0

    cdef int _flush(self, str s, int kind, void *data, Py_ssize_t i, Py_ssize_t j,
                    list out) except -1:
        """A run of single characters: one of them as it is; a dictionary word split into its
        characters; anything else through the HMM (`finalseg.cut`)."""
        cdef Py_ssize_t k, h
        cdef Py_UCS4 c
        if j - i == 1:
            out.append(PyUnicode_Substring(s, i, j))
            return 0
        if self._freq(kind, data, i, j):
            for k in range(i, j):
                out.append(PyUnicode_Substring(s, k, k + 1))
            return 0
        # finalseg.cut: Han blocks ([\u4E00-\u9FD5]+) by Viterbi, the rest as whole pieces
        k = i
        while k < j:
            c = PyUnicode_READ(kind, data, k)
            h = k + 1
            if _HAN_FIRST <= c <= _HAN_LAST:
                while h < j and _HAN_FIRST <= PyUnicode_READ(kind, data, h) <= _HAN_LAST:
                    h += 1
                self._viterbi(s, kind, data, k, h, out)
            else:
                while h < j and not (_HAN_FIRST <= PyUnicode_READ(kind, data, h) <= _HAN_LAST):
                    h += 1
                out.append(PyUnicode_Substring(s, k, h))
            k = h
        return 0

    cdef int _viterbi(self, str s, int kind, void *data, Py_ssize_t i, Py_ssize_t j,
                      list out) except -1:
        """finalseg's `__cut` of the Han block ``s[i:j]``."""
        cdef Py_ssize_t n = j - i
        cdef double *v = <double *> malloc(4 * n * sizeof(double))
        cdef unsigned char *back = <unsigned char *> malloc(4 * n)
        cdef unsigned char *path = <unsigned char *> malloc(n)
        if v == NULL or back == NULL or path == NULL:
            free(v)
            free(back)
            free(path)
            raise MemoryError()
        # PrevStatus: B from E/S, M from M/B, S from S/E, E from B/M
        cdef int prev0[4]
        cdef int prev1[4]
        prev0[_B] = _E
        prev1[_B] = _S
        prev0[_M] = _M
        prev1[_M] = _B
        prev0[_S] = _S
        prev1[_S] = _E
        prev0[_E] = _B
        prev1[_E] = _M
        cdef Py_ssize_t t, begin, nexti, col
        cdef int y, y0, y1, state
        cdef double em, p0, p1
        try:
            col = <Py_ssize_t> PyUnicode_READ(kind, data, i) - _HAN_FIRST
            for y in range(4):
                v[y] = self.start[y] + self.emit[y, col]
            for t in range(1, n):
                col = <Py_ssize_t> PyUnicode_READ(kind, data, i + t) - _HAN_FIRST
                for y in range(4):
                    em = self.emit[y, col]
                    y0 = prev0[y]
                    y1 = prev1[y]
                    p0 = v[4 * (t - 1) + y0] + self.trans[y0][y] + em
                    p1 = v[4 * (t - 1) + y1] + self.trans[y1][y] + em
                    # Python's max of (prob, letter) tuples: the higher letter wins a tie
                    if p1 > p0 or (p1 == p0 and y1 > y0):
                        v[4 * t + y] = p1
                        back[4 * t + y] = y1
                    else:
                        v[4 * t + y] = p0
                        back[4 * t + y] = y0
            # the last state: E or S, S on a tie
            state = _S if v[4 * (n - 1) + _S] >= v[4 * (n - 1) + _E] else _E
            for t in range(n - 1, -1, -1):
                path[t] = state
                if t:
                    state = back[4 * t + state]
            begin = 0
            nexti = 0
            for t in range(n):
                if path[t] == _B:
                    begin = t
                elif path[t] == _E:
                    out.append(PyUnicode_Substring(s, i + begin, i + t + 1))
                    nexti = t + 1
                elif path[t] == _S:
                    out.append(PyUnicode_Substring(s, i + t, i + t + 1))
                    nexti = t + 1
            if nexti < n:
                out.append(PyUnicode_Substring(s, i + nexti, j))
        finally:
            free(v)
            free(back)
            free(path)
        return 0
