"""Stage 4b — the neighbour-aware revision pass (jusText's second pass, learned).

The first pass labels each block on its own words and layout. This pass re-reads those
probabilities in context: a short date line between two teaser cards is a teaser too; a block
whose list siblings are all teasers is a teaser; the page's overall mix tells a thread from an
article; and (region.py) a block inside the page's main container reads differently from one in
the sidebar. It is a second linear model over the features built here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .cards import CARD_FEATURE_NAMES, card_matrix
from .native import compiled_part
from .region import REGION_FEATURE_NAMES, region_matrix
from .types import Page

__all__ = ["CONTEXT_FEATURE_NAMES", "context_feature_names", "context_matrix"]

_OFFSETS = (-2, -1, 1, 2)
_EPS = 1e-3
_LOG_SCALE = -np.log(_EPS)  # the log columns' divisor: log(p + eps) reads ~[-1, 0]


def _names(n_labels: int, labels: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for part in ("self", "prev2", "prev1", "next1", "next2", "window", "siblings", "run", "page"):
        names.extend(f"{part}:{lab}" for lab in labels[:n_labels])
    names.extend(f"log_self:{lab}" for lab in labels[:n_labels])
    names.extend(["edge:prev", "edge:next", "size", "siblings:n"])
    return names


_BASE_NAMES = _names(5, ("content", "comment", "related", "ad", "boilerplate"))
_REGION_NAMES = [f"region:{name}" for name in REGION_FEATURE_NAMES]

#: Every context column, in order, with the card and region parts on (a model's columns are
#: `context_feature_names`: without the region part, a prefix of these).
CONTEXT_FEATURE_NAMES = [*_BASE_NAMES, *CARD_FEATURE_NAMES, *_REGION_NAMES]


def context_feature_names(*, region: bool = False, cards: bool = False) -> list[str]:
    """The columns `context_matrix` gives with these parts on, in order."""
    return [*_BASE_NAMES, *(CARD_FEATURE_NAMES if cards else ()),
            *(_REGION_NAMES if region else ())]


def context_matrix(
    p1: np.ndarray, page: Page, *, window: int = 5, region: bool = False, cards: bool = False
) -> np.ndarray:
    """Features for the revision pass: own, neighbour, window, sibling and page probabilities;
    with `region`, also where the block sits in the page's tree (region.py); with `cards`, the
    scores of its card mates (cards.py). Columns: `context_feature_names`."""
    n, k = p1.shape
    width = len(context_feature_names(region=region, cards=cards))
    if n == 0:
        return np.zeros((0, width))
    sizes = np.array([max(1, len(b.text)) for b in page.blocks], dtype=float)
    if _FAST is not None and p1.dtype == np.float64:
        ctx = _FAST.context_features(
            np.ascontiguousarray(p1), page.blocks, sizes, window, _EPS, _LOG_SCALE)
        if not (region or cards):
            return ctx
        return np.hstack([ctx, *_tree_parts(p1, page, sizes, region=region, cards=cards)])
    padded = np.vstack([np.zeros((2, k)), p1, np.zeros((2, k))])
    neigh = [padded[2 + off : 2 + off + n] for off in _OFFSETS]
    csum = np.vstack([np.zeros((1, k)), np.cumsum(p1, axis=0)])
    idx = np.arange(n)
    lo = np.clip(idx - window, 0, n)
    hi = np.clip(idx + window + 1, 0, n)
    win = (csum[hi] - csum[lo] - p1) / np.maximum(1, (hi - lo - 1))[:, None]
    if _FAST is not None:
        sib, sib_n, run = _FAST.group_features(
            np.ascontiguousarray(p1, dtype=np.float64), [b.tag_path for b in page.blocks])
    else:
        sib, sib_n, run = _group_features(p1, page)
    weights = sizes / sizes.sum()
    page_mix = np.broadcast_to((p1 * weights[:, None]).sum(axis=0), (n, k))
    edges = np.zeros((n, 2))
    edges[0, 0] = 1.0
    edges[-1, 1] = 1.0
    size = np.log1p(sizes)[:, None] / 8.0  # ~[0, 1] for blocks up to ~3,000 characters
    parts = [
        p1,
        *neigh,
        win,
        sib,
        run,
        page_mix,
        np.log(p1 + _EPS) / _LOG_SCALE,
        edges,
        size,
        sib_n[:, None],
    ]
    return np.hstack([*parts, *_tree_parts(p1, page, sizes, region=region, cards=cards)])


def _tree_parts(p1: np.ndarray, page: Page, sizes: np.ndarray, *, region: bool, cards: bool
                ) -> list[np.ndarray]:
    """The columns read off the page's tree, after the others: cards, then region."""
    parts = []
    if cards:
        parts.append(card_matrix(p1, page, sizes))
    if region:
        parts.append(region_matrix(p1, page, sizes))
    return parts


def _group_features(p1: np.ndarray, page: Page) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sib, sib_n, run) in Python, the reference (_fastrevise.pyx mirrors it)."""
    n = len(p1)
    # Blocks that share a tag path (list items, table cells) are read as a group.
    groups: dict[str, list[int]] = {}
    for i, b in enumerate(page.blocks):
        groups.setdefault(b.tag_path, []).append(i)
    sib = np.zeros_like(p1)
    sib_n = np.zeros(n)
    for members in groups.values():
        if len(members) > 1:
            m = np.array(members)
            total = p1[m].sum(axis=0)
            sib[m] = (total - p1[m]) / (len(members) - 1)
            # math.log1p is the C library's, as in _fastrevise: numpy's own (SIMD on AVX-512
            # machines) can differ from it in the last bit
            sib_n[m] = math.log1p(len(members) - 1) / 5.0
    # The contiguous run of blocks with the block's tag path: one list, as a reader sees it
    # (a teaser list and the comment list below it are two runs, even with the same path).
    run = np.zeros_like(p1)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and page.blocks[j + 1].tag_path == page.blocks[i].tag_path:
            j += 1
        if j > i:
            total = p1[i : j + 1].sum(axis=0)
            run[i : j + 1] = (total - p1[i : j + 1]) / (j - i)
        i = j + 1
    return sib, sib_n, run


#: The compiled loops when built, else None (`_group_features`).
_FAST: Any = compiled_part("_fastrevise")
