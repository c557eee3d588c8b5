# Included by _fastcards.pyx and _fastregion.pyx: an xpath's steps as `region.split_depths`
# counts them (ASCII, anything else its "?"; cut at a step boundary; depths capped).

# region.split_depths' limits: xpaths cut at a step boundary within this many characters,
# depths capped
DEF _MAX_CHARS = 1024
DEF _MAX_DEPTH = 64


cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil


cdef struct _Text:
    int kind
    void *data
    Py_ssize_t n  # its length after `split_depths`' cut


cdef inline Py_UCS4 _at(_Text t, Py_ssize_t i) noexcept nogil:
    """The character as `split_depths` sees it: ASCII, anything else its "?"."""
    cdef Py_UCS4 c = PyUnicode_READ(t.kind, t.data, i)
    return c if c < 128 else 63


cdef _Text _text(str x):
    """`x` for reading, cut as `split_depths` cuts it (at the last "/" before _MAX_CHARS)."""
    cdef _Text t
    cdef Py_ssize_t n = len(x), i
    t.kind = PyUnicode_KIND(x)
    t.data = PyUnicode_DATA(x)
    t.n = n
    if n > _MAX_CHARS:
        i = _MAX_CHARS - 1
        while i >= 0 and PyUnicode_READ(t.kind, t.data, i) != 47:
            i -= 1
        t.n = i if i >= 0 else n - 1
    return t


cdef Py_ssize_t _depth(_Text t) noexcept nogil:
    """Steps of the cut xpath: its slashes, with the one `split_depths` appends, less one."""
    cdef Py_ssize_t i, d = 0
    for i in range(t.n):
        if PyUnicode_READ(t.kind, t.data, i) == 47:
            d += 1
    return d


cdef Py_ssize_t _shared(_Text a, _Text b) noexcept nogil:
    """Whole steps `b` shares with `a` (`split_depths`' lcp): the slashes of `b` before their
    first differing character, less one; `b`'s depth when none differs (or the first does)."""
    cdef Py_ssize_t i = 0, slashes = 0
    cdef Py_UCS4 ca, cb
    while True:
        ca = _at(a, i) if i < a.n else (47 if i == a.n else 0)
        cb = _at(b, i) if i < b.n else (47 if i == b.n else 0)
        if ca != cb:
            break
        if i > b.n:  # both ended at the same place: identical rows, every slash counted
            return slashes - 1
        if cb == 47:
            slashes += 1
        i += 1
    if i == 0:
        return _depth(b)
    return slashes - 1


cdef void _shared_steps(list xpaths, Py_ssize_t[::1] shared):
    """`split_depths`' lcp into `shared[1:len(xpaths)]`: each xpath's whole steps in common
    with the one before, capped (`shared[0]` is left as it is)."""
    cdef Py_ssize_t i
    cdef _Text prev, cur
    if not xpaths:
        return
    prev = _text(<str> xpaths[0])
    for i in range(1, len(xpaths)):
        cur = _text(<str> xpaths[i])
        shared[i] = min(_shared(prev, cur), _MAX_DEPTH)
        prev = cur
