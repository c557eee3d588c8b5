# cython: language_level=3, boundscheck=False, initializedcheck=False
"""The DOM walk of `segment_html` in C: the same rules, the same blocks, without a Python
object per node.

The pure-Python walk in segment_html.py asks selectolax for a LexborNode object for every node
and its tag, text and attributes one property at a time; that is most of the time a page takes
to segment. This module walks the very same Lexbor tree through the node pointers (the tree is
still built and owned by selectolax's `LexborHTMLParser`, which the caller keeps alive), reads
text straight from the nodes, and asks Lexbor (through the functions selectolax's extension
exports, resolved by `init`) only for tag and attribute names. Every step mirrors the Python
walk line for line; tests/test_segment_html.py checks the two give equal blocks on every page
we have. Two of the Python walk's inputs it gathers on its way instead of by a query over the
whole tree: whether an element is hidden (`_hidden`, by segment_html's rule) and the page's
``<a href>``s (their flags from `links.href_flags` once the walk is done).

Only two of Lexbor's structures are read, laid out below as lexbor 2.x defines them
(``struct lxb_dom_node`` and ``struct lxb_dom_character_data``); segment_html.py checks the
walk against the Python one on a probe page at import and falls back to Python on any mismatch.
"""

import dataclasses

cimport cython
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uintptr_t
from libc.string cimport memcmp

cdef extern from *:
    """
    typedef struct ps_node ps_node;
    struct ps_node {
        void *events;
        uintptr_t local_name;
        uintptr_t prefix;
        uintptr_t ns;
        void *owner_document;
        ps_node *next;
        ps_node *prev;
        ps_node *parent;
        ps_node *first_child;
        ps_node *last_child;
        void *user;
        int type;
    };
    typedef struct {
        ps_node node;
        unsigned char *data;
        size_t length;
    } ps_chardata;
    typedef const unsigned char *(*ps_name_f)(const void *, size_t *);
    typedef void *(*ps_step_f)(void *);
    """
    ctypedef struct ps_node:
        ps_node *next
        ps_node *parent
        ps_node *first_child
        int type
    ctypedef struct ps_chardata:
        unsigned char *data
        size_t length
    ctypedef const unsigned char *(*ps_name_f)(const void *, size_t *)
    ctypedef void *(*ps_step_f)(void *)

cdef extern from "structmember.h":
    ctypedef struct PyMemberDef:
        pass
    int PyMember_SetOne(char *obj, PyMemberDef *member, object value) except -1

cdef extern from "Python.h":
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member

cdef enum:
    NODE_ELEMENT = 1
    NODE_TEXT = 3

# Tag categories, decided in the order the Python walk tests them.
cdef enum:
    CAT_INLINE = 0
    CAT_BLOCK = 1
    CAT_SKIP = 2
    CAT_SPACED = 3
    CAT_BR = 4
    CAT_LINK = 5

cdef ps_name_f _element_name = NULL
cdef ps_step_f _first_attr = NULL
cdef ps_step_f _next_attr = NULL
cdef ps_name_f _attr_name = NULL
cdef ps_name_f _attr_value = NULL

cdef dict _categories = {}
cdef frozenset _block_tags = frozenset()
cdef frozenset _skip_tags = frozenset()
cdef frozenset _spaced_tags = frozenset()
cdef object _merged_words = None
cdef object _xpath_step = None
cdef object _block_type = None
# The slot descriptors of `_block_type`'s fields, in order (kept alive for their PyMemberDefs).
cdef tuple _block_slots = ()
cdef object _kinds_of_flags = None
# Memos of the caller's pure helpers, kept across walks (emptied by `init`, and when full):
# `_merged_words` by (class, id, inherited words), `_xpath_step` by tag, `_kinds_of_flags` by
# flags. A dict lookup instead of a Python call (and of the lru_cache around `_xpath_step`).
cdef dict _merges = {}
cdef dict _steps = {}
cdef dict _kinds = {}
cdef Py_ssize_t _MEMO_MAX = 8192
cdef object _hides = None
cdef dict _depth_step = {}
cdef Py_ssize_t _depth_name_max = 0

# Memo placement, as in segment_html.py.
cdef Py_ssize_t _MEMO_SHALLOW = 32
cdef Py_ssize_t _MEMO_EVERY = 64
cdef Py_ssize_t _MEMO_DEEPEST = 8192


