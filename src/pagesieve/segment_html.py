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
  end the current run of text when they open and when they close. Each non-empty run is a block;
  its "element" (xpath, tag_path, attr_words) is the nearest block-level ancestor of the run.
  So ``<div>a<p>b</p>c</div>`` gives three blocks: ``a`` (div), ``b`` (p), ``c`` (div); an ``li``
  holding a title link, a ``p`` snippet and a date ``span`` gives the link (li), the snippet (p)
  and the date (li). Neighbour context in the model glues such pieces back together.
- Everything else (a, span, b, font, em, strong, small, code, label, time, custom elements, ...)
  is inline: its text joins the current run with no separator, the way a browser renders it.
  ``img``, ``input``, ``button``, ``option`` and ``optgroup`` add a space around themselves so
  words on either side do not fuse (a ``select`` is one block of its options, space-separated).
- ``<br>`` ends a line inside the block (a space in the text; ``lines`` counts the non-empty
  lines). Two or more ``<br>`` in a row, with only whitespace between them, end the block: Chinese
  pages often hold a whole article, or an article plus its "related" links, in one
  ``<div>text<br><br>text</div>``, and a paragraph is a better unit to label than the whole div.
  The pieces share the container's xpath.

*Text.* Each block's text is its runs' text nodes concatenated, then whitespace-normalised:
runs of ``str.isspace()`` characters (which includes U+3000 and U+00A0) become one space and the
ends are stripped. No other character is dropped or changed (entities are already decoded by the
parser; zero-width characters are kept). Attribute text (``img alt``, ``input value``,
``title=``) is not visible text and is not used.

*Skipped (not visible).* Comments; ``head`` and everything in it (``<title>`` is page metadata,
not a block); script, style, template, svg, iframe, object, embed, canvas, video, audio, noembed,
noframes, datalist, a ``title`` outside head, ``selectedcontent`` (a parser-made copy of the
selected option) and ``dialog`` without ``open``; any element with the ``hidden`` attribute
(except ``hidden="until-found"``, which is findable content) or an inline ``style`` holding
``display: none`` or ``visibility: hidden|collapse``, with its whole subtree. ``aria-hidden``
is *not* a reason to skip: it hides from screen readers only, the text is still on screen.
``noscript`` content is kept (Lexbor parses it as markup, as a browser without scripts
shows it; a noscript-only page still yields its text) and is a block container. ``math`` is kept.
A frameset page, an empty SPA shell, ``<html></html>`` and an empty string give zero blocks.

*Layout facts.* ``xpath`` is the absolute path of the block's element in the HTML5 tree in the
form lxml's ``getpath()`` gives (``/html/body/div[2]/ul/li[3]``: an index only where the parent
has more than one child element of that tag), so a browser's ``document.evaluate`` finds the
element (note HTML5 inserts ``tbody`` into tables). ``tag_path`` is the same without indexes
(``html/body/div/ul/li``). ``attr_words`` are lower-cased words from the ``class`` and ``id`` of
the element and its ancestors, nearest first, deduplicated, at most ``MAX_ATTR_WORDS``; values
are split on non-alphanumerics and camelCase (``mainContent`` -> main, content), digits and
one-letter words are dropped. ``link_chars`` counts the (whitespace-normalised) characters of the
block that sit inside ``<a>``. ``lines`` counts ``<br>``-separated non-empty lines.

*max_blocks.* Once ``max_blocks`` blocks exist, every later run is folded into the last block
(its text appended after a space, its ``link_chars`` and ``lines`` added), so nothing is lost;
the last block keeps its own xpath. Callers that want to record the hit compare
``len(blocks) == max_blocks``.

Lone surrogates in the input (not encodable as UTF-8) are replaced by U+FFFD before parsing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from .types import Block

__all__ = ["MAX_ATTR_WORDS", "segment_html"]

#: Cap on ``Block.attr_words``.
MAX_ATTR_WORDS = 24

_BLOCK = frozenset(
    """
    html body address article aside blockquote center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing
    main menu nav ol p plaintext pre search section summary table caption colgroup thead tbody
    tfoot tr td th ul xmp noscript select textarea marquee
    """.split()
)
_SKIP = frozenset(
    """
    head script style template svg iframe object embed canvas video audio noembed noframes
    datalist title selectedcontent frame param source track
    """.split()
)
#: Inline elements that put a space on either side of themselves.
_SPACED = frozenset("img input button option optgroup".split())

_TEXT_TAG = "-text"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_A-Za-z]+")
#: xpath / tag_path prefixes are memoised on every frame this shallow (short strings, shared by
#: most blocks of a page), on each block's element and its parent, and every `_MEMO_EVERY` levels
#: down to `_MEMO_DEEPEST` (so walks up a deep chain stay short while the stored prefixes stay
#: far from quadratic in the depth).
_MEMO_SHALLOW = 32
_MEMO_EVERY = 64
_MEMO_DEEPEST = 8192


class _Frame:
    """One open (or finished) element on the walk: enough to render its path and words later."""

    __slots__ = ("attrs", "counts", "depth", "ordinal", "parent", "path", "tag", "tpath", "words")

    def __init__(
        self,
        tag: str,
        parent: _Frame | None,
        ordinal: int,
        depth: int,
        attrs: tuple[str | None, str | None] | None,
    ) -> None:
        self.tag = tag
        self.parent = parent
        self.ordinal = ordinal
        self.depth = depth
        #: (class, id) of the element, or None when it has neither.
        self.attrs = attrs
        #: Element children seen so far, by tag (final once the element is closed).
        self.counts: dict[str, int] = {}
        self.path: str | None = None
        self.tpath: str | None = None
        self.words: tuple[str, ...] | None = None


