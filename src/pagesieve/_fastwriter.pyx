# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""writer.py's `dumps_record` in C (`writer._dumps_record`, json.dumps with
``ensure_ascii=False, separators=(",", ":"), allow_nan=False``, is the reference): a record of a
couple of hundred block dicts costs json's encoder ~0.7 ms, most of it in `float.__repr__` of the
six rounded scores a block.

Only plain records are written here: dicts with str keys, lists, tuples, str, int, float, bool
and None, exactly of those types. `dumps_record` returns None for anything else (another type, a
key that is not a str, an int beyond 64 bits, NaN or an infinity, a lone surrogate, nesting
deeper than 64) and the caller writes the whole record with json."""

from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.object cimport PyObject
from libc.math cimport fabs, isfinite, rint, signbit

cdef extern from "Python.h":
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_ssize_t PyUnicode_GET_LENGTH(object s)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    double PyFloat_AS_DOUBLE(object x)
    long long PyLong_AsLongLongAndOverflow(object x, int *overflow) except? -1
    bint PyDict_Next(object d, Py_ssize_t *pos, PyObject **key, PyObject **value)
    Py_ssize_t PyList_GET_SIZE(object l)
    void *PyList_GET_ITEM(object l, Py_ssize_t i)
    Py_ssize_t PyTuple_GET_SIZE(object t)
    void *PyTuple_GET_ITEM(object t, Py_ssize_t i)

cdef enum:
    MAX_DEPTH = 64

ctypedef struct Out:
    Py_UCS4 *buf
    Py_ssize_t n
    Py_ssize_t cap

cdef const char *HEX = b"0123456789abcdef"


cdef int _reserve(Out *o, Py_ssize_t extra) except -1:
    cdef Py_ssize_t want = o.n + extra
    cdef Py_ssize_t cap
    cdef Py_UCS4 *buf
    if want <= o.cap:
        return 0
    cap = max(want, 2 * o.cap, 4096)
    buf = <Py_UCS4 *>PyMem_Realloc(o.buf, cap * sizeof(Py_UCS4))
    if buf == NULL:
        raise MemoryError()
    o.buf, o.cap = buf, cap
    return 0


cdef inline int _ascii(Out *o, const char *s, Py_ssize_t k) except -1:
    cdef Py_ssize_t i
    _reserve(o, k)
    for i in range(k):
        o.buf[o.n + i] = <unsigned char>s[i]
    o.n += k
    return 0


cdef int _str(Out *o, object s) except -1:
    """json's escaping of `s` (ensure_ascii off) in quotes; 0: it holds a lone surrogate."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef unsigned int c
    cdef Py_UCS4 *p
    _reserve(o, 6 * n + 2)
    p = o.buf + o.n
    p[0] = 34  # "
    p += 1
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c >= 0x20 and c != 34 and c != 92:
            if 0xD800 <= c <= 0xDFFF:
                return 0
            p[0] = c
            p += 1
            continue
        p[0] = 92  # backslash
        if c == 34 or c == 92:
            p[1] = c
        elif c == 8:
            p[1] = 98  # b
        elif c == 12:
            p[1] = 102  # f
        elif c == 10:
            p[1] = 110  # n
        elif c == 13:
            p[1] = 114  # r
        elif c == 9:
            p[1] = 116  # t
        else:
            p[1] = 117  # u
            p[2] = 48
            p[3] = 48
            p[4] = HEX[(c >> 4) & 0xF]
            p[5] = HEX[c & 0xF]
            p += 4
        p += 2
    p[0] = 34
    p += 1
    o.n = p - o.buf
    return 1


cdef int _digits(Out *o, unsigned long long v) except -1:
    cdef char tmp[24]
    cdef int k = 0, i
    while True:
        tmp[k] = 48 + <int>(v % 10)
        k += 1
        v //= 10
        if v == 0:
            break
    _reserve(o, k)
    for i in range(k):
        o.buf[o.n + i] = tmp[k - 1 - i]
    o.n += k
    return 0


cdef int _int(Out *o, object x) except -1:
    """`int.__repr__`; 0: beyond 64 bits."""
    cdef int overflow = 0
    cdef long long v = PyLong_AsLongLongAndOverflow(x, &overflow)
    if overflow:
        return 0
    if v < 0:
        _ascii(o, b"-", 1)
        _digits(o, <unsigned long long>0 - <unsigned long long>v)
    else:
        _digits(o, <unsigned long long>v)
    return 1