def init(size_t element_name, size_t first_attr, size_t next_attr, size_t attr_name,
         size_t attr_value, frozenset block_tags, frozenset skip_tags, frozenset spaced_tags,
         merged_words, xpath_step, block_type, dict depth_step, kinds_of_flags, hides):
    """Resolve Lexbor's functions (their addresses) and take the walk's rules from the caller."""
    global _element_name, _first_attr, _next_attr, _attr_name, _attr_value
    global _block_tags, _skip_tags, _spaced_tags, _merged_words, _xpath_step, _block_type
    global _depth_step, _depth_name_max, _kinds_of_flags, _hides, _block_slots
    _element_name = <ps_name_f> element_name
    _first_attr = <ps_step_f> first_attr
    _next_attr = <ps_step_f> next_attr
    _attr_name = <ps_name_f> attr_name
    _attr_value = <ps_name_f> attr_value
    _block_tags, _skip_tags, _spaced_tags = block_tags, skip_tags, spaced_tags
    _merged_words, _xpath_step, _block_type = merged_words, xpath_step, block_type
    _block_slots = tuple(block_type.__dict__[f.name] for f in dataclasses.fields(block_type))
    if not all(type(d).__name__ == "member_descriptor" for d in _block_slots):
        raise TypeError("block_type must be a dataclass with slots")
    _depth_step = depth_step
    _depth_name_max = max(map(len, depth_step), default=0)
    _kinds_of_flags = kinds_of_flags
    _hides = hides
    _categories.clear()
    for memo in (_merges, _steps, _kinds):
        memo.clear()


cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    Py_ssize_t PyUnicode_FindChar(object s, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end,
                                  int direction) except -2
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil


cdef object _new_block(tuple values):
    """``_block_type(*values)`` with the values put straight into the slots, as the slot
    descriptors do: the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which took a fifth of the walk."""
    if len(values) != len(_block_slots):
        raise TypeError(f"{_block_type.__name__} has {len(_block_slots)} fields")
    block = object.__new__(_block_type)
    cdef Py_ssize_t i
    for i in range(len(_block_slots)):
        PyMember_SetOne(<char *> <PyObject *> block,
                        (<PyMemberDescrObject *> <PyObject *> _block_slots[i]).d_member, values[i])
    return block


cdef inline bint _ascii_letter(Py_UCS4 c) noexcept:
    return (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A)


def count_char(str text, Py_UCS4 ch):
    """``text.count(ch)`` of one character (`segment_html._cap_depth` counts a page's ``<``):
    str.count tests one character at a time, ~5 instructions each; these loops, 32-bit counts
    over chunks of up to 2**31 characters, are vectorised by the compiler (~1 each)."""
    cdef Py_ssize_t n = len(text), start, end, i, count = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef uint32_t c = ch, part
    cdef const uint8_t *s1 = <const uint8_t *> PyUnicode_DATA(text)
    cdef const uint16_t *s2 = <const uint16_t *> s1
    cdef const uint32_t *s4 = <const uint32_t *> s1
    if (kind == 1 and c > 0xFF) or (kind == 2 and c > 0xFFFF):
        return 0
    for start in range(0, n, 1 << 31):
        end = min(n, start + (1 << 31))
        part = 0
        if kind == 1:
            for i in range(start, end):
                part += s1[i] == c
        elif kind == 2:
            for i in range(start, end):
                part += s2[i] == c
        else:
            for i in range(start, end):
                part += s4[i] == c
        count += part
    return count


def depth_estimate(str html):
    """`segment_html._depth_estimate(html)`: the tags are what ``<(/?[A-Za-z][^\\s/>]*)``
    finds (``\\s`` is `Py_UNICODE_ISSPACE` in `re`), scanned once; names longer than any key
    of the step table take the default step without a lookup."""
    cdef Py_ssize_t n = len(html)
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t start, j
    cdef Py_UCS4 c
    cdef long long prefix = 0
    cdef long long low = 0
    cdef long long depth
    cdef long long peak = 0
    cdef long long total = 0
    cdef long long count = 1  # the depth before the first tag
    cdef long long step
    cdef bint end_tag
    while True:
        i = PyUnicode_FindChar(html, 0x3C, i, n, 1)  # the next "<" (a memchr-like scan)
        if i < 0:
            break
        start = i + 1
        j = start
        end_tag = j < n and html[j] == 0x2F  # /
        if end_tag:
            j += 1
        if j >= n or not _ascii_letter(html[j]):
            i += 1
            continue
        j += 1
        while j < n:
            c = html[j]
            if c == 0x2F or c == 0x3E or Py_UNICODE_ISSPACE(c):
                break
            j += 1
        step = -1 if end_tag else 1
        if j - start <= _depth_name_max:
            got = _depth_step.get(html[start:j])
            if got is not None:
                step = got
        prefix += step
        if prefix < low:
            low = prefix
        depth = prefix - low
        if depth > peak:
            peak = depth
        total += depth
        count += 1
        i = j
    return peak, total, count


