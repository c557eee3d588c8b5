"""Stage 2 (HTML) — markup to blocks: one block per visible run of block-level text.

Script, style, template and hidden markup are excluded; every other visible character lands in
exactly one block (no silent loss), each with an xpath and the layout facts the model reads.

The rules, in one place
-----------------------
Parsing is selectolax's Lexbor backend, an HTML5 parser (the tree a browser builds, scripting
*disabled*). The tree is walked once, iteratively (an explicit stack, so 5,000-deep nesting cannot
hit Python's recursion limit), in document order.

*What a block is.* Elements are block-level, inline, or skipped:

- Block-level elements (``_BLOCK``: p, div, li, ul, ol, dl, dt, dd, h1-h6, table, tbody, tr, td,
  th, caption, section, article, aside, header, footer, nav, main, blockquote, pre, form,
  fieldset, figure, figcaption, address, details, summary, center, select, textarea, hr, ...)
  end the current run of text where they open and where they close. Each non-empty run is a
  block; its element (xpath, tag_path, attr_words) is the nearest block-level ancestor of the
  run. So ``<div>a<p>b</p>c</div>`` gives three blocks: ``a`` (div), ``b`` (p), ``c`` (div); an
  ``li`` holding a title link, a ``p`` snippet and a date ``span`` gives the link (li), the
  snippet (p) and the date (li). The model's neighbour context glues such pieces together.
  A layout ``td`` is a block container like any other.
- Everything else (a, span, b, font, em, strong, small, code, label, time, custom elements, ...)
  is inline: its text joins the current run with no separator, as a browser renders it
  (``<a>相关2</a><span>2020</span>`` reads ``相关22020``; source whitespace between them is kept
  as one space). ``img``, ``input``, ``button``, ``option`` and ``optgroup`` put a space on
  either side, so words around them do not fuse (a ``select`` is one block of its options).
- ``<br>`` ends a line inside the block (a space in the text; ``lines`` counts the non-empty
  lines). Two or more ``<br>`` in a row, with only whitespace between them, end the block: Chinese
  pages often hold a whole article, or an article plus its "related" links, in one
  ``<div>text<br><br>text</div>``, and a paragraph is a better unit to label than the whole div.
  The pieces share the container's xpath.

*Text.* A block's text is its text nodes concatenated, then whitespace-normalised: each run of
``str.isspace()`` characters (which includes U+3000 and U+00A0) becomes one space, and the ends
are stripped. No other character is dropped or changed (the parser has already decoded entities;
zero-width characters are kept). Attribute text (``img alt``, ``input value``, ``title=``) is not
visible text and is not used.

*Not visible, skipped with their whole subtree.* Comments; ``head`` and everything in it (the
``<title>`` is page metadata, not a block); script, style, template, svg, iframe, object,
embed, canvas, video, audio (their fallback content is not shown by a browser that supports
them), noembed, noframes, datalist, a ``title`` outside head, ``selectedcontent`` (the parser's
copy of the selected option) and ``dialog`` without ``open``; any element with the ``hidden``
attribute (except ``hidden="until-found"``, which is findable content) or with an inline
``style`` holding ``display: none`` or ``visibility: hidden|collapse``. ``aria-hidden`` is *not*
a reason to skip: it hides from screen readers only, the text is still on screen. Kept:
``noscript`` content (Lexbor parses it as markup, as shown by a browser without scripts, so a
noscript-only page still yields its text; it is a block container), the body of a closed
``details`` (expandable content), ``math``, ``textarea`` and ``xmp`` text. A frameset page, an
empty SPA shell, ``<html></html>``, whitespace and the empty string give zero blocks.

*Layout facts.* ``xpath`` is the absolute path of the block's element in the HTML5 tree, in the
form lxml's ``getpath()`` gives (``/html/body/div[2]/ul/li[3]``: an index only where the parent
has more than one child element of that tag, skipped and hidden ones included), so a browser's
``document.evaluate`` finds the element. Mind that it is the HTML5 tree: ``tbody`` is inserted
into tables, misnested markup is repaired as a browser repairs it, so on broken markup lxml's own
(libxml2) tree can differ. Tag names that are not XPath names (``o:p`` from Word) are written
``*[name()='o:p']``. ``tag_path`` is the same path without indexes (``html/body/div/ul/li``).
``attr_words`` are lower-cased words from the ``class`` and ``id`` of the element and its
ancestors, nearest first, deduplicated, at most `MAX_ATTR_WORDS`; values are split on
non-alphanumerics and camelCase (``mainContent`` -> main, content), and digits and one-letter
words are dropped, as are names that start with ``__``: framework hooks such as Next.js's
``<div id="__next">`` around the whole page, which would otherwise give every block "next".
``link_chars`` counts the (whitespace-normalised) characters of the block that sit inside an
``<a href>``: an ``<a>`` without ``href`` is no link (HTML's placeholder or named anchor; old
forums wrap whole posts in one), so its text is not link text. ``lines``
counts ``<br>``-separated non-empty lines. ``link_kinds`` names where the block's links go when
that is telling (links.py: ``off`` another site, ``adurl`` an ad server or click tracker); a
block gets the kinds of every link whose text it holds.

*max_blocks.* Once ``max_blocks`` blocks exist, every later run is folded into the last block
(its text appended after a space, its ``link_chars`` and ``lines`` added, its link kinds
merged), so nothing is lost; the last block keeps its own xpath. A caller that wants to record
the hit checks ``len(blocks) == max_blocks``. ``max_blocks <= 0`` means no cap (as in
`segment_text`).

*Monster input.* Lexbor's tree builder scans its stack of open elements for many tags, so parse
time grows with the depth times the number of tags (20,000 nested ``ul>li``: ~25 s). Before
parsing, pages with more than `MAX_DEPTH` tags get a quick depth estimate from the tags; if
the estimated nesting passes `MAX_DEPTH`, or the estimated depths summed over all tags pass
`DEPTH_BUDGET`, the start and end tags nested too deep are replaced by a space (a block start
tag by ``</p>``, which it implies): their text stays, in the deepest kept element. Tags that
hide content (skipped elements, ``hidden``, ``display:none``) are never dropped. This is an
approximation of the real tree for such pages only (misnested markup around a dropped tag can
show or hide a few characters differently); 5,000 levels, and every real page we have seen
(peak depth under 200, depth sum under 300,000), parse untouched. Lone surrogates (not
encodable as UTF-8) are replaced by U+FFFD before parsing. The tree builder also checks each new
attribute of a tag against the ones before it (one ``<div>`` with 50,000 attributes: ~7 s,
200,000: ~100 s, past any time limit: SIGALRM cannot stop C code), so in pages of at least
`ATTRIBUTE_SCAN_CHARS` characters a tag's attributes past the first `MAX_ATTRIBUTES` are dropped
before parsing (`_attribute_overflows` finds them as the HTML tokenizer reads tags: quoted values,
comments and the text of script-like elements passed over). A smaller page holds at most ~40,000
distinct attributes (~5 s); real pages have a few dozen a tag at most and parse untouched.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from functools import lru_cache, partial
from itertools import accumulate
from operator import sub
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from .links import href_flags, kinds_of_flags, link_kinds
from .native import pure_requested
from .types import Block

__all__ = [
    "ATTRIBUTE_SCAN_CHARS", "DEPTH_BUDGET", "MAX_ATTRIBUTES", "MAX_ATTR_WORDS", "MAX_DEPTH",
    "segment_html",
]

#: Cap on ``Block.attr_words``.
MAX_ATTR_WORDS = 24


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


_BLOCK = _names(
    """
    html body address article aside blockquote center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing
    main menu nav ol p plaintext pre search section summary table caption colgroup thead tbody
    tfoot tr td th ul xmp noscript select textarea marquee
    """
)
_SKIP = _names(
    """
    head script style template svg iframe object embed canvas video audio noembed noframes
    datalist title selectedcontent frame param source track
    """
)
#: Inline elements that put a space on either side of themselves.
_SPACED = _names("img input button option optgroup")

_NCNAME = re.compile(r"[A-Za-z_][\w.-]*\Z")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_A-Za-z]+")
#: Nesting deeper than this (estimated from the markup before parsing) is flattened, see the
#: module doc (measured: 5,000 nested divs parse in ~0.2 s, 20,000 in ~3 s, 20,000 nested
#: ``ul><li`` in ~25 s).
MAX_DEPTH = 6000
#: Budget for the sum, over all tags, of the estimated depth at that tag: a proxy for the tree
#: builder's stack scans (20,000 ``<b>`` then 20,000 ``<p>`` cost seconds at any depth cap that
#: lets 5,000 levels through). Real pages sum to well under a million. Past the budget the depth
#: cap becomes budget / number of tags.
DEPTH_BUDGET = 30_000_000
#: Attributes kept on one tag of a big page (see the module doc); 512 parse in ~1 ms.
MAX_ATTRIBUTES = 512
#: Pages shorter than this are not scanned for tags with too many attributes.
ATTRIBUTE_SCAN_CHARS = 300_000
#: Elements whose text the tokenizer does not read as markup, up to their end tag (`_MARKUP`
#: is built from it; _fastsegment keeps the same set, as tests/test_fastsegment.py checks).
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
)
_HTML_SPACE = " \t\n\f\r"
#: Tags that do not count towards the depth estimate: void elements, elements whose end tag is
#: optional (closed implicitly by a sibling or the parent's end), and ``a`` (the parser never
#: nests it). Formatting elements do count: they nest when left open.
_FLAT_TAGS = _names(
    """
    area base br col embed hr img input link meta param source track wbr keygen basefont bgsound
    frame image p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp
    rtc a html head body
    """
)
#: A rough HTML tokenizer for `_cap_depth`: comments, bogus comments, raw-text elements (skipped
#: whole), then start/end tags (group 2: "/" for an end tag, group 3: the name).
_MARKUP = re.compile(
    r"<!--(?:-?>|.*?(?:--!?>|\Z))"
    r"|<[!?][^>]*(?:>|\Z)"
    r"|</(?![A-Za-z])[^>]*(?:>|\Z)"
    rf"|<({'|'.join(sorted(_RAW_TEXT))})(?=[\t\n\f\r />])"
    r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</\1(?=[\t\n\f\r />])[^>]*>|\Z)"
    r"|<(/?)([A-Za-z][^\t\n\f\r />]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*(?:>|\Z)",
    re.I | re.S,
)

#: Start tags `_cap_depth` never drops: they hide their content or change what is parsed.
_KEEP_TAGS = _SKIP | {"dialog", "frameset", "select", "math"}
_HIDING_TAG = re.compile(
    r"\shidden\b|display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I
)
#: Start tags that close an open ``<p>`` (HTML "in body" insertion mode).
_CLOSES_P = _names(
    """
    address article aside blockquote center details dialog dir div dl fieldset figcaption figure
    footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre
    listing form plaintext table hr xmp
    """
)
_TAG_NAME = re.compile(r"<(/?[A-Za-z][^\s/>]*)")
#: Depth added by a start tag (an end tag takes it off again); default 1. A list or table start
#: tag counts for the item / body-row-cell levels the parser adds below it.
_DEPTH_OF: dict[str, int] = {
    **dict.fromkeys(_FLAT_TAGS, 0),
    **dict.fromkeys(("ul", "ol", "dl", "menu", "dir"), 2),
    "table": 4,
}
_DEPTH_STEP = {
    p + n: sign * w
    for tag, w in _DEPTH_OF.items()
    for n in (tag, tag.upper())
    for p, sign in (("", 1), ("/", -1))
}

#: The compiled walk (set at the end of the module, see `_load_fast`); None: the Python walk.
_FAST: Any = None

#: xpath / tag_path prefixes are memoised on every frame this shallow (short strings, shared by
#: most blocks of a page), on each block's element and its parent, and every `_MEMO_EVERY` levels
#: down to `_MEMO_DEEPEST` (so walks up a deep chain stay short while the stored prefixes stay
#: far from quadratic in the depth).
_MEMO_SHALLOW = 32
_MEMO_EVERY = 64
_MEMO_DEEPEST = 8192


# A frame is one element seen on the walk, kept as a plain list (cheaper to build than an object;
# the walk makes one per element that has children):
#   [tag, parent frame | None, ordinal among same-tag siblings, depth, the Lexbor node,
#    {tag: element children seen so far} (final once the element is closed),
#    memoised xpath | None, memoised tag_path | None, memoised attr_words | None]
_TAG, _PARENT, _ORD, _DEPTH, _NODE, _COUNTS, _PATH, _TPATH, _WORDS = range(9)


@lru_cache(maxsize=8192)
def _words_of(value: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in value.split():
        if name.startswith("__"):
            continue  # a framework's hook (Next.js's ``__next`` root wraps the whole page)
        for w in _WORD.findall(name):
            if len(w) > 1:
                lw = w.lower()
                if lw not in out:
                    out.append(lw)
    return tuple(out)


def _attr_words(
    frame: list[Any], merges: dict[tuple[Any, ...], tuple[str, ...]]
) -> tuple[str, ...]:
    """`merges` memoises `_merged_words` for the walk: sibling list items and table cells
    repeat the same class under the same ancestors."""
    chain: list[list[Any]] = []
    f: list[Any] | None = frame
    while f is not None and f[_WORDS] is None:
        chain.append(f)
        f = f[_PARENT]
    words: tuple[str, ...] = f[_WORDS] if f is not None and f[_WORDS] is not None else ()
    for g in reversed(chain):
        attrs = g[_NODE].attributes
        cls, ident = (attrs.get("class"), attrs.get("id")) if attrs else (None, None)
        if cls or ident:
            key = (cls, ident, words)
            got = merges.get(key)
            if got is None:
                got = merges[key] = _merged_words(cls, ident, words)
            words = got
        g[_WORDS] = words
    return words


def _merged_words(cls: str | None, ident: str | None, words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of an element's class and id, then its ancestors' `words` not among them."""
    own: list[str] = []
    for value in (cls, ident):
        if value:
            for w in _words_of(value):
                if w not in own:
                    own.append(w)
    if not own:
        return words
    merged = own + [w for w in words if w not in own]
    return tuple(merged[:MAX_ATTR_WORDS])


