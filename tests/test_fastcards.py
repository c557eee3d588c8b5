"""_fastcards: the compiled card spans are exactly the Python ones (cards._card_spans)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip, shared_files
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


_STEP = st.sampled_from(["div", "div[1]", "div[10]", "p", "ul", "li[1]", "li[2]", "a", "divx",
                         "表", "格", "表格", "span[3]", "td"])


@st.composite
def _xpath(draw: Any) -> str:
    steps = draw(st.lists(_STEP, min_size=0, max_size=draw(st.sampled_from([6, 80]))))
    return "/" + "/".join(["html", "body", *steps])


@settings(max_examples=300, deadline=None)
@given(st.lists(_xpath(), min_size=2, max_size=40), st.data())
def test_random_xpaths(xpaths: list[str], data: Any) -> None:
    if cards._FAST is None:
        pytest.skip("compiled card spans not available")
    # neighbours often repeat or extend one another, as blocks of one element do
    for i in range(1, len(xpaths)):
        if data.draw(st.booleans()):
            xpaths[i] = xpaths[i - 1] + data.draw(st.sampled_from(["", "/a", "/p[2]", "[1]"]))
    sizes = data.draw(st.lists(st.integers(1, 300), min_size=len(xpaths),
                               max_size=len(xpaths)))
    assert_same(xpaths, sizes, cards._FAST, seed=len(xpaths))


def test_long_and_deep_xpaths(fast: Any) -> None:
    deep = "/html/body" + "/div" * 300  # past 1,024 characters and 64 steps: both are cut
    xpaths = [deep + "/p[1]", deep + "/p[2]", deep, "/html/body/ä/b", "/html/body/ö/b",
              "/html/body/" + "x" * 2000, "/html/body/" + "x" * 2000 + "/y"]
    assert_same(xpaths, [5] * len(xpaths), fast)


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