cdef int _category(str tag):
    cdef object got = _categories.get(tag)
    cdef int cat
    if got is not None:
        return <int> got
    if tag in _skip_tags:
        cat = CAT_SKIP
    elif tag == "br":
        cat = CAT_BR
    elif tag in _block_tags:
        cat = CAT_BLOCK
    elif tag in _spaced_tags:
        cat = CAT_SPACED
    elif tag == "a":
        cat = CAT_LINK
    else:
        cat = CAT_INLINE
    if len(_categories) < 4096:  # custom element names are unbounded on hostile input
        _categories[tag] = cat
    return cat


cdef inline bint _ascii_blank(const unsigned char *data, size_t length) noexcept:
    """Whether the UTF-8 text is nothing but ASCII whitespace (space, \\t, \\n, \\v, \\f,
    \\r, all `str.isspace`); False for anything else, other whitespace included."""
    cdef size_t i
    cdef unsigned char c
    for i in range(length):
        c = data[i]
        if c != 0x20 and not (0x09 <= c <= 0x0D):
            return False
    return True


cdef inline bint _isspace(str s) noexcept:
    """``s.isspace()`` without the method call."""
    cdef Py_UCS4 c
    if len(s) == 0:
        return False
    for c in s:
        if not Py_UNICODE_ISSPACE(c):
            return False
    return True


cdef inline str _decode(const unsigned char *data, size_t length):
    # as selectolax decodes every name, value and text
    return PyUnicode_DecodeUTF8(<const char *> data, length, "replace")


cdef tuple _class_and_id(ps_node *node):
    """``(attributes.get("class"), attributes.get("id"))`` as selectolax's dict gives them
    (keys are qualified names, the last of equal names wins, empty values are None)."""
    cdef void *attr = _first_attr(<void *> node)
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef size_t n = 0
    cdef size_t vn = 0
    cls = None
    ident = None
    while attr != NULL:
        name = _attr_name(attr, &n)
        if name != NULL and ((n == 5 and memcmp(name, b"class", 5) == 0)
                             or (n == 2 and memcmp(name, b"id", 2) == 0)):
            vn = 0
            value = _attr_value(attr, &vn)
            py_value = _decode(value, vn) if value != NULL else None
            if n == 5:
                cls = py_value
            else:
                ident = py_value
        attr = _next_attr(attr)
    return cls, ident


cdef bint _hidden(ps_node *node, str tag) except -1:
    """`segment_html._hides` of the element, asked only when it has a ``hidden``, ``style`` or
    ``open`` attribute or is a dialog (what ``_hidden_ids``' query finds); the attributes go
    as selectolax's dict has them (the last of equal names wins, empty values are None)."""
    cdef void *attr = _first_attr(<void *> node)
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef size_t n = 0
    cdef size_t vn = 0
    cdef dict attrs = None
    while attr != NULL:
        name = _attr_name(attr, &n)
        if name != NULL and ((n == 6 and memcmp(name, b"hidden", 6) == 0)
                             or (n == 5 and memcmp(name, b"style", 5) == 0)
                             or (n == 4 and memcmp(name, b"open", 4) == 0)):
            vn = 0
            value = _attr_value(attr, &vn)
            if attrs is None:
                attrs = {}
            attrs[_decode(name, n)] = _decode(value, vn) if value != NULL else None
        attr = _next_attr(attr)
    if attrs is None:
        if tag != "dialog":
            return False
        attrs = {}
    return bool(_hides(tag, attrs))


cdef Py_ssize_t _add_href(ps_node *node, list hrefs) except -2:
    """Append the element's ``href`` to `hrefs` ("" when empty, as ``attrs.get("href") or ""``
    reads it) and return its index, or -1 when it has none (an ``<a>`` without one is no link)."""
    cdef void *attr = _first_attr(<void *> node)
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef size_t n = 0
    cdef size_t vn = 0
    while attr != NULL:
        name = _attr_name(attr, &n)
        if name != NULL and n == 4 and memcmp(name, b"href", 4) == 0:
            value = _attr_value(attr, &vn)
            hrefs.append(_decode(value, vn) if value != NULL else "")
            return len(hrefs) - 1
        attr = _next_attr(attr)
    return -1


