# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""links.py's reading of a page's hrefs in C (`links._href_facts`, `links._flags` and
`links.majority_domain` are the reference): in Python it cost ~4M instructions a page.

An ASCII href is read byte by byte. Any other href, and any that names archive.org, goes to the
Python reference: Unicode case folding (``K``, ``İ``, ``ſ`` match ``[a-z]`` under ``re.I``) and
the Wayback pattern stay with the regexes that define them. A host's facts (registrable domain,
ad server) come from `links._host_facts`, memoised here per host."""

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object s)
    unsigned char *PyUnicode_1BYTE_DATA(object s)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)

#: Hosts memoised before the memo starts over (links._host_facts keeps 4,096).
cdef enum:
    MAX_HOSTS = 8192

cdef int _offsite = 0, _ad = 0  # links.OFFSITE, links.AD
cdef object _reference = None  # links._href_facts
cdef object _host_facts = None  # links._host_facts
cdef frozenset _path_words = frozenset()
cdef frozenset _script_exts = frozenset()
cdef object _majority_of = None  # links._majority_of
cdef Py_ssize_t _min_word = 0
cdef Py_ssize_t _max_word = 0
cdef Py_ssize_t _max_ext = 0
cdef unsigned int _word_starts = 0  # bit c - 'a' set: some path word starts with c
cdef dict _hosts = {}
cdef tuple _NOTHING = (None, False)
cdef tuple _AD_ONLY = (None, True)
cdef const unsigned char *_JAVASCRIPT = b"javascript:"


def init(int offsite, int ad, reference, host_facts, frozenset path_words,
         frozenset script_exts, majority_of):
    """Take links.py's flag bits, its reference `_href_facts`, its `_host_facts`, its word
    sets (the path words and script extensions must be lower-case ASCII letters) and its
    `_majority_of`."""
    global _offsite, _ad, _reference, _host_facts, _path_words, _script_exts, _majority_of
    global _min_word, _max_word, _max_ext, _word_starts
    for word in path_words | script_exts:
        if not (word.isascii() and word.isalpha() and word.islower()):
            raise ValueError(f"a path word or extension is not lower-case ASCII: {word!r}")
    _offsite, _ad = offsite, ad
    _reference, _host_facts = reference, host_facts
    _path_words, _script_exts, _majority_of = path_words, script_exts, majority_of
    _min_word = min(map(len, path_words))
    _max_word = max(map(len, path_words))
    _max_ext = max(map(len, script_exts))
    _word_starts = 0
    for word in path_words:
        _word_starts |= 1u << (ord(word[0]) - 97)
    _hosts.clear()


cdef inline bint _space(unsigned char c) noexcept nogil:
    """str.isspace() of an ASCII character (and re's \\s)."""
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


cdef inline unsigned char _lower(unsigned char c) noexcept nogil:
    return c + 32 if 65 <= c <= 90 else c


cdef inline bint _alpha(unsigned char c) noexcept nogil:
    return 97 <= _lower(c) <= 122


cdef str _lowered(const unsigned char *s, Py_ssize_t a, Py_ssize_t b):
    """s[a:b].lower() of ASCII bytes."""
    cdef str out = PyUnicode_New(b - a, 127)
    cdef unsigned char *d = PyUnicode_1BYTE_DATA(out)
    cdef Py_ssize_t i
    for i in range(a, b):
        d[i - a] = _lower(s[i])
    return out


cdef bint _ad_path(const unsigned char *s, Py_ssize_t p0, Py_ssize_t p1):
    """links._ad_path of s[p0:p1]: a step (query and fragment cut) whose lower-cased stem is a
    path word, with no extension or a script one (everything after the step's first dot)."""
    cdef Py_ssize_t i, a, dot, end = p0
    cdef unsigned char c
    while end < p1 and s[end] != 63 and s[end] != 35:  # '?', '#'
        end += 1
    a = p0
    while a < end:
        i = a
        dot = -1
        while i < end and s[i] != 47:  # '/'
            if s[i] == 46 and dot < 0:
                dot = i
            i += 1
        if i > a:
            if dot < 0:
                dot = i
            c = _lower(s[a])
            if (_min_word <= dot - a <= _max_word and 97 <= c <= 122
                    and _word_starts & (1u << (c - 97))
                    and (dot == i or i - dot - 1 <= _max_ext)
                    and _lowered(s, a, dot) in _path_words
                    and (dot == i or _lowered(s, dot + 1, i) in _script_exts)):
                return True
        a = i + 1
    return False


cdef tuple _facts(object href):
    """links._href_facts(href): (registrable domain or None, whether it is an ad URL)."""
    if type(href) is not str or not PyUnicode_IS_ASCII(href) or "archive.org/" in href:
        return _reference(href)
    cdef const unsigned char *s = PyUnicode_1BYTE_DATA(href)
    cdef Py_ssize_t start = 0, end = len(<str> href), i, j, pos = -1, at, colon
    while start < end and _space(s[start]):
        start += 1
    while end > start and _space(s[end - 1]):
        end -= 1
    if start == end or s[start] == 35:  # '#'
        return _NOTHING
    if end - start >= 11:
        for i in range(11):
            if _lower(s[start + i]) != _JAVASCRIPT[i]:
                break
        else:
            return _NOTHING
    # links._SPLIT: an optional scheme ([a-z][a-z0-9+.-]*:) then "//"
    i = start
    if _alpha(s[i]):
        j = i + 1
        while j < end and (_alpha(s[j]) or 48 <= s[j] <= 57 or s[j] == 43 or s[j] == 46
                           or s[j] == 45):
            j += 1
        if j + 2 < end and s[j] == 58 and s[j + 1] == 47 and s[j + 2] == 47:
            pos = j + 3
    elif end - i >= 2 and s[i] == 47 and s[i + 1] == 47:
        pos = i + 2
    if pos < 0:  # a relative link: within the site
        return _AD_ONLY if _ad_path(s, start, end) else _NOTHING
    # the host part runs to the first of / ? # \ or a space
    j = pos
    while j < end and not (s[j] == 47 or s[j] == 63 or s[j] == 35 or s[j] == 92
                           or _space(s[j])):
        j += 1
    # links._bare_host: after the last '@', before the first ':' after it, trailing dots cut
    at = pos
    for i in range(pos, j):
        if s[i] == 64:
            at = i + 1
    colon = at
    while colon < j and s[colon] != 58:
        colon += 1
    while colon > at and s[colon - 1] == 46:
        colon -= 1
    cdef bint ad = _ad_path(s, j, end)
    for i in range(at, colon):
        if s[i] == 46:
            break
    else:
        return _AD_ONLY if ad else _NOTHING
    cdef str host = _lowered(s, at, colon)
    cdef object known = _hosts.get(host)
    if known is None:
        if len(_hosts) >= MAX_HOSTS:
            _hosts.clear()
        known = _hosts[host] = _host_facts(host)
    domain, ad_host = <tuple> known
    return domain, bool(ad or ad_host)


def href_facts(str href not None):
    """links._href_facts, for the equality tests."""
    return _facts(href)


cdef object _majority(list facts):
    """links.majority_domain of the facts' domains: the first of Counter.most_common(3) (count
    descending, first met first) that is not a common third party, if it holds >= 3 links and
    >= 30% of them."""
    cdef dict counts = {}
    cdef Py_ssize_t total = 0, n, k
    cdef object dom
    for f in facts:
        dom = (<tuple> f)[0]
        if dom is not None:
            counts[dom] = counts.get(dom, 0) + 1
            total += 1
    cdef list top = []  # [(count, dom)], at most 3, count descending, first met first
    for dom, n in counts.items():
        k = len(top)
        while k > 0 and (<tuple> top[k - 1])[0] < n:
            k -= 1
        if k < 3:
            top.insert(k, (n, dom))
            if len(top) > 3:
                top.pop()
    return _majority_of([(dom, n) for n, dom in top], total)


def href_flags(hrefs, site):
    """links.href_flags once the page's site (`links.page_site`, or None) is known."""
    if _reference is None:
        raise RuntimeError("_fastlinks.init was not called")
    cdef list facts = [_facts(h) for h in hrefs]
    if site is None:
        site = _majority(facts)
    cdef list out = []
    cdef int flags
    for f in facts:
        domain, ad = <tuple> f
        flags = _ad if ad else 0
        if site is not None and domain is not None and domain != site:
            flags |= _offsite
        out.append(flags)
    return out


# --------------------------------------------------------------------------------------------
# `links._holds_any`: whether a page's source names a head link, in one pass

cdef extern from "Python.h":
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)

