"""The blind seed-like gold pages (``data/seedlike-blind``): the gold is well-formed and complete.

Model-free: pages are only read (decoded and segmented) as the classifier reads them, and every
block must be covered by gold, every gold piece must land in a block. The set was labelled from
labels.md before any model was run on it; its scores are measured figures, not tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagesieve.evaluation.goldpages import (
    gold_pages,
    gold_path,
    load_gold,
    page_accepts,
    read_gold_page,
)
from pagesieve.types import LABELS

FOLDER = Path(__file__).resolve().parents[1] / "data" / "seedlike-blind"
PAGES = gold_pages(FOLDER) if FOLDER.is_dir() else []


def test_the_set_is_there() -> None:
    assert len(PAGES) == 10
    assert sum(p.suffix == ".txt" for p in PAGES) == 4
    assert sum(p.suffix == ".html" for p in PAGES) == 6
    assert (FOLDER / "README.md").is_file()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_gold_parses(page: Path) -> None:
    data = json.loads(gold_path(page).read_text(encoding="utf-8"))
    assert data["source"] == page.name
    pieces = load_gold(gold_path(page))
    assert pieces
    if page.suffix == ".txt":  # the seed page's format: 1-based lines, the line's text
        assert all("line" in g for g in pieces)
        lines = page.read_text(encoding="utf-8").split("\n")
        for g in pieces:
            assert lines[g["line"] - 1].strip() == g["text"]
        assert {g["line"] for g in pieces} == {n for n, t in enumerate(lines, 1) if t.strip()}
    else:  # entries in document order; the file's bytes are in the charset the gold declares
        assert all(str(g.get("text", "")).strip() for g in pieces)
        page.read_bytes().decode(data["encoding"])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_gold_covers_every_block(page: Path) -> None:
    read = read_gold_page(page)
    assert read.blocks
    accepts, missed = page_accepts(page, read)
    unmatched = [b.text[:40] for b, acc in zip(read.blocks, accepts, strict=True) if not acc]
    assert unmatched == [], "visible blocks no gold entry covers"
    assert missed == 0, "gold entries no block contains (misaligned gold)"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_has_every_label(page: Path) -> None:
    """Each page is seed-like: article, teasers, ads, comments and furniture all in its gold."""
    firsts = {g["accept"][0] for g in load_gold(gold_path(page))}
    assert firsts == set(LABELS)


def test_declared_charsets_are_read() -> None:
    gbk = FOLDER / "b07-discuz-renovation.html"
    big5 = FOLDER / "b10-big5-theater.html"
    assert read_gold_page(gbk).encoding in {"gbk", "gb18030"}
    assert read_gold_page(big5).encoding.startswith("big5")
    assert json.loads(gold_path(gbk).read_text(encoding="utf-8"))["encoding"] == "gbk"
    assert json.loads(gold_path(big5).read_text(encoding="utf-8"))["encoding"] == "big5"