cdef void _add_hrefs_under(ps_node *top, list hrefs) except *:
    """`_add_href` for every ``<a>`` at or under `top`, in document order: the links of a
    subtree the walk skips count towards the page's majority domain (`links.href_flags`)."""
    cdef ps_node *node = top
    cdef const unsigned char *name
    cdef size_t n
    while True:
        if node.type == NODE_ELEMENT:
            n = 0
            name = _element_name(<void *> node, &n)
            if name != NULL and n == 1 and name[0] == 0x61:  # a
                _add_href(node, hrefs)
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != top and node.next == NULL:
            node = node.parent
        if node == top:
            return
        node = node.next


@cython.no_gc
cdef class Frame:
    """One element seen on the walk (the Python walk's frame list, typed)."""
    cdef str tag
    cdef Frame parent
    cdef Py_ssize_t ord
    cdef Py_ssize_t depth
    cdef ps_node *node
    cdef dict counts
    cdef object path
    cdef object tpath
    cdef object words
    # walk state: next child to visit, the container to restore on close (blocks only)
    cdef ps_node *cur
    cdef Frame prev_container
    cdef bint is_link
    cdef bint spaced


cdef Frame _frame(str tag, Frame parent, Py_ssize_t ord, Py_ssize_t depth, ps_node *node):
    cdef Frame f = Frame.__new__(Frame)
    f.tag = tag
    f.parent = parent
    f.ord = ord
    f.depth = depth
    f.node = node
    f.counts = {}
    f.path = None
    f.tpath = None
    f.words = None
    f.cur = node.first_child
    f.prev_container = None
    f.is_link = False
    f.spaced = False
    return f


cdef class Run:
    """The current run of text and the finished blocks (the Python walk's `flush` state)."""
    cdef list blocks
    cdef list pieces
    cdef Py_ssize_t link_len
    cdef list links  # indexes (into the walk's hrefs) of the links whose text the run holds
    cdef bint has_text
    cdef bint line_has_text
    cdef Py_ssize_t lines_done
    cdef Py_ssize_t brs
    cdef Py_ssize_t max_blocks

    cdef void flush(self, Frame container) except *:
        cdef Py_ssize_t lines
        cdef list last
        if self.has_text:
            text = " ".join("".join(self.pieces).split())
            lines = self.lines_done + (1 if self.line_has_text else 0)
            if len(self.blocks) < self.max_blocks:
                self.blocks.append(
                    [[text], container, min(self.link_len, len(text)), lines, self.links]
                )
            else:
                last = self.blocks[-1]
                last[0].append(text)
                last[2] += self.link_len
                last[3] += lines
                last[4].extend(self.links)
            self.pieces = []
            self.links = []
        elif self.pieces:
            self.pieces = []
        self.link_len = 0
        self.has_text = self.line_has_text = False
        self.lines_done = 0
        self.brs = 0


cdef inline object _memo(dict memo, object key, object make):
    """``make(key)``, kept in `memo` (emptied first when it holds `_MEMO_MAX` keys)."""
    cdef object got = memo.get(key)
    if got is None:
        got = make(key)
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = got
    return got


cdef tuple _paths(Frame frame):
    """`segment_html._paths`. A frame whose prefix is stored right after its parent's (a
    block's element under its memoised parent, nearly every call) gets its xpath and tag_path
    each built in one piece, without the lists of segments and the two concatenations."""
    cdef list chain = []
    cdef Frame f = frame
    cdef Frame g
    cdef Frame up
    cdef Frame parent = frame.parent
    cdef Py_ssize_t d
    cdef bint indexed
    while f is not None and f.path is None:
        chain.append(f)
        f = f.parent
    if f is not None and f.path is not None and f.tpath is not None:
        path, tpath = f.path, f.tpath
    else:
        path, tpath = "", ""
    cdef list segs = None  # the segments since the last stored prefix, None for none
    cdef list tsegs = None
    for g in reversed(chain):
        tag = g.tag
        up = g.parent
        step = _memo(_steps, tag, _xpath_step)
        indexed = up is not None and up.counts.get(tag, 1) > 1
        d = g.depth
        if (
            d <= _MEMO_SHALLOW
            or g is frame
            or g is parent
            or (d % _MEMO_EVERY == 0 and d <= _MEMO_DEEPEST)
        ):
            if segs is None:
                path = f"{path}/{step}[{g.ord}]" if indexed else f"{path}/{step}"
                tpath = f"{tpath}/{tag}" if tpath else tag
            else:
                segs.append(f"{step}[{g.ord}]" if indexed else step)
                tsegs.append(tag)
                path = path + "/" + "/".join(segs)
                tpath = (tpath + "/" if tpath else "") + "/".join(tsegs)
                segs = tsegs = None
            g.path = path
            g.tpath = tpath
        else:
            if segs is None:
                segs = []
                tsegs = []
            segs.append(f"{step}[{g.ord}]" if indexed else step)
            tsegs.append(tag)
    return path, tpath