ctypedef fused _unit:
    unsigned char
    unsigned short
    unsigned int

cdef enum:
    MAX_WORDS = 8
    MAX_WORD = 16


cdef bint _scan(const _unit *s, Py_ssize_t n, const unsigned char *words,
                const Py_ssize_t *lens, int count, Py_ssize_t m, const unsigned char *shift,
                const unsigned char *last) noexcept nogil:
    """Set Horspool: a window of `m` characters (the shortest word) slides along `s`; its last
    character picks the shift (`shift`), and when it can end some word's first `m` characters
    (`last`), the words are compared at the window's start."""
    cdef Py_ssize_t j = m - 1
    cdef Py_ssize_t start, q
    cdef unsigned int c
    cdef int w
    while j < n:
        c = s[j]
        if c >= 128:  # the words are ASCII
            j += m
            continue
        if last[c]:
            start = j - m + 1
            for w in range(count):
                if words[w * MAX_WORD + m - 1] == c and start + lens[w] <= n:
                    q = 0
                    while q < lens[w] and s[start + q] == words[w * MAX_WORD + q]:
                        q += 1
                    if q == lens[w]:
                        return True
        j += shift[c]
    return False


def holds_any(str source not None, tuple needles not None):
    """``any(w in source for w in needles)`` (`links._holds_any`) in one pass over `source`,
    for up to eight ASCII words of 1 to 16 characters: the four scans of `links._head_links`
    each read the whole page (~0.05 ms each on a 130,000-character one)."""
    cdef unsigned char words[MAX_WORDS * MAX_WORD]
    cdef Py_ssize_t lens[MAX_WORDS]
    cdef unsigned char shift[128]
    cdef unsigned char last[128]
    cdef int count = len(needles)
    cdef Py_ssize_t m = MAX_WORD
    cdef Py_ssize_t i
    cdef int w
    cdef bytes b
    if count > MAX_WORDS:
        raise ValueError("too many words")
    for w in range(count):
        word = needles[w]
        if not isinstance(word, str) or not word or len(word) > MAX_WORD or not word.isascii():
            raise ValueError(f"not an ASCII word of 1 to {MAX_WORD} characters: {word!r}")
        b = word.encode("ascii")
        lens[w] = len(b)
        for i in range(lens[w]):
            words[w * MAX_WORD + i] = b[i]
        m = min(m, lens[w])
    if count == 0:
        return False
    for i in range(128):
        shift[i] = m
        last[i] = 0
    for w in range(count):
        for i in range(m - 1):
            shift[words[w * MAX_WORD + i]] = min(shift[words[w * MAX_WORD + i]], m - 1 - i)
        last[words[w * MAX_WORD + m - 1]] = 1
    cdef int kind = PyUnicode_KIND(source)
    cdef void *data = PyUnicode_DATA(source)
    cdef Py_ssize_t n = len(source)
    if kind == 1:
        return _scan(<const unsigned char *> data, n, words, lens, count, m, shift, last)
    if kind == 2:
        return _scan(<const unsigned short *> data, n, words, lens, count, m, shift, last)
    return _scan(<const unsigned int *> data, n, words, lens, count, m, shift, last)
