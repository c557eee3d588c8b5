"""Which blocks make one card, read from the tree: the label mix of a block's card mates.

labels.md: "A teaser card (title, snippet, date, count) is one block; all of its lines share the
card's label." An HTML card is split into several blocks by its elements (a title link, a
snippet paragraph, a date and a count span; a comment's user line and its text), and a piece
without words of its own (the date of an advert's card, the user line of a spam comment) reads
like the same piece of any other card. The revision pass (revise.py) reads, for each block, the
first-pass probabilities of the other blocks of its card, weighted by their length, so the
card's text can carry its pieces.

A block's *card* is the smallest element holding it and at least one neighbouring block (the
deeper of the block's common xpath prefixes with the blocks before and after it), if that
element is small: at most `MAX_BLOCKS` blocks and `MAX_CHARS` characters, below ``<body>``.
Blocks under one element are contiguous in document order, so a card is a run of neighbours.

A text page keeps a card's lines in one block when they are indented under its bullet
(segment_text.py); where they are not (every line a paragraph of its own), a card is a bullet
block and the blocks after it up to the next bullet, within a list of bullets, and the list's
last card is as long as the one before it (cards of one list have one shape).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .native import compiled_part
from .region import split_depths
from .segment_text import is_bullet
from .types import Page

__all__ = ["CARD_FEATURE_NAMES", "MAX_BLOCKS", "MAX_CHARS", "card_matrix", "card_spans"]

_LABELS = ("content", "comment", "related", "ad", "boilerplate")
#: A card holds at most this many blocks and characters (a teaser card: title, snippet, date,
#: count; a comment: user line, text, reply and like buttons). Larger elements are sections.
MAX_BLOCKS = 6
MAX_CHARS = 500
#: Steps every block shares (``html``, ``body``): an element that high is the page, not a card.
_PAGE_STEPS = 2

CARD_FEATURE_NAMES: list[str] = [*(f"card:{lab}" for lab in _LABELS), "card:in"]


def card_spans(page: Page) -> tuple[np.ndarray, np.ndarray]:
    """Each block's card as a half-open range of block indices (`lo`, `hi`), -1 in both where it
    has none (no small element holds it with a neighbour, or a text page)."""
    blocks = page.blocks
    n = len(blocks)
    xpaths = [b.xpath for b in blocks]
    if n < 2:
        return np.full(n, -1, dtype=np.intp), np.full(n, -1, dtype=np.intp)
    sizes = [len(b.text) for b in blocks]
    if page.kind != "html" or None in xpaths:
        return _text_card_spans([is_bullet(b.text) for b in blocks], sizes)
    if _FAST is not None:
        lo_hi: tuple[np.ndarray, np.ndarray] = _FAST.card_spans(
            xpaths, sizes, MAX_BLOCKS, MAX_CHARS, _PAGE_STEPS)
        return lo_hi
    return _card_spans(xpaths, sizes)  # type: ignore[arg-type]


def _card_spans(xpaths: list[str], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """`card_spans` in Python, the reference (_fastcards.pyx mirrors it)."""
    n = len(xpaths)
    lo_out = np.full(n, -1, dtype=np.intp)
    hi_out = np.full(n, -1, dtype=np.intp)
    _, lcp = split_depths(xpaths)
    shared = lcp.tolist()  # steps block i shares with block i - 1 (0 for the first)
    shared.append(0)
    for i in range(n):
        depth = max(shared[i], shared[i + 1])
        if depth <= _PAGE_STEPS:
            continue
        lo = i
        while lo > 0 and shared[lo] >= depth and i - lo < MAX_BLOCKS:
            lo -= 1
        hi = i + 1
        while hi < n and shared[hi] >= depth and hi - lo <= MAX_BLOCKS:
            hi += 1
        small = (hi - lo <= MAX_BLOCKS and (lo == 0 or shared[lo] < depth)
                 and (hi == n or shared[hi] < depth) and sum(sizes[lo:hi]) <= MAX_CHARS)
        if small:
            lo_out[i], hi_out[i] = lo, hi
    return lo_out, hi_out


def _text_card_spans(bullets: list[bool], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """`card_spans` of a text page, from which blocks open with a bullet."""
    n = len(bullets)
    lo_out = np.full(n, -1, dtype=np.intp)
    hi_out = np.full(n, -1, dtype=np.intp)
    starts = [i for i, b in enumerate(bullets) if b]
    spans: list[tuple[int, int]] = []
    for k, a in enumerate(starts):
        nxt = starts[k + 1] if k + 1 < len(starts) else None
        if nxt is not None and nxt - a <= MAX_BLOCKS:
            spans.append((a, nxt))
        elif spans and spans[-1][1] == a:  # the list's last card: the shape of the one before
            b = a + (spans[-1][1] - spans[-1][0])
            if b <= n and (nxt is None or b <= nxt):
                spans.append((a, b))
    for a, b in spans:
        if b - a > 1 and sum(sizes[a:b]) <= MAX_CHARS:
            lo_out[a:b], hi_out[a:b] = a, b
    return lo_out, hi_out


def card_matrix(p1: np.ndarray, page: Page, sizes: np.ndarray) -> np.ndarray:
    """`CARD_FEATURE_NAMES` per block: the length-weighted mean first-pass probabilities of the
    other blocks of its card, and whether it has one (zeros where it has none)."""
    k = p1.shape[1]
    lo, hi = card_spans(page)
    if _FAST is not None and p1.dtype == np.float64 and k + 1 == len(CARD_FEATURE_NAMES):
        got: np.ndarray = _FAST.card_features(
            np.ascontiguousarray(p1), lo, hi, np.ascontiguousarray(sizes, dtype=np.float64))
        return got
    return _card_matrix(p1, lo, hi, sizes)


def _card_matrix(p1: np.ndarray, lo: np.ndarray, hi: np.ndarray, sizes: np.ndarray
                 ) -> np.ndarray:
    """`card_matrix` from the spans in numpy, the reference (_fastcards mirrors its sums)."""
    n, k = p1.shape
    out = np.zeros((n, len(CARD_FEATURE_NAMES)))
    at = np.flatnonzero(lo >= 0)
    if len(at) == 0:
        return out
    lo, hi = lo[at], hi[at]
    mass = p1 * sizes[:, None]
    csum = np.vstack([np.zeros((1, k)), np.cumsum(mass, axis=0)])
    wsum = np.concatenate([[0.0], np.cumsum(sizes)])
    others = wsum[hi] - wsum[lo] - sizes[at]  # > 0: every block has a size of at least 1
    out[at, :k] = (csum[hi] - csum[lo] - mass[at]) / others[:, None]
    out[at, k] = 1.0
    return out


#: The compiled `card_spans` and `card_matrix` columns when built, else None (`_card_spans`,
#: `_card_matrix`).
_FAST: Any = compiled_part("_fastcards")