cdef tuple _attr_words(Frame frame, dict merges):
    """`merges` (`_merges`) memoises `segment_html._merged_words` across walks: sibling list
    items and table cells repeat the same class under the same ancestors, and a site's pages
    the same classes (it stays in Python)."""
    cdef list chain = []
    cdef Frame f = frame
    cdef Frame g
    while f is not None and f.words is None:
        chain.append(f)
        f = f.parent
    cdef tuple words = f.words if f is not None and f.words is not None else ()
    for g in reversed(chain):
        cls, ident = _class_and_id(g.node)
        if cls or ident:
            key = (cls, ident, words)
            got = merges.get(key)
            if got is None:
                got = merges[key] = _merged_words(cls, ident, words)
            words = <tuple> got
        g.words = words
    return words


def walk(size_t root, str root_tag, Py_ssize_t max_blocks, link_flags):
    """The blocks of the tree under the element at address `root` (the document element of a
    live `LexborHTMLParser`), skipping hidden elements (`_hidden`) as the Python walk skips
    those of `segment_html._hidden_ids`.

    The walk collects every ``<a href>`` of the tree (those of skipped subtrees too) in
    document order, as ``tree.css("a[href]")`` finds them, instead of the Python walk's second
    pass (`links.link_kinds`); `link_flags` (`links.href_flags` of the page) turns their hrefs
    into flags once the walk is done."""
    if _element_name == NULL:
        raise RuntimeError("_fastsegment.init was not called")
    cdef Run run = Run.__new__(Run)
    run.blocks = []
    run.pieces = []
    run.link_len = 0
    run.links = []
    run.has_text = run.line_has_text = False
    run.lines_done = 0
    run.brs = 0
    run.max_blocks = max_blocks

    cdef dict names = {}  # element name pointer -> str, for this document only
    cdef ps_node *root_node = <ps_node *> root
    cdef Frame root_frame = _frame(root_tag, None, 1, 0, root_node)
    cdef Frame container = root_frame
    cdef Frame frame
    cdef Frame child
    cdef Py_ssize_t link_depth = 0
    # index in `hrefs` of the link being walked, -1 for none (links do not nest in parsed HTML)
    cdef Py_ssize_t link_index = -1
    cdef list hrefs = []
    cdef list stack = [root_frame]
    cdef ps_node *ch
    cdef ps_chardata *cd
    cdef const unsigned char *cname
    cdef size_t clen
    cdef int cat
    cdef bint descended
    cdef Py_ssize_t n
    cdef dict counts
    cdef str tag
    cdef str s
    cdef Py_ssize_t index

    while stack:
        frame = <Frame> stack[-1]
        descended = False
        while frame.cur != NULL:
            ch = frame.cur
            frame.cur = ch.next
            if ch.type == NODE_TEXT:
                cd = <ps_chardata *> ch
                if cd.data == NULL or cd.length == 0:
                    continue
                if _ascii_blank(cd.data, cd.length):
                    # all ASCII whitespace (most text nodes: the indentation between tags),
                    # so ``s.isspace()``: nothing to keep before the run has text, and after it
                    # only a separator, which " " is to flush's ``split`` as much as `s` is.
                    if run.has_text:
                        run.pieces.append(" ")
                    continue
                s = _decode(cd.data, cd.length)
                if not _isspace(s):
                    run.pieces.append(s)
                    run.has_text = run.line_has_text = True
                    run.brs = 0
                    if link_depth:
                        run.link_len += len(" ".join(s.split()))
                        if link_index >= 0 and (not run.links or run.links[-1] != link_index):
                            run.links.append(link_index)
                elif run.has_text:
                    run.pieces.append(s)
                continue
            if ch.type != NODE_ELEMENT:
                continue
            clen = 0
            cname = _element_name(<void *> ch, &clen)
            if cname == NULL:
                continue
            key = <size_t> cname
            got = names.get(key)
            if got is None:
                got = _decode(cname, clen)
                names[key] = got
            tag = <str> got
            counts = frame.counts
            n = <Py_ssize_t> counts.get(tag, 0) + 1
            counts[tag] = n
            cat = _category(tag)
            if cat == CAT_SKIP or _hidden(ch, tag):
                _add_hrefs_under(ch, hrefs)
                continue
            if cat == CAT_BR:
                if run.line_has_text:
                    run.lines_done += 1
                    run.line_has_text = False
                    run.pieces.append("\n")
                    run.brs = 1
                elif run.brs:
                    run.brs += 1
                    if run.has_text:
                        run.flush(container)
                continue
            if cat == CAT_BLOCK:
                if run.has_text or run.pieces:
                    run.flush(container)
            elif cat == CAT_SPACED and run.has_text:
                run.pieces.append(" ")
            if ch.first_child == NULL:
                if cat == CAT_LINK:
                    _add_href(ch, hrefs)
                continue
            child = _frame(tag, frame, n, frame.depth + 1, ch)
            if cat == CAT_LINK:
                index = _add_href(ch, hrefs)
                if index >= 0:
                    link_depth += 1
                    child.is_link = True
                    link_index = index
            if cat == CAT_BLOCK:
                child.prev_container = container
                container = child
            else:
                child.spaced = cat == CAT_SPACED
            stack.append(child)
            descended = True
            break
        if descended:
            continue
        # `frame` is finished.
        stack.pop()
        if frame.prev_container is not None:
            if run.has_text or run.pieces:
                run.flush(container)
            container = frame.prev_container
        if frame.is_link:
            link_depth -= 1
            link_index = -1
        if frame.spaced and run.has_text:
            run.pieces.append(" ")
    run.flush(container)

    cdef list flags = link_flags(hrefs) if hrefs else []
    if len(_merges) >= _MEMO_MAX:
        _merges.clear()
    out = []
    cdef Py_ssize_t i = 0
    cdef list entry
    cdef list parts
    cdef Py_ssize_t link_chars
    cdef long block_flags
    for entry in run.blocks:
        parts = entry[0]
        text = parts[0] if len(parts) == 1 else " ".join(parts)
        xpath, tag_path = _paths(<Frame> entry[1])
        link_chars = entry[2]
        block_flags = 0
        for index in entry[4]:
            block_flags |= <long> flags[index]
        out.append(
            _new_block((
                i, text, None, None, xpath, tag_path, _attr_words(<Frame> entry[1], _merges),
                min(link_chars, len(text)), max(1, <Py_ssize_t> entry[3]),
                _memo(_kinds, block_flags, _kinds_of_flags),
            ))
        )
        i += 1
    return tuple(out)


