"""_fastregion: the compiled region features are exactly the numpy ones (region._region_matrix),
bit for bit, on random trees, deep and long xpaths, our synthetic pages and every shared page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from conftest import LONG_AND_DEEP_XPATHS, compiled_or_skip, shared_files, xpath_pages
from pagesieve import region
from pagesieve.read import read_page
from pagesieve.types import Block, Page
from test_segment_html import _SHARED_PAGES, SYNTHETIC


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        region._FAST, "region features",
        "pagesieve/_fastregion is not built; `make install` (pip install -e .) builds it",
    )


def _p1_variants(n: int, seed: int) -> list[np.ndarray]:
    """First-pass scores of several shapes: smooth, peaked, one label everywhere, no comment
    mass at all (the comment region off), and exact zeros (nodes without mass)."""
    rng = np.random.default_rng(seed)
    smooth = rng.dirichlet(np.ones(5), size=n)
    peaked = smooth ** 4
    flat = np.zeros((n, 5))
    flat[:, 0] = 1.0
    no_comment = smooth.copy()
    no_comment[:, 1] = 0.0
    zeros = np.zeros((n, 5))
    zeros[::3, 2] = 1.0
    return [smooth, peaked, flat, no_comment, zeros]


def assert_same(xpaths: list[str], sizes: list[int], fast: Any, seed: int = 0) -> None:
    want_depths = region.split_depths(xpaths)
    got_depths = fast.split_depths(xpaths)
    for g, w in zip(got_depths, want_depths, strict=True):
        assert np.array_equal(g, w)
    weights = np.array([max(1, s) for s in sizes], dtype=float)
    for p1 in _p1_variants(len(xpaths), seed):
        want = region._region_matrix(p1, xpaths, weights)
        got = fast.region_features(xpaths, np.ascontiguousarray(p1), weights, region._LAMBDA,
                                   region._MIN_BLOCKS, region._MAX_STEPS)
        assert got.shape == want.shape
        # the same bits, not merely close: the revision pass must not depend on the build
        assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), np.argwhere(got != want)


def test_region_matrix_takes_the_compiled_path_and_the_reference_is_the_same(fast: Any) -> None:
    xp = [f"/html/body/div[{i % 3}]/p[{i}]" for i in range(12)]
    page = Page(text="", kind="html", encoding="utf-8", blocks=tuple(
        Block(i, "文本" * (i + 1), xpath=x, tag_path="p") for i, x in enumerate(xp)))
    p1 = np.random.default_rng(1).dirichlet(np.ones(5), size=12)
    sizes = np.array([len(b.text) for b in page.blocks], dtype=float)
    assert np.array_equal(region.region_matrix(p1, page, sizes),
                          region._region_matrix(p1, xp, sizes))


@settings(max_examples=300, deadline=None)
@given(xpath_pages())
def test_random_trees(page: tuple[list[str], list[int]]) -> None:
    if region._FAST is None:
        pytest.skip("compiled region features not available")
    xpaths, sizes = page
    assert_same(xpaths, sizes, region._FAST, seed=len(xpaths))


def test_long_and_deep_xpaths_and_pages_without_steps(fast: Any) -> None:
    assert_same(LONG_AND_DEEP_XPATHS, [5] * len(LONG_AND_DEEP_XPATHS), fast)
    # xpaths without a step: no tree to read, in both
    assert_same(["p", "q", "p"], [3, 4, 5], fast)
    flat = region._region_matrix(np.full((3, 5), 0.2), ["p", "q", "p"], np.ones(3))
    assert np.all(flat[:, -1] == 1.0) and np.all(flat[:, :-1] == 0.0)


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
def test_synthetic_pages(html: str, fast: Any) -> None:
    page = read_page(html, kind="html")
    if page.blocks:
        assert_same([b.xpath for b in page.blocks], [len(b.text) for b in page.blocks], fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    for f in shared_files(shared_data, pattern):
        page = read_page(f.read_bytes())
        if page.blocks and page.kind == "html":
            assert_same([b.xpath for b in page.blocks], [len(b.text) for b in page.blocks],
                        fast, seed=len(page.blocks))
