"""Where a block sits in the page's tree, read from pass-1 probabilities (readability's idea).

Readability finds the one element that holds most of the article and keeps what is inside it.
Here that is a feature rather than the verdict: every ancestor element (an xpath prefix) is
scored by the content mass (characters x p(content)) below it minus the mass of everything
else, the best one is the *main container*, and each block learns whether it is inside it,
before or after it, and how far up the tree the two meet. A *comment region* is found the same
way from p(comment). The label mix of the block's nearest ancestor holding a few other blocks
tells a card in a teaser box from a paragraph in an article even where tag paths differ.

Blocks come in document order, so the blocks under any element are one contiguous run; each
ancestor is an index interval, found from the common xpath prefix of neighbouring blocks, and
its mass is a difference of cumulative sums. Text pages (no xpath) get neutral zeros and a flag.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .native import compiled_part
from .types import Page

__all__ = ["REGION_FEATURE_NAMES", "region_matrix", "split_depths"]

_LABELS = ("content", "comment", "related", "ad", "boilerplate")
#: An ancestor is "meaningful" when it holds this many blocks (the block included).
_MIN_BLOCKS = 4
#: Depth differences are read in steps up to this, then capped.
_MAX_STEPS = 8.0
_SLASH = ord("/")
_MAX_CHARS = 1024
_MAX_DEPTH = 64
#: A container's score is its content mass less this share of everything else under it. Held
#: out by site, 1 (readability-strict) picked too small a container where pass 1 is unsure of
#: real content (articles lost 1.1 points of ROUGE-1); 0.2 keeps doubtful neighbours inside.
_LAMBDA = 0.2

REGION_FEATURE_NAMES: list[str] = [
    *(f"ancestor:{lab}" for lab in _LABELS),
    "ancestor:blocks",
    "main:inside",
    "main:before",
    "main:after",
    "main:steps",
    "main:reach",
    "main:share",
    "main:purity",
    "main:coverage",
    "comments:inside",
    "comments:purity",
    "tree:none",
]


def split_depths(xpaths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each block's depth in steps and its common-prefix depth with the block before it.

    Vectorised over characters: the xpaths (each closed by a '/') are rows of a byte matrix; the
    common prefix of two neighbours ends at their first differing byte, and the whole steps in
    it are the slashes before that byte (``div[1]`` and ``div[10]`` part at the digit, after
    the last whole step).
    """
    # Deep nesting is cut (a hostile page must not blow up the byte matrix): only the first
    # _MAX_CHARS characters, at a step boundary, and the first _MAX_DEPTH steps count.
    xpaths = [x if len(x) <= _MAX_CHARS else x[: x.rfind("/", 0, _MAX_CHARS)] for x in xpaths]
    n = len(xpaths)
    lens = np.fromiter(map(len, xpaths), dtype=np.int64, count=n) + 1
    buf = np.frombuffer("/".join(xpaths).encode("ascii", "replace") + b"/", dtype=np.uint8)
    width = int(lens.max()) + 1
    rows = np.zeros((n, width), dtype=np.uint8)
    rows[np.arange(width)[None, :] < lens[:, None]] = buf
    slashes = np.cumsum(rows == _SLASH, axis=1, dtype=np.int16)
    depth = slashes[:, -1].astype(np.int64) - 1
    lcp = np.zeros(n, dtype=np.int64)
    if n > 1:
        first = np.argmax(rows[1:] != rows[:-1], axis=1)  # 0 only for identical rows
        same = first == 0
        lcp[1:] = np.where(same, depth[1:], slashes[np.arange(1, n), first - 1] - 1)
    return np.minimum(depth, _MAX_DEPTH), np.minimum(lcp, _MAX_DEPTH)


def _label_sums(a: np.ndarray) -> np.ndarray:
    """Sums over the last (label) axis, added left to right: an order the compiled twin can
    repeat exactly (numpy's own order for a few columns is its implementation's choice)."""
    out = a[..., 0].copy()
    for c in range(1, a.shape[-1]):
        out += a[..., c]
    return out


def region_matrix(p1: np.ndarray, page: Page, sizes: np.ndarray) -> np.ndarray:
    """Region features per block (see `REGION_FEATURE_NAMES`), all in [0, 1]."""
    n, k = p1.shape
    out = np.zeros((n, len(REGION_FEATURE_NAMES)))
    if n == 0:
        return out
    xpaths = [b.xpath for b in page.blocks]
    if page.kind != "html" or None in xpaths:
        out[:, -1] = 1.0
        return out
    if _FAST is not None and p1.dtype == np.float64 and k == len(_LABELS):
        got: np.ndarray = _FAST.region_features(
            xpaths, np.ascontiguousarray(p1), np.ascontiguousarray(sizes, dtype=np.float64),
            _LAMBDA, _MIN_BLOCKS, _MAX_STEPS)
        return got
    return _region_matrix(p1, xpaths, sizes)  # type: ignore[arg-type]