@lru_cache(maxsize=1024)
def _xpath_step(tag: str) -> str:
    """The tag as an XPath name test; names that are not (``o:p`` from Word, ``a"b``) use name()."""
    if _NCNAME.match(tag):
        return tag
    if "'" not in tag:
        return f"*[name()='{tag}']"
    if '"' not in tag:
        return f'*[name()="{tag}"]'
    return "*"


def _paths(frame: list[Any]) -> tuple[str, str]:
    """(xpath, tag_path) of `frame`.

    Prefixes are memoised as described at `_MEMO_SHALLOW`; the work is linear in the number of
    frames walked and the memory stays proportional to the paths returned.
    """
    chain: list[list[Any]] = []
    f: list[Any] | None = frame
    while f is not None and f[_PATH] is None:
        chain.append(f)
        f = f[_PARENT]
    if f is not None and f[_PATH] is not None and f[_TPATH] is not None:
        path, tpath = f[_PATH], f[_TPATH]
    else:
        path, tpath = "", ""
    parent = frame[_PARENT]
    segs: list[str] = []
    tsegs: list[str] = []
    for g in reversed(chain):
        tag = g[_TAG]
        up = g[_PARENT]
        step = _xpath_step(tag)
        if up is not None and up[_COUNTS].get(tag, 1) > 1:
            segs.append(f"{step}[{g[_ORD]}]")
        else:
            segs.append(step)
        tsegs.append(tag)
        d = g[_DEPTH]
        if (
            d <= _MEMO_SHALLOW
            or g is frame
            or g is parent
            or (d % _MEMO_EVERY == 0 and d <= _MEMO_DEEPEST)
        ):
            path = path + "/" + "/".join(segs)
            tpath = (tpath + "/" if tpath else "") + "/".join(tsegs)
            segs.clear()
            tsegs.clear()
            g[_PATH] = path
            g[_TPATH] = tpath
    return path, tpath


