from __future__ import annotations

import numpy as np
import pytest

from pagesieve import revise
from pagesieve.cards import CARD_FEATURE_NAMES
from pagesieve.region import REGION_FEATURE_NAMES
from pagesieve.revise import CONTEXT_FEATURE_NAMES, context_feature_names, context_matrix
from pagesieve.types import Block, Page


def _page(paths: list[str]) -> Page:
    blocks = tuple(
        Block(i, "文本" * (i + 1), xpath=f"/x{i}", tag_path=p) for i, p in enumerate(paths)
    )
    return Page(text="", kind="html", encoding="utf-8", blocks=blocks)


def test_context_features_shape_and_scale() -> None:
    page = _page(["a/p", "a/ul/li", "a/ul/li", "a/ul/li", "a/div"])
    p1 = np.random.default_rng(0).dirichlet(np.ones(5), size=5)
    ctx = context_matrix(p1, page, region=True, cards=True)
    assert ctx.shape == (5, len(CONTEXT_FEATURE_NAMES))
    assert np.all(ctx <= 1.0 + 1e-9) and np.all(ctx >= -1.0 - 1e-9)
    names = CONTEXT_FEATURE_NAMES
    # own probabilities come first; the previous block's are under prev1
    assert np.allclose(ctx[:, :5], p1)
    prev1 = [
        names.index(f"prev1:{lab}")
        for lab in ("content", "comment", "related", "ad", "boilerplate")
    ]
    assert np.allclose(ctx[1:, prev1], p1[:-1]) and np.allclose(ctx[0, prev1], 0)
    # list siblings: the mean of the other li blocks
    sib = [
        names.index(f"siblings:{lab}")
        for lab in ("content", "comment", "related", "ad", "boilerplate")
    ]
    assert np.allclose(ctx[1, sib], (p1[2] + p1[3]) / 2)
    assert np.allclose(ctx[0, sib], 0)


def test_empty_page() -> None:
    for region in (False, True):
        for cards in (False, True):
            width = len(context_feature_names(region=region, cards=cards))
            got = context_matrix(np.zeros((0, 5)), _page([]), region=region, cards=cards)
            assert got.shape == (0, width)


def test_run_siblings_are_the_contiguous_list_only() -> None:
    # two lists with the same path, split by a heading: each card reads only its own list
    page = _page(["a/li", "a/li", "a/h3", "a/li", "a/li"])
    p1 = np.eye(5)
    ctx = context_matrix(p1, page)
    labs = ("content", "comment", "related", "ad", "boilerplate")
    run = [CONTEXT_FEATURE_NAMES.index(f"run:{lab}") for lab in labs]
    assert np.allclose(ctx[0, run], p1[1]) and np.allclose(ctx[4, run], p1[3])
    assert np.allclose(ctx[2, run], 0)


def test_card_and_region_features_are_appended_only_when_asked() -> None:
    page = _page(["a/p", "a/ul/li", "a/ul/li", "a/ul/li", "a/div"])
    p1 = np.random.default_rng(1).dirichlet(np.ones(5), size=5)
    plain = context_matrix(p1, page)
    n_region, n_cards = len(REGION_FEATURE_NAMES), len(CARD_FEATURE_NAMES)
    assert plain.shape == (5, len(CONTEXT_FEATURE_NAMES) - n_region - n_cards)
    for region in (False, True):
        for cards in (False, True):
            got = context_matrix(p1, page, region=region, cards=cards)
            names = context_feature_names(region=region, cards=cards)
            assert got.shape == (5, len(names))
            assert np.allclose(got[:, : plain.shape[1]], plain)
            assert np.all(got <= 1.0 + 1e-9) and np.all(got >= -1.0 - 1e-9)
            if region:
                assert names[-n_region:] == [f"region:{n}" for n in REGION_FEATURE_NAMES]
            if cards:
                at = names.index("card:in")
                assert names[at - 5 : at + 1] == CARD_FEATURE_NAMES
    # a model's columns without the region part are a prefix of CONTEXT_FEATURE_NAMES
    assert context_feature_names(cards=True) == CONTEXT_FEATURE_NAMES[: -n_region]


def test_both_paths_append_the_card_and_region_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Page(text="", kind="html", encoding="utf-8", blocks=tuple(
        Block(i, "文本" * (i + 1), xpath=x, tag_path="a/li")
        for i, x in enumerate(["/html/body/ul/li[1]/a", "/html/body/ul/li[1]/p",
                               "/html/body/ul/li[2]/a", "/html/body/ul/li[2]/p", "/html/body/p"])))
    p1 = np.random.default_rng(2).dirichlet(np.ones(5), size=5)
    got = {(r, c): context_matrix(p1, page, region=r, cards=c)
           for r in (False, True) for c in (False, True)}
    assert got[(False, True)][:, -1].tolist() == [1.0, 1.0, 1.0, 1.0, 0.0]  # card:in
    monkeypatch.setattr(revise, "_FAST", None)
    for (r, c), want in got.items():
        assert np.allclose(context_matrix(p1, page, region=r, cards=c), want, rtol=0, atol=1e-12)
