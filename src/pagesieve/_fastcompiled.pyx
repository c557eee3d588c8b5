# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Token to column lookups of `compiled.CompiledModel` in C: the same ids as
``np.fromiter(map(vocab.get, flat, repeat(-1)))``, without a Python call per token."""

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject

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
        got = PyDict_GetItem(vocab, flat[i])
        iv[i] = -1 if got == NULL else <long long> (<object> got)
    return lengths, flat, ids