def _region_matrix(p1: np.ndarray, xpaths: list[str], sizes: np.ndarray) -> np.ndarray:
    """`region_matrix` of an HTML page in numpy, the reference (_fastregion.pyx mirrors it)."""
    n, k = p1.shape
    out = np.zeros((n, len(REGION_FEATURE_NAMES)))
    depth, lcp = split_depths(xpaths)
    dmax = int(depth.max())
    if dmax == 0:  # no step in any xpath: no tree to read
        out[:, -1] = 1.0
        return out
    levels = np.arange(1, dmax + 1)
    idx = np.arange(n)
    # Node of block i at depth d = the interval [lo, hi) of blocks sharing its first d steps.
    starts = lcp[:, None] < levels[None, :]  # block i opens a new node at depth d
    lo = np.maximum.accumulate(np.where(starts, idx[:, None], 0), axis=0)
    ends = np.vstack([starts[1:], np.ones((1, dmax), dtype=bool)])
    hi = np.minimum.accumulate(np.where(ends, idx[:, None] + 1, n)[::-1], axis=0)[::-1]
    valid = levels[None, :] <= depth[:, None]
    mass = p1 * sizes[:, None]
    csum = np.vstack([np.zeros((1, k)), np.cumsum(mass, axis=0)])
    node = csum[hi] - csum[lo]  # (n, dmax, k)
    total = _label_sums(node)
    count = hi - lo
    page_mass = csum[-1]
    page_total = float(_label_sums(page_mass)) or 1.0

    # Nearest meaningful ancestor: the deepest node with enough blocks; its mix without the block.
    ok = valid & (count >= min(_MIN_BLOCKS, n))
    d_anc = np.where(ok.any(axis=1), dmax - 1 - np.argmax(ok[:, ::-1], axis=1), 0)
    anc = node[idx, d_anc] - mass
    anc_total = _label_sums(anc)[:, None]
    out[:, :k] = np.where(anc_total > 0, anc / np.maximum(anc_total, 1e-9), 0.0)
    # the C library's log1p, as the compiled twin takes it (numpy's can differ in the last bit)
    out[:, k] = np.array([math.log1p(c - 1) for c in count[idx, d_anc].tolist()]) / 6.0

    def best(col: int) -> tuple[int, int, int, float]:
        """(lo, hi, depth index) of the node with the most `col` mass net of the rest."""
        score = (1 + _LAMBDA) * node[:, :, col] - _LAMBDA * total + 1e-6 * levels[None, :]
        score = np.where(valid, score, -np.inf)
        i, d = np.unravel_index(int(np.argmax(score)), score.shape)
        t = float(total[i, d])
        return int(lo[i, d]), int(hi[i, d]), int(d), float(node[i, d, col]) / t if t else 0.0

    m_lo, m_hi, m_d, purity = best(0)
    inside = (idx >= m_lo) & (idx < m_hi)
    out[:, k + 1] = inside
    out[:, k + 2] = idx < m_lo
    out[:, k + 3] = idx >= m_hi
    # Steps between the block and the container: down from it inside, up to the meeting point
    # outside (a sidebar three levels up from the article is farther than its next sibling).
    meet = ((lo <= m_lo) & (m_lo < hi) & valid)[:, : m_d + 1].sum(axis=1)
    steps = np.where(inside, depth - (m_d + 1), (m_d + 1) - meet)
    out[:, k + 4] = np.minimum(steps, _MAX_STEPS) / _MAX_STEPS
    # How much of the best container's net content the block's best ancestor keeps: 1 inside
    # it, a little less for a table beside the article's paragraphs, ~0 for a far sidebar.
    net = np.where(valid, (1 + _LAMBDA) * node[:, :, 0] - _LAMBDA * total, -np.inf).max(axis=1)
    top = float((1 + _LAMBDA) * node[m_lo, m_d, 0] - _LAMBDA * total[m_lo, m_d])
    out[:, k + 5] = np.clip(net / top, 0.0, 1.0) if top > 0 else 0.0
    main_total = float(total[m_lo, m_d]) or 1.0
    out[:, k + 6] = np.where(inside, _label_sums(mass) / main_total, 0.0)
    out[:, k + 7] = purity
    out[:, k + 8] = float(node[m_lo, m_d, 0]) / float(page_mass[0]) if page_mass[0] > 0 else 0.0
    c_lo, c_hi, _, c_purity = best(1)
    if page_mass[1] / page_total > 0.01:
        out[:, k + 9] = (idx >= c_lo) & (idx < c_hi)
        out[:, k + 10] = c_purity
    return out


#: The compiled `region_matrix` of HTML pages when built, else None (`_region_matrix`).
_FAST: Any = compiled_part("_fastregion")
