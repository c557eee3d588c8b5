from __future__ import annotations

import numpy as np

from pagesieve.region import _LAMBDA, REGION_FEATURE_NAMES, region_matrix, split_depths
from pagesieve.types import Block, Page

LABS = ("content", "comment", "related", "ad", "boilerplate")


def _page(xpaths: list[str], kind: str = "html") -> Page:
    blocks = tuple(
        Block(i, "文本" * 10, xpath=x if kind == "html" else None, tag_path="a")
        for i, x in enumerate(xpaths)
    )
    return Page(text="", kind=kind, encoding="utf-8", blocks=blocks)  # type: ignore[arg-type]


def _col(name: str) -> int:
    return REGION_FEATURE_NAMES.index(name)


def testsplit_depths_cuts_at_whole_steps() -> None:
    xp = ["/html/body/div[1]", "/html/body/div[10]/p", "/html/body/div[10]/p", "/html/body/div[10]",
          "/html/body/divx", "/html/body/div[10]/p/span"]
    depth, lcp = split_depths(xp)
    assert depth.tolist() == [3, 4, 4, 3, 3, 5]
    # div[1] and div[10] part after body; the same xpath shares all; an ancestor shares itself
    assert lcp.tolist() == [0, 2, 4, 3, 2, 2]


def _layout() -> tuple[Page, np.ndarray]:
    xp = (
        [f"/html/body/div[1]/ul/li[{i}]" for i in (1, 2, 3)]  # navigation
        + [f"/html/body/div[2]/div[1]/p[{i}]" for i in (1, 2, 3, 4, 5)]  # the article
        + [f"/html/body/div[2]/div[2]/ul/li[{i}]" for i in (1, 2, 3, 4)]  # teaser sidebar
        + ["/html/body/div[3]"]  # footer
    )
    p1 = np.zeros((len(xp), 5))
    p1[:3, 4] = 1.0
    p1[3:8, 0] = 0.9
    p1[3:8, 2] = 0.1
    p1[8:12, 2] = 1.0
    p1[12, 4] = 1.0
    return _page(xp), p1


def test_main_container_inside_before_after_and_steps() -> None:
    page, p1 = _layout()
    r = region_matrix(p1, page, np.full(len(page.blocks), 20.0))
    assert r.shape == (13, len(REGION_FEATURE_NAMES))
    assert np.all((r >= 0) & (r <= 1))
    inside = r[:, _col("main:inside")]
    assert inside.tolist() == [0] * 3 + [1] * 5 + [0] * 5
    assert r[:3, _col("main:before")].tolist() == [1, 1, 1]
    assert r[8:, _col("main:after")].tolist() == [1] * 5
    steps = r[:, _col("main:steps")] * 8
    # article paragraphs sit one step below the container; the sidebar meets it one step up
    # (div[2]), the footer and the navigation two steps up (body)
    assert np.allclose(steps[3:8], 1) and np.allclose(steps[8:12], 1)
    assert np.isclose(steps[12], 2) and np.allclose(steps[:3], 2)
    assert np.allclose(r[3:8, _col("main:share")], 0.2)
    assert np.allclose(r[:, _col("main:purity")], 0.9)
    assert np.allclose(r[:, _col("main:coverage")], 1.0)
    # no comment mass: the comment region stays off
    assert np.all(r[:, _col("comments:inside")] == 0)
    assert np.all(r[:, _col("tree:none")] == 0)


def test_ancestor_mix_leaves_the_block_out() -> None:
    page, p1 = _layout()
    # one teaser looks like content on its own; its list says otherwise
    p1[9] = [1.0, 0, 0, 0, 0]
    r = region_matrix(p1, page, np.full(len(page.blocks), 20.0))
    anc = [_col(f"ancestor:{lab}") for lab in LABS]
    assert np.allclose(r[9, anc], [0, 0, 1, 0, 0])
    # the other cards see one content card among three
    assert np.allclose(r[8, anc], [1 / 3, 0, 2 / 3, 0, 0])
    # the article's paragraphs read the other four paragraphs
    assert np.allclose(r[3, anc], [0.9, 0, 0.1, 0, 0])


def test_comment_region() -> None:
    xp = [f"/html/body/div[1]/p[{i}]" for i in (1, 2, 3)] + [
        f"/html/body/div[2]/ul/li[{i}]" for i in (1, 2, 3, 4)
    ]
    p1 = np.zeros((7, 5))
    p1[:3, 0] = 1.0
    p1[3:, 1] = 1.0
    r = region_matrix(p1, _page(xp), np.full(7, 10.0))
    assert r[:, _col("comments:inside")].tolist() == [0, 0, 0, 1, 1, 1, 1]
    assert np.allclose(r[:, _col("comments:purity")], 1.0)
    assert r[:, _col("main:inside")].tolist() == [1, 1, 1, 0, 0, 0, 0]


def test_text_pages_get_neutral_values() -> None:
    page = _page(["", "", ""], kind="text")
    p1 = np.full((3, 5), 0.2)
    r = region_matrix(p1, page, np.ones(3))
    assert np.all(r[:, :-1] == 0) and np.all(r[:, _col("tree:none")] == 1)
    assert region_matrix(np.zeros((0, 5)), _page([]), np.zeros(0)).shape == (
        0,
        len(REGION_FEATURE_NAMES),
    )


def test_reach_falls_with_the_junk_between() -> None:
    page, p1 = _layout()
    sizes = np.full(len(page.blocks), 20.0)
    sizes[8:12] = 5.0  # a short teaser list beside the article
    r = region_matrix(p1, page, sizes)
    reach = r[:, _col("main:reach")]
    assert np.allclose(reach[3:8], 1.0)
    # the sidebar joins the article only through div[2], which adds 20 characters of teasers to
    # the article's 90 of content and 10 of the rest
    assert np.allclose(reach[8:12], (90 - _LAMBDA * 30) / (90 - _LAMBDA * 10))
    # the footer and the navigation join it only at body, with even more junk
    assert reach[12] < reach[8] and reach[0] < reach[8]


def test_deep_nesting_is_cut() -> None:
    deep = "/html/body" + "/div" * 400
    xp = [deep + "/p[1]", deep + "/p[2]", "/html/body/div/p"]
    depth, lcp = split_depths(xp)
    assert depth.max() == 64 and lcp[1] == 64 and lcp[2] == 3
    p1 = np.eye(5)[[0, 0, 4]]
    r = region_matrix(p1, _page(xp), np.full(3, 10.0))
    assert r.shape == (3, len(REGION_FEATURE_NAMES)) and np.all((r >= 0) & (r <= 1))
