"""_fastrevise: the compiled context matrix and its sibling/run loops give exactly the Python
revision features (the same bits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip, shared_files
from pagesieve import revise
from pagesieve.model import load_model
from pagesieve.read import read_page
from pagesieve.types import Block, Page
from test_segment_html import _SHARED_PAGES, SYNTHETIC

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        revise._FAST, "revision loops",
        "pagesieve/_fastrevise is not built; `make install` (pip install -e .) builds it",
    )


def assert_same(p1: np.ndarray, page: Page, fast: Any) -> None:
    want = revise._group_features(p1, page)
    got = fast.group_features(np.ascontiguousarray(p1), [b.tag_path for b in page.blocks])
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        assert np.array_equal(g, w)  # the same bits, not merely close
    assert_same_context(p1, page)


def _python_context(p1: np.ndarray, page: Page, **kw: Any) -> np.ndarray:
    """`revise.context_matrix` in numpy and Python alone, the reference."""
    fast, revise._FAST = revise._FAST, None
    try:
        return revise.context_matrix(p1, page, **kw)
    finally:
        revise._FAST = fast


def assert_same_context(p1: np.ndarray, page: Page, **kw: Any) -> None:
    want = _python_context(p1, page, **kw)
    got = revise.context_matrix(p1, page, **kw)
    assert got.dtype == want.dtype and got.shape == want.shape
    diff = np.argwhere(got.view(np.int64) != want.view(np.int64))
    assert not len(diff), (diff[:3], [revise.CONTEXT_FEATURE_NAMES[j] for _, j in diff[:3]])


def _page(paths: list[str]) -> Page:
    blocks = tuple(Block(index=i, text="字", xpath=None, tag_path=p) for i, p in enumerate(paths))
    return Page(text="", kind="html", encoding="utf-8", blocks=blocks)


def _p1(rng: np.random.Generator, n: int) -> np.ndarray:
    p = rng.random((n, 5)) ** 3
    return p / p.sum(axis=1, keepdims=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "a/b", "a/c", "x"]), max_size=60), st.integers(0, 2**32))
def test_random_paths(paths: list[str], seed: int) -> None:
    if revise._FAST is None:
        pytest.skip("compiled revision loops not available")
    assert_same(_p1(np.random.default_rng(seed), len(paths)), _page(paths), revise._FAST)


def _texts_page(paths: list[str], sizes: list[int]) -> Page:
    blocks = tuple(Block(index=i, text="字" * s, xpath=None, tag_path=p)
                   for i, (p, s) in enumerate(zip(paths, sizes, strict=True)))
    return Page(text="", kind="html", encoding="utf-8", blocks=blocks)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "a/b", "a/c", "x"]), st.integers(0, 3000)),
             min_size=1, max_size=60),
    st.integers(0, 2**32), st.integers(0, 8), st.booleans(),
)
def test_random_context(
    rows: list[tuple[str, int]], seed: int, window: int, extremes: bool
) -> None:
    """The whole context matrix, compiled and in numpy, over random paths, text sizes (empty
    ones too), windows and probabilities (with zeros, ones and tiny values for the logs)."""
    if revise._FAST is None:
        pytest.skip("compiled revision loops not available")
    rng = np.random.default_rng(seed)
    p1 = _p1(rng, len(rows))
    if extremes:
        p1[rng.random(p1.shape) < 0.3] = rng.choice([0.0, 1.0, 1e-300, 5e-324, 0.999999])
    page = _texts_page([p for p, _ in rows], [s for _, s in rows])
    assert_same_context(p1, page, window=window)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 127, 128, 129, 1000, 4099])
def test_long_pages_context(n: int) -> None:
    """Sums over many rows (the page mix, the cumulative window sums, big groups) add in
    numpy's order, past its blocks of 8 and 128."""
    if revise._FAST is None:
        pytest.skip("compiled revision loops not available")
    rng = np.random.default_rng(n)
    paths = [rng.choice(["a", "b", "c/d"]) if i % 50 else "e" for i in range(n)]
    sizes = list(rng.integers(0, 100_000, n))
    for p1 in (_p1(rng, n), rng.random((n, 5)) * 1e3):
        assert_same_context(p1, _texts_page(paths, sizes))
        assert_same_context(p1, _texts_page(paths, sizes), region=True)


def test_context_features_need_rows(fast: Any) -> None:
    with pytest.raises(ValueError):  # context_matrix answers an empty page itself
        fast.context_features(np.zeros((0, 5)), (), np.zeros(0), 5, 1e-3, 1.0)
    page = _page(["a", "b"])
    with pytest.raises(ValueError):  # one size a block
        fast.context_features(np.full((2, 5), 0.2), page.blocks, np.ones(3), 5, 1e-3, 1.0)


def test_context_matrix_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(["a", "a", "b", "a", "a", "a"])
    p1 = _p1(np.random.default_rng(1), len(page.blocks))
    got = revise.context_matrix(p1, page)
    monkeypatch.setattr(revise, "_FAST", None)
    assert np.array_equal(got, revise.context_matrix(p1, page))


def _model_p1(page: Page) -> np.ndarray:
    model = load_model()
    c = model.compiled
    assert c is not None
    from pagesieve.features import page_tokens

    return c.pass1_proba(c.pass1_matrix(*page_tokens(page)))


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
def test_synthetic_pages(html: str, fast: Any) -> None:
    page = read_page(html, kind="html")
    if page.blocks:
        assert_same(_model_p1(page), page, fast)
        assert_same_context(_model_p1(page), page, region=True)


def test_demo_page(fast: Any) -> None:
    page = read_page((REPO / "data" / "demo-page.html").read_bytes())
    assert_same(_model_p1(page), page, fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    files = shared_files(shared_data, pattern)
    for f in files:
        page = read_page(f.read_bytes())
        if page.blocks:
            assert_same(_model_p1(page), page, fast)