cdef inline bint _html_space(Py_UCS4 c) noexcept:
    return c == 0x20 or c == 0x09 or c == 0x0A or c == 0x0C or c == 0x0D


cdef inline bint _raw_initial(Py_UCS4 c) noexcept:
    """Whether `c`, in either ASCII case, starts a raw-text element's name (i n p s t x)."""
    cdef unsigned int u = (<unsigned int> c) | 0x20
    return u == 0x69 or u == 0x6E or u == 0x70 or u == 0x73 or u == 0x74 or u == 0x78


cdef Py_ssize_t _raw_text_end(str html, Py_ssize_t i, Py_ssize_t n, str name) except -2:
    """Where the text of raw-text element `name` (lower case) ends: the next ``</`` + `name`,
    in any case, at or after `i`; `n` if none."""
    cdef Py_ssize_t m = len(name), k
    cdef unsigned int c
    while True:
        i = PyUnicode_FindChar(html, 0x3C, i, n, 1)
        if i < 0 or i + 2 + m > n:
            return n
        if html[i + 1] == 0x2F:
            for k in range(m):
                c = <Py_UCS4> html[i + 2 + k]
                if 0x41 <= c <= 0x5A:
                    c += 0x20
                if c != <unsigned int> <Py_UCS4> name[k]:
                    break
            else:
                return i
        i += 1