@lru_cache(maxsize=8192)
def _words_of(value: str) -> tuple[str, ...]:
    out: list[str] = []
    for w in _WORD.findall(value):
        if len(w) > 1:
            lw = w.lower()
            if lw not in out:
                out.append(lw)
    return tuple(out)


def _attr_words(frame: _Frame) -> tuple[str, ...]:
    chain: list[_Frame] = []
    f: _Frame | None = frame
    while f is not None and f.words is None:
        chain.append(f)
        f = f.parent
    words: tuple[str, ...] = f.words if f is not None and f.words is not None else ()
    for g in reversed(chain):
        if g.attrs is not None:
            own: list[str] = []
            for value in g.attrs:
                if value:
                    for w in _words_of(value):
                        if w not in own:
                            own.append(w)
            if own:
                merged = own + [w for w in words if w not in own]
                words = tuple(merged[:MAX_ATTR_WORDS])
        g.words = words
    return words


def _paths(frame: _Frame) -> tuple[str, str]:
    """(xpath, tag_path) of `frame`.

    Prefixes are memoised as described at `_MEMO_SHALLOW`; the work is linear in the number of
    frames walked and the memory stays proportional to the paths returned.
    """
    chain: list[_Frame] = []
    f: _Frame | None = frame
    while f is not None and f.path is None:
        chain.append(f)
        f = f.parent
    if f is not None and f.path is not None and f.tpath is not None:
        path, tpath = f.path, f.tpath
    else:
        path, tpath = "", ""
    parent = frame.parent
    segs: list[str] = []
    tsegs: list[str] = []
    for g in reversed(chain):
        tag = g.tag
        up = g.parent
        if up is not None and up.counts.get(tag, 1) > 1:
            segs.append(f"{tag}[{g.ordinal}]")
        else:
            segs.append(tag)
        tsegs.append(tag)
        d = g.depth
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
            g.path, g.tpath = path, tpath
    return path, tpath


def segment_html(html: str, *, max_blocks: int = 5000) -> tuple[Block, ...]:
    """Split decoded HTML into blocks of visible text, in document order (see the module doc)."""
    if max_blocks < 1:
        raise ValueError(f"max_blocks must be at least 1, got {max_blocks}")
    if not html or html.isspace():
        return ()
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        data = _SURROGATE.sub("\ufffd", html).encode("utf-8")
    tree = LexborHTMLParser(data)
    root = tree.root
    if root is None:
        return ()

    # Finished blocks: [text parts, container frame, link_chars, lines]
    blocks: list[list[Any]] = []

    # The current run.
    pieces: list[str] = []
    link_len = 0
    has_text = False
    line_has_text = False
    lines_done = 0
    brs = 0

    def flush(container: _Frame) -> None:
        nonlocal pieces, link_len, has_text, line_has_text, lines_done, brs
        if has_text:
            text = " ".join("".join(pieces).split())
            lines = lines_done + (1 if line_has_text else 0)
            if len(blocks) < max_blocks:
                blocks.append([[text], container, min(link_len, len(text)), lines])
            else:
                last = blocks[-1]
                last[0].append(text)
                last[2] += link_len
                last[3] += lines
            pieces = []
        elif pieces:
            pieces = []
        link_len = 0
        has_text = line_has_text = False
        lines_done = 0
        brs = 0

    root_frame = _Frame(root.tag or "html", None, 1, 0, _class_id(root.attributes))
    container = root_frame
    link_depth = 0
    block_tags, skip_tags, spaced_tags = _BLOCK, _SKIP, _SPACED
    hidden_style = _HIDDEN_STYLE.search
    # Stack entries: (children iterator, frame, previous container or None, is_link, spaced).
    stack: list[tuple[Any, _Frame, _Frame | None, bool, bool]] = [
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
                    elif has_text:
                        pieces.append(s)
                continue
            if tag is None or tag[0] == "-":
                continue
            # Count every element child (even skipped ones) so positional indexes match the tree.
            counts = frame.counts
            n = counts[tag] = counts.get(tag, 0) + 1
            if tag in skip_tags:
                continue
            attrs = ch.attributes
            ci = None
            if attrs:
                if "hidden" in attrs and (attrs["hidden"] or "").lower() != "until-found":
                    continue
                style = attrs.get("style")
                if style and hidden_style(style):
                    continue
                if tag == "dialog" and "open" not in attrs:
                    continue
                cls = attrs.get("class")
                ident = attrs.get("id")
                if cls or ident:
                    ci = (cls, ident)
            elif tag == "dialog":
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
            child = _Frame(tag, frame, n, frame.depth + 1, ci)
            is_a = tag == "a"
            if is_a:
                link_depth += 1
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
            if spaced and has_text:
                pieces.append(" ")
    flush(container)

    out: list[Block] = []
    for i, (parts, cont, link_chars, lines) in enumerate(blocks):
        text = parts[0] if len(parts) == 1 else " ".join(parts)
        xpath, tag_path = _paths(cont)
        out.append(
            Block(
                index=i,
                text=text,
                xpath=xpath,
                tag_path=tag_path,
                attr_words=_attr_words(cont),
                link_chars=min(link_chars, len(text)),
                lines=max(1, lines),
            )
        )
    return tuple(out)


def _class_id(attrs: dict[str, str | None]) -> tuple[str | None, str | None] | None:
    if not attrs:
        return None
    cls = attrs.get("class")
    ident = attrs.get("id")
    if not cls and not ident:
        return None
    return (cls, ident)