cdef int _float(Out *o, object x) except -1:
    """`float.__repr__`; 0: NaN or an infinity (json refuses them).

    A float that is the double nearest N / 10**6 (x == N / 1e6, the division correctly
    rounded, |x| < 1e9 so that an ulp is far below 1e-6) has one decimal with at most six
    places that reads back as it, and no shorter one: repr's shortest round-trip digits are
    N's, trailing zeros dropped. repr writes them in fixed notation from 1e-4 up to 1e16.
    Any other float goes to `float.__repr__`."""
    cdef double v = PyFloat_AS_DOUBLE(x)
    cdef double a = fabs(v)
    cdef long long n
    cdef unsigned long long u, ip, fp
    cdef int k
    cdef Py_UCS4 *p
    if not isfinite(v):
        return 0
    if v == 0.0:
        if signbit(v):
            _ascii(o, b"-0.0", 4)
        else:
            _ascii(o, b"0.0", 3)
        return 1
    if 1e-4 <= a < 1e9:
        n = <long long>rint(v * 1e6)
        if <double>n / 1e6 == v:
            if n < 0:
                _ascii(o, b"-", 1)
                u = <unsigned long long>(-n)
            else:
                u = <unsigned long long>n
            ip = u // 1000000
            fp = u % 1000000
            _digits(o, ip)
            _reserve(o, 7)
            p = o.buf + o.n
            p[0] = 46  # .
            if fp == 0:
                p[1] = 48
                o.n += 2
                return 1
            k = 6
            while fp % 10 == 0:
                fp //= 10
                k -= 1
            o.n += 1 + k
            while k > 0:  # the k digits of fp, zero-padded on the left
                p[k] = 48 + <int>(fp % 10)
                fp //= 10
                k -= 1
            return 1
    r = float.__repr__(x)
    _ascii_str(o, r)
    return 1


cdef int _ascii_str(Out *o, object s) except -1:
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    _reserve(o, n)
    for i in range(n):
        o.buf[o.n + i] = PyUnicode_READ(kind, data, i)
    o.n += n
    return 0


cdef int _value(Out *o, object x, int depth) except -1:
    """Write `x`; 0: not a plain value (see the module doc)."""
    cdef type t = type(x)
    cdef Py_ssize_t pos, i, n
    cdef PyObject *k
    cdef PyObject *v
    cdef bint first
    if t is str:
        return _str(o, x)
    if t is float:
        return _float(o, x)
    if x is None:
        _ascii(o, b"null", 4)
        return 1
    if x is True:
        _ascii(o, b"true", 4)
        return 1
    if x is False:
        _ascii(o, b"false", 5)
        return 1
    if t is int:
        return _int(o, x)
    if depth >= MAX_DEPTH:
        return 0
    if t is dict:
        _ascii(o, b"{", 1)
        pos = 0
        first = 1
        while PyDict_Next(x, &pos, &k, &v):
            if type(<object>k) is not str:
                return 0
            if not first:
                _ascii(o, b",", 1)
            first = 0
            if not _str(o, <object>k):
                return 0
            _ascii(o, b":", 1)
            if not _value(o, <object>v, depth + 1):
                return 0
        _ascii(o, b"}", 1)
        return 1
    if t is list:
        _ascii(o, b"[", 1)
        i = 0
        while i < PyList_GET_SIZE(x):  # the size again each time: as json reads a list
            if i:
                _ascii(o, b",", 1)
            if not _value(o, <object>PyList_GET_ITEM(x, i), depth + 1):
                return 0
            i += 1
        _ascii(o, b"]", 1)
        return 1
    if t is tuple:
        _ascii(o, b"[", 1)
        n = PyTuple_GET_SIZE(x)
        for i in range(n):
            if i:
                _ascii(o, b",", 1)
            if not _value(o, <object>PyTuple_GET_ITEM(x, i), depth + 1):
                return 0
        _ascii(o, b"]", 1)
        return 1
    return 0


def dumps_record(record):
    """`writer._dumps_record(record)` for a plain record, else None (see the module doc)."""
    if type(record) is not dict:
        return None
    cdef Out o
    o.buf, o.n, o.cap = NULL, 0, 0
    try:
        if not _value(&o, record, 0):
            return None
        return PyUnicode_FromKindAndData(4, o.buf, o.n)
    finally:
        PyMem_Free(o.buf)