def _depth_estimate(html: str) -> tuple[int, int, int]:
    """(peak, sum, count) of the running depth before and after each tag `_TAG_NAME` finds,
    each tag stepping it by `_DEPTH_STEP` (default +1 / -1), floored at zero. C-level loops;
    _fastsegment.depth_estimate is the same in one pass without the lists."""
    step = _DEPTH_STEP.get
    steps = [step(t, -1 if t[0] == "/" else 1) for t in _TAG_NAME.findall(html)]
    # the running depth, floored at zero, is prefix - running minimum of prefix
    prefix = list(accumulate(steps, initial=0))
    depths = list(map(sub, prefix, accumulate(prefix, min)))
    return max(depths), sum(depths), len(depths)


def _cap_depth(html: str, limit: int, budget: int) -> str:
    """Drop the start and end tags of elements nested deeper than `limit` (estimated), keeping text.

    The limit is lowered when the sum of the depths over all tags exceeds `budget`. Returns
    `html` itself when nothing is that deep (the common case: pages with fewer than `limit` tags
    are not even scanned). A dropped tag becomes one space, so words stay apart;
    the text of the dropped elements joins their nearest kept ancestor. The depth counts start
    minus end tags weighted by `_DEPTH_OF` (comments and raw-text elements skipped).
    """
    if (_FAST.count_char(html, "<") if _FAST is not None else html.count("<")) <= limit:
        return html
    # Quick estimate first (tags inside comments and scripts count too, so it is rough; the exact
    # pass below runs only when it says too deep or too costly).
    peak, total, count = (_FAST.depth_estimate if _FAST is not None else _depth_estimate)(html)
    if peak <= limit and total <= budget:
        return html
    limit = min(limit, max(16, budget // count))
    depth = 0
    # Elements opened past the limit and not closed yet: (name, were its tags dropped?). Elements
    # that hide their content keep their tags (dropping them would make hidden text visible).
    over: list[tuple[str, bool]] = []
    # (start, end, replacement) for each dropped tag.
    drops: list[tuple[int, int, str]] = []
    weight = _DEPTH_OF.get
    for m in _MARKUP.finditer(html):
        name = m.group(3)
        if name is None:
            continue
        name = name.lower()
        w = weight(name, 1)
        if not w:
            continue
        if m.group(2):  # end tag
            at = next((i for i in range(len(over) - 1, -1, -1) if over[i][0] == name), -1)
            if at < 0:  # closes an element below the limit, and everything above it
                over.clear()
                depth = max(0, depth - w)
                continue
            closed = over[at:]
            del over[at:]
            if closed[0][1]:  # its start tag was dropped: drop this one too, but still close
                # the kept (hiding) elements it would have closed.
                kept = "".join(f"</{n}>" for n, dropped in reversed(closed[1:]) if not dropped)
                drops.append((m.start(), m.end(), kept or " "))
        elif depth + w > limit:
            drop = name not in _KEEP_TAGS and not _HIDING_TAG.search(m.group(0))
            over.append((name, drop))
            if drop:
                # A block start tag closes an open <p>; keep that effect.
                drops.append((m.start(), m.end(), " </p> " if name in _CLOSES_P else " "))
        else:
            depth += w
    if not drops:
        return html
    parts: list[str] = []
    pos = 0
    for start, end, replacement in drops:
        parts.append(html[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


def _attribute_overflows(html: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of what to drop from each start tag with more than `limit` attributes: from
    its attribute number `limit` + 1 to the tag's ``>`` (or the end of the text).

    Tags are read as the HTML tokenizer reads them: a name runs to a space, ``/``, ``>`` or
    ``=`` (and may start with ``=``); a value follows ``=``, quoted (``>`` inside is text) or up
    to a space or ``>``; comments (``<!--`` to ``-->``, ``--!>`` or the abrupt ``<!-->``,
    ``<!--->``), other ``<!``/``<?`` markup and end tags are passed over, and so is the text of
    `_RAW_TEXT` elements, up to ``</`` and their name. The reference for
    _fastsegment.attribute_overflows, which does the same in C."""
    out: list[tuple[int, int]] = []
    n = len(html)
    sp = _HTML_SPACE
    i = html.find("<")
    while 0 <= i < n - 1:
        c = html[i + 1]
        if c == "!" and html.startswith("<!--", i):
            if html.startswith("<!-->", i) or html.startswith("<!--->", i):
                i = html.find("<", i + 4)
                continue
            close = _COMMENT_END.search(html, i + 4)
            i = html.find("<", close.end()) if close else -1
            continue
        if c in "!?/":
            end = html.find(">", i + 2)
            i = html.find("<", end + 1) if end >= 0 else -1
            continue
        if not ("a" <= c <= "z" or "A" <= c <= "Z"):
            i = html.find("<", i + 1)
            continue
        j = i + 2
        while j < n and html[j] not in sp and html[j] not in "/>":
            j += 1
        name = html[i + 1 : j].lower()
        count, cut = 0, -1
        while True:
            while j < n and (html[j] in sp or html[j] == "/"):
                j += 1
            if j >= n or html[j] == ">":
                break
            count += 1
            if count == limit + 1:
                cut = j
            j += 1
            while j < n and html[j] not in sp and html[j] not in "/>=":
                j += 1
            k = j
            while k < n and html[k] in sp:
                k += 1
            if k < n and html[k] == "=":
                k += 1
                while k < n and html[k] in sp:
                    k += 1
                if k < n and html[k] in "\"'":
                    q = html.find(html[k], k + 1)
                    j = n if q < 0 else q + 1
                else:
                    while k < n and html[k] not in sp and html[k] != ">":
                        k += 1
                    j = k
        if cut >= 0:
            out.append((cut, j))
        if j >= n:
            break
        i = j + 1
        if name in _RAW_TEXT:
            end_tag = re.compile("</" + name, re.I | re.A).search(html, i)
            i = end_tag.start() if end_tag else n
        i = html.find("<", i)
    return out


_COMMENT_END = re.compile("--!?>")


def _cap_attributes(html: str, limit: int = MAX_ATTRIBUTES) -> str:
    """`html` without the attributes past the first `limit` of any tag (the tags and the text
    stay); `html` itself when no tag has that many or the page is under
    `ATTRIBUTE_SCAN_CHARS` characters."""
    if len(html) < ATTRIBUTE_SCAN_CHARS:
        return html
    spans = (_FAST.attribute_overflows if _FAST is not None else _attribute_overflows)(
        html, limit
    )
    if not spans:
        return html
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(html[pos:start])
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


def segment_html(
    html: str, *, max_blocks: int = 5000, url: str | None = None, utf8: bytes | None = None
) -> tuple[Block, ...]:
    """Split decoded HTML into blocks of visible text, in document order (see the module doc).

    `url`, the page's address when known, names the page's site for `Block.link_kinds`.
    `utf8`, when given, must be ``html.encode("utf-8")`` (`decode.Decoded.utf8`): the parser
    then reads it instead of a new encoding of the text (~1M instructions a page)."""
    return _segment(html, max_blocks, _FAST, url, utf8)


def _segment(
    html: str, max_blocks: int, fast: Any, url: str | None = None, utf8: bytes | None = None
) -> tuple[Block, ...]:
    """`segment_html` with the walk of `fast` (the compiled module) or, if None, of Python."""
    if max_blocks < 1:  # as in segment_text: no cap
        max_blocks = sys.maxsize
    if not html or html.isspace():
        return ()
    capped = _cap_depth(_cap_attributes(html), MAX_DEPTH, DEPTH_BUDGET)
    if utf8 is not None and capped is html:
        data = utf8
    else:
        html = capped
        try:
            data = html.encode("utf-8")
        except UnicodeEncodeError:
            data = _SURROGATE.sub("\ufffd", html).encode("utf-8")
    tree = LexborHTMLParser(data)
    root = tree.root
    if root is None:
        return ()
    if fast is not None:
        # `tree` owns the nodes the compiled walk reads: it stays alive until the walk returns.
        # The walk finds the hidden elements (`_hides`) and collects the page's links itself
        # (no second pass for `_hidden_ids` or `link_kinds`).
        blocks: tuple[Block, ...] = fast.walk(
            root.mem_id, root.tag or "html", max_blocks,
            partial(href_flags, tree=tree, url=url, source=html),
        )
        return blocks
    return _walk(root, _hidden_ids(tree), max_blocks, link_kinds(tree, url, html))


def _walk(
    root: Any, hidden: set[int], max_blocks: int, kinds: dict[int, int]
) -> tuple[Block, ...]:
    """The walk in Python (the reference; _fastsegment.pyx mirrors it line for line).

    `kinds` holds the flags of the links that leave the site or go to an ad server
    (`links.link_kinds`); a block gets the flags of every link whose text it holds. (The compiled
    walk collects the links on its way instead and has `links.href_flags` flag them.)"""
    # Finished blocks: [text parts, container frame, link_chars, lines, link flags]
    blocks: list[list[Any]] = []

    # The current run.
    pieces: list[str] = []
    link_len = 0
    run_flags = 0
    has_text = False
    line_has_text = False
    lines_done = 0
    brs = 0

    def flush(container: list[Any]) -> None:
        nonlocal pieces, link_len, run_flags, has_text, line_has_text, lines_done, brs
        if has_text:
            text = " ".join("".join(pieces).split())
            lines = lines_done + (1 if line_has_text else 0)
            if len(blocks) < max_blocks:
                blocks.append([[text], container, min(link_len, len(text)), lines, run_flags])
            else:
                last = blocks[-1]
                last[0].append(text)
                last[2] += link_len
                last[3] += lines
                last[4] |= run_flags
            pieces = []
        elif pieces:
            pieces = []
        link_len = 0
        run_flags = 0
        has_text = line_has_text = False
        lines_done = 0
        brs = 0

    root_frame: list[Any] = [
        root.tag or "html",
        None,
        1,
        0,
        root,
        {},
        None,
        None,
        None,
    ]
    container = root_frame
    link_depth = 0
    link_flags = 0  # flags of the link being walked (links do not nest in parsed HTML)
    block_tags, skip_tags, spaced_tags = _BLOCK, _SKIP, _SPACED
    # Stack entries: (children iterator, frame, previous container or None, is_link, spaced).
    stack: list[tuple[Any, list[Any], list[Any] | None, bool, bool]] = [
        (root.iter(include_text=True), root_frame, None, False, False)
    ]
    while stack:
        it, frame, prev_container, is_link, spaced = stack[-1]
        for ch in it:
            tag = ch.tag
            if tag == "-text":
                s = ch.text_content
                if s:
                    if not s.isspace():
                        pieces.append(s)
                        has_text = line_has_text = True
                        brs = 0
                        if link_depth:
                            link_len += len(" ".join(s.split()))
                            run_flags |= link_flags
                    elif has_text:
                        pieces.append(s)
                continue
            if tag is None or tag[0] == "-":
                continue
            # Count every element child (even skipped ones) so positional indexes match the tree.
            counts = frame[5]  # _COUNTS
            n = counts[tag] = counts.get(tag, 0) + 1
            if tag in skip_tags:
                continue
            if hidden and ch.mem_id in hidden:
                continue
            if tag == "br":
                if line_has_text:
                    lines_done += 1
                    line_has_text = False
                    pieces.append("\n")
                    brs = 1
                elif brs:
                    brs += 1
                    if has_text:
                        flush(container)
                continue
            is_block = tag in block_tags
            is_spaced = not is_block and tag in spaced_tags
            if is_block:
                if has_text or pieces:
                    flush(container)
            elif is_spaced and has_text:
                pieces.append(" ")
            if ch.first_child is None:  # void or empty: opens and closes at once, holds no text
                continue
            child = [tag, frame, n, frame[3] + 1, ch, {}, None, None, None]
            is_a = tag == "a" and "href" in ch.attributes
            if is_a:
                link_depth += 1
                link_flags = kinds.get(ch.mem_id, 0) if kinds else 0
            if is_block:
                stack.append((ch.iter(include_text=True), child, container, is_a, False))
                container = child
            else:
                stack.append((ch.iter(include_text=True), child, None, is_a, is_spaced))
            break
        else:
            # `frame` is finished.
            stack.pop()
            if prev_container is not None:
                if has_text or pieces:
                    flush(container)
                container = prev_container
            if is_link:
                link_depth -= 1
                link_flags = 0
            if spaced and has_text:
                pieces.append(" ")
    flush(container)

    out: list[Block] = []
    merges: dict[tuple[Any, ...], tuple[str, ...]] = {}
    for i, (parts, cont, link_chars, lines, flags) in enumerate(blocks):
        text = parts[0] if len(parts) == 1 else " ".join(parts)
        xpath, tag_path = _paths(cont)
        out.append(
            Block(
                index=i,
                text=text,
                xpath=xpath,
                tag_path=tag_path,
                attr_words=_attr_words(cont, merges),
                link_chars=min(link_chars, len(text)),
                lines=max(1, lines),
                link_kinds=kinds_of_flags(flags),
            )
        )
    return tuple(out)


def _hides(tag: str, attrs: Mapping[str, str | None]) -> bool:
    """Whether an element is hidden by its attributes (``hidden``, inline style, a closed
    dialog); only the ``hidden``, ``style`` and ``open`` ones are read."""
    return (
        ("hidden" in attrs and (attrs["hidden"] or "").lower() != "until-found")
        or _HIDDEN_STYLE.search(attrs.get("style") or "") is not None
        or (tag == "dialog" and "open" not in attrs)
    )


def _hidden_ids(tree: LexborHTMLParser) -> set[int]:
    """Node ids of the elements `_hides` (the compiled walk asks it as it meets them)."""
    return {
        node.mem_id
        for node in tree.css("[hidden], [style], dialog")
        if _hides(node.tag or "", node.attributes)
    }


#: A page that takes every branch of the walk; the compiled walk must give the Python walk's
#: blocks on it before it is used.
_PROBE = (
    "<!DOCTYPE html><html><head><title>t</title></head><body class='homePage x-1'>"
    "<div id=mainContent><p>甲<a href=#>乙 丙</a>丁<br>戊<br><br>己</p><my-el>自定义</my-el>"
    "<o:p>Word</o:p><ul><li class=item>一<span>二</span><img>三</li><li>四</li></ul>"
    "<div hidden>藏</div><div hidden=until-found>找</div><span style='display:none'>无</span>"
    "<dialog>关</dialog><dialog open>开</dialog><script>x</script><!-- c -->"
    "<table><tr><td class>格</td><td>子</td></tr></table><math><mi>x</mi></math>"
    "<select><option>A</option><option>B</option></select>\ufffd</div>尾"
    "<p><a href='http://ad.example.org/c?1'>告</a>示<a href='//other.example.net/'>外</a></p>"
    "</body></html>"
)
_PROBE_URL = "http://www.example.com/probe.html"


#: selectolax releases whose Lexbor node layout the compiled walk was checked against (a newer
#: major release runs the Python walk until checked: the probe cannot catch every misread).
_CHECKED_SELECTOLAX = ("1.",)


def _load_fast() -> Any:
    """The compiled walk (`_fastsegment`), or None: not built, ``PAGESIEVE_PURE=1``, an
    unchecked selectolax, or its view of Lexbor's nodes disagrees with the Python walk on
    `_PROBE` (a selectolax whose Lexbor lays out its nodes differently)."""
    if pure_requested():
        return None
    try:
        import ctypes

        import selectolax.lexbor as lexbor_module

        from . import _fastsegment
        from .versions import installed_version

        if not installed_version("selectolax", "selectolax").startswith(_CHECKED_SELECTOLAX):
            return None
        lib = ctypes.CDLL(lexbor_module.__file__)

        def address(name: str) -> int:
            return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value or 0

        names = (
            "lxb_dom_element_qualified_name",
            "lxb_dom_element_first_attribute_noi",
            "lxb_dom_element_next_attribute_noi",
            "lxb_dom_attr_qualified_name",
            "lxb_dom_attr_value_noi",
        )
        element_name, first_attr, next_attr, attr_name, attr_value = map(address, names)
        if not all((element_name, first_attr, next_attr, attr_name, attr_value)):
            return None
        _fastsegment.init(
            element_name, first_attr, next_attr, attr_name, attr_value,
            _BLOCK, _SKIP, _SPACED, _merged_words, _xpath_step, Block, _DEPTH_STEP,
            kinds_of_flags, _hides,
        )
        if (_segment(_PROBE, 5000, _fastsegment, _PROBE_URL)
                != _segment(_PROBE, 5000, None, _PROBE_URL)):
            return None
    except (ImportError, OSError, AttributeError, TypeError, ValueError):  # PackageNotFoundError
        return None
    return _fastsegment


_FAST = _load_fast()
