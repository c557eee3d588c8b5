"""_fastcards: the compiled card spans are exactly the Python ones (cards._card_spans)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from conftest import LONG_AND_DEEP_XPATHS, compiled_or_skip, shared_files, xpath_pages
from pagesieve import cards
from pagesieve.read import read_page
from test_segment_html import _SHARED_PAGES, SYNTHETIC


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        cards._FAST, "card spans",
        "pagesieve/_fastcards is not built; `make install` (pip install -e .) builds it",
    )


def assert_same(xpaths: list[str], sizes: list[int], fast: Any, seed: int = 0) -> None:
    want = cards._card_spans(xpaths, sizes)
    got = fast.card_spans(xpaths, sizes, cards.MAX_BLOCKS, cards.MAX_CHARS, cards._PAGE_STEPS)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)
    # and the columns from them: the same bits as numpy's cumulative sums give
    p1 = np.random.default_rng(seed).dirichlet(np.ones(5), size=len(xpaths)) ** 3
    weights = np.array([max(1, s) for s in sizes], dtype=float)
    ref = cards._card_matrix(p1, *want, weights)
    assert np.array_equal(fast.card_features(p1, *want, weights), ref)


@settings(max_examples=300, deadline=None)
@given(xpath_pages(min_size=2))
def test_random_xpaths(page: tuple[list[str], list[int]]) -> None:
    if cards._FAST is None:
        pytest.skip("compiled card spans not available")
    xpaths, sizes = page
    assert_same(xpaths, sizes, cards._FAST, seed=len(xpaths))


def test_long_and_deep_xpaths(fast: Any) -> None:
    assert_same(LONG_AND_DEEP_XPATHS, [5] * len(LONG_AND_DEEP_XPATHS), fast)


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
def test_synthetic_pages(html: str, fast: Any) -> None:
    page = read_page(html, kind="html")
    if len(page.blocks) > 1:
        assert_same([b.xpath for b in page.blocks], [len(b.text) for b in page.blocks], fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    for f in shared_files(shared_data, pattern):
        page = read_page(f.read_bytes())
        if len(page.blocks) > 1:
            assert_same([b.xpath for b in page.blocks], [len(b.text) for b in page.blocks],
                        fast)
