"""_fastrevise: the compiled sibling/run loops give exactly the Python revision features."""

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
