# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""types.py's block records in C (`LabelledBlock.to_dict` is the reference): `PageResult.to_dict`
builds one dict a block, with six `round(x, 6)` calls each, ~0.8 ms a page in Python.

`round6` is Python's `round(x, 6)`: a float well inside the range and not near a half-way point
takes ``rint(x * 1e6) / 1e6``, which is then the same double (see `round6`'s comment); every
other value goes to Python's `round`."""

from libc.math cimport fabs, floor, rint

cdef extern from "Python.h":
    double PyFloat_AS_DOUBLE(object x)
    int PyObject_GenericSetAttr(object o, object name, object value) except -1

cdef object _py_round = round
cdef type _LabelledBlock = None
cdef type _Label = None
cdef type _Block = None
cdef object _junk_labels = frozenset()


def init(labelled_block, label, block, junk_labels):
    """The types.py classes whose instances are read here (any other type: its own `to_dict`),
    and `JUNK_LABELS`."""
    global _LabelledBlock, _Label, _Block, _junk_labels
    _LabelledBlock, _Label, _Block = labelled_block, label, block
    _junk_labels = frozenset(junk_labels)


cdef inline object _round6(object x):
    # Python rounds the exact binary value of x to 6 decimals (half to even) and converts that
    # decimal back to the nearest double. y = fl(x * 1e6) is within half an ulp (< 6.0e-8 for
    # |y| < 2**30) of the exact x * 10**6, so when y is more than 1e-6 away from every half-way
    # point k + 0.5 both lie on the same side of each: rint(y) is Python's rounded integer N,
    # and N / 1e6 (both exact, the division correctly rounded) is the double nearest N / 10**6,
    # which is what Python's strtod returns. NaN and infinities fail the range test.
    cdef double v, y, f
    if type(x) is float:
        v = PyFloat_AS_DOUBLE(x)
        if fabs(v) < 1024.0:
            y = v * 1e6
            f = y - floor(y)
            if fabs(f - 0.5) > 1e-6:
                return rint(y) / 1e6
    return _py_round(x, 6)


def round6(x):
    """``round(x, 6)``."""
    return _round6(x)


cdef dict _scores(object scores):
    cdef dict out = {}
    for k, v in scores.items():
        out[k] = _round6(v if type(v) is float else float(v))
    return out


def block_dicts(blocks, bint why):
    """``[lb.to_dict(why=why) for lb in blocks]``."""
    cdef list out = []
    cdef dict d
    for lb in blocks:
        if type(lb) is not _LabelledBlock:
            out.append(lb.to_dict(why=why))
            continue
        b = lb.block
        lab = lb.label
        if type(b) is not _Block or type(lab) is not _Label:
            out.append(lb.to_dict(why=why))
            continue
        name = lab.name
        d = {
            "text": b.text,
            "label": name,
            "score": _round6(lab.score),
            "scores": _scores(lab.scores),
            "junk": name in _junk_labels,
        }
        xpath = b.xpath
        if xpath is not None:
            d["xpath"] = xpath
        else:
            d["start"] = b.start
            d["end"] = b.end
        if why:
            d["why"] = list(lab.why)
        out.append(d)
    return out


# The frozen dataclasses' generated __init__ sets each field with ``object.__setattr__`` (their
# own __setattr__ refuses); `labels` and `labelled_blocks` do the same from C, with no frame
# and no keyword parsing. Neither class has a __post_init__.
cdef object _new = object.__new__


def labels(list rows, list chosen, why, tuple names):
    """model.label_page's loop: per row of scores, ``Label(name=names[k], score=row[k],
    scores=dict(zip(names, row, strict=True)), why=why[i])`` with ``k = chosen[i]``; a
    tuple of them. Lengths must agree, as ``zip(..., strict=True)`` requires."""
    cdef Py_ssize_t n = len(rows)
    cdef Py_ssize_t m = len(names)
    cdef Py_ssize_t i, j
    cdef list row
    cdef dict scores
    cdef list out = []
    if len(chosen) != n or len(why) != n:
        raise ValueError("labels: rows, chosen and why differ in length")
    for i in range(n):
        row = rows[i]
        if len(row) != m:
            raise ValueError("labels: a row's length is not the number of labels")
        k = chosen[i]
        scores = {}
        for j in range(m):
            scores[names[j]] = row[j]
        lab = _new(_Label)
        PyObject_GenericSetAttr(lab, "name", names[k])
        PyObject_GenericSetAttr(lab, "score", row[k])
        PyObject_GenericSetAttr(lab, "scores", scores)
        PyObject_GenericSetAttr(lab, "why", why[i])
        out.append(lab)
    return tuple(out)


def labelled_blocks(blocks, labels):
    """``tuple(LabelledBlock(b, lab) for b, lab in zip(blocks, labels, strict=True))``."""
    cdef Py_ssize_t n = len(blocks)
    cdef Py_ssize_t i
    cdef list out = []
    if len(labels) != n:
        raise ValueError("labelled_blocks: blocks and labels differ in length")
    for i in range(n):
        lb = _new(_LabelledBlock)
        PyObject_GenericSetAttr(lb, "block", blocks[i])
        PyObject_GenericSetAttr(lb, "label", labels[i])
        out.append(lb)
    return tuple(out)