cdef inline Py_UCS4 _at(int kind, void *data, Py_ssize_t n, Py_ssize_t i) noexcept:
    """The character at `i`, or 0 (none of the ones the tokenizer tests) past the end."""
    return PyUnicode_READ(kind, data, i) if i < n else 0


def attribute_overflows(str html, Py_ssize_t limit):
    """`segment_html._attribute_overflows(html, limit)` in one pass, the same tokenizer rules;
    the next ``<`` is found by a memchr-like scan, a tag read character by character."""
    cdef Py_ssize_t n = len(html)
    cdef Py_ssize_t i, j, k, q, count, cut
    cdef Py_UCS4 c
    cdef list out = []
    cdef str name
    cdef int kd = PyUnicode_KIND(html)
    cdef void *d = PyUnicode_DATA(html)
    i = PyUnicode_FindChar(html, 0x3C, 0, n, 1) if n else -1
    while 0 <= i < n - 1:
        c = _at(kd, d, n, i + 1)
        if c == 0x21 and _at(kd, d, n, i + 2) == 0x2D and _at(kd, d, n, i + 3) == 0x2D:  # <!--
            if _at(kd, d, n, i + 4) == 0x3E or (
                _at(kd, d, n, i + 4) == 0x2D and _at(kd, d, n, i + 5) == 0x3E
            ):  # <!--> or <!--->
                i = PyUnicode_FindChar(html, 0x3C, i + 4, n, 1)
                continue
            j = i + 4
            while j + 2 < n:  # to --> or --!>
                if _at(kd, d, n, j) == 0x2D and _at(kd, d, n, j + 1) == 0x2D:
                    if _at(kd, d, n, j + 2) == 0x3E:
                        j += 3
                        break
                    if _at(kd, d, n, j + 2) == 0x21 and _at(kd, d, n, j + 3) == 0x3E:
                        j += 4
                        break
                j += 1
            else:
                break
            i = PyUnicode_FindChar(html, 0x3C, j, n, 1)
            continue
        if c == 0x21 or c == 0x3F or c == 0x2F:  # <! <? </
            j = PyUnicode_FindChar(html, 0x3E, i + 2, n, 1) if i + 2 < n else -1
            i = PyUnicode_FindChar(html, 0x3C, j + 1, n, 1) if 0 <= j < n - 1 else -1
            continue
        if not _ascii_letter(c):
            i = PyUnicode_FindChar(html, 0x3C, i + 1, n, 1)
            continue
        j = i + 2
        while j < n:
            c = _at(kd, d, n, j)
            if _html_space(c) or c == 0x2F or c == 0x3E:
                break
            j += 1
        # the name matters only for raw-text elements (3 to 9 letters): no string for others
        name = None
        if 3 <= j - i - 1 <= 9 and _raw_initial(_at(kd, d, n, i + 1)):
            name = html[i + 1:j].lower()
        count = 0
        cut = -1
        while True:
            while _html_space(_at(kd, d, n, j)) or _at(kd, d, n, j) == 0x2F:
                j += 1
            if j >= n or _at(kd, d, n, j) == 0x3E:
                break
            count += 1
            if count == limit + 1:
                cut = j
            j += 1
            while j < n:  # the attribute's name
                c = _at(kd, d, n, j)
                if _html_space(c) or c == 0x2F or c == 0x3E or c == 0x3D:
                    break
                j += 1
            k = j
            while _html_space(_at(kd, d, n, k)):
                k += 1
            if _at(kd, d, n, k) == 0x3D:  # its value
                k += 1
                while _html_space(_at(kd, d, n, k)):
                    k += 1
                c = _at(kd, d, n, k)
                if c == 0x22 or c == 0x27:
                    q = PyUnicode_FindChar(html, c, k + 1, n, 1) if k + 1 < n else -1
                    j = n if q < 0 else q + 1
                else:
                    while k < n:
                        c = _at(kd, d, n, k)
                        if _html_space(c) or c == 0x3E:
                            break
                        k += 1
                    j = k
        if cut >= 0:
            out.append((cut, j))
        if j >= n:
            break
        i = j + 1
        if name is not None and name in _raw_text_names:
            i = _raw_text_end(html, i, n, name)
        i = PyUnicode_FindChar(html, 0x3C, i, n, 1) if i < n else -1
    return out


#: segment_html._RAW_TEXT (tests/test_fastsegment.py checks they match; `_raw_initial` holds
#: their first letters).
_raw_text_names = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
)
