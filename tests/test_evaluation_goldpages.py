"""Our seed-like gold pages (``data/seedlike`` and the blind set ``data/seedlike-blind``): the
gold is complete and the scorer is right.

The model's score on these pages is a measured figure (reports/), not a test; the checks of the
gold are model-free (the blind set was labelled before any model ran on it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pagesieve.evaluation.goldpages import (
    entry_accepts,
    gold_pages,
    gold_path,
    load_gold,
    page_accepts,
    page_metrics,
    read_gold_page,
    score_labels,
    seedlike_metrics,
)
from pagesieve.evaluation.report import _seedlike_markdown
from pagesieve.types import LABELS

FOLDER = Path(__file__).resolve().parents[1] / "data" / "seedlike"
PAGES = gold_pages(FOLDER) if FOLDER.is_dir() else []
BLIND = FOLDER.parent / "seedlike-blind"
BLIND_PAGES = gold_pages(BLIND) if BLIND.is_dir() else []


@dataclass(frozen=True)
class _Label:
    name: str
    scores: dict[str, float] = field(default_factory=dict)


class _GoldModel:
    """Stands in for PageModel: labels each block with a label its gold accepts (or `flip`s one)."""

    def __init__(self, page: Path, flip: int | None = None) -> None:
        self.page, self.flip = page, flip

    def label_page(self, read: Any, **_: Any) -> list[_Label]:
        accepts, _ = page_accepts(self.page, read)
        out = []
        for i, acc in enumerate(accepts):
            ok = [lab for lab in acc[0] if all(lab in a for a in acc)] if acc else ["content"]
            name = ok[0]
            if i == self.flip:
                name = next(lab for lab in LABELS if not any(lab in a for a in acc))
            out.append(_Label(name))
        return out


def _flippable(page: Path) -> int:
    """A block whose gold pieces leave some label unaccepted (so a flip makes it wrong)."""
    accepts, _ = page_accepts(page, read_gold_page(page))
    return next(i for i, acc in enumerate(accepts)
                if acc and any(not any(lab in a for a in acc) for lab in LABELS))


def test_the_set_is_there() -> None:
    assert len(PAGES) == 12
    assert {p.suffix for p in PAGES} == {".txt", ".html"}
    assert (FOLDER / "README.md").is_file()


def test_the_blind_set_is_there() -> None:
    assert len(BLIND_PAGES) == 10
    assert sum(p.suffix == ".txt" for p in BLIND_PAGES) == 4
    assert sum(p.suffix == ".html" for p in BLIND_PAGES) == 6
    assert (BLIND / "README.md").is_file()


@pytest.mark.parametrize("page", PAGES + BLIND_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
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


@pytest.mark.parametrize("page", PAGES + BLIND_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gold_covers_every_block(page: Path) -> None:
    read = read_gold_page(page)
    assert 15 <= len(read.blocks) <= 80
    accepts, missed = page_accepts(page, read)
    unmatched = [b.text[:40] for b, acc in zip(read.blocks, accepts, strict=True) if not acc]
    assert unmatched == [], "visible blocks no gold entry covers"
    assert missed == 0, "gold entries no block contains (misaligned gold)"


@pytest.mark.parametrize("page", BLIND_PAGES, ids=lambda p: p.name)
def test_every_blind_page_has_every_label(page: Path) -> None:
    """Each page is seed-like: article, teasers, ads, comments and furniture all in its gold."""
    firsts = {g["accept"][0] for g in load_gold(gold_path(page))}
    assert firsts == set(LABELS)


def test_declared_charsets_are_read() -> None:
    assert read_gold_page(FOLDER / "h06-gbk-apples.html").encoding in {"gbk", "gb18030"}
    assert read_gold_page(FOLDER / "h07-big5-typhoon.html").encoding.startswith("big5")
    assert read_gold_page(BLIND / "b07-discuz-renovation.html").encoding in {"gbk", "gb18030"}
    assert read_gold_page(BLIND / "b10-big5-theater.html").encoding.startswith("big5")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_gold_labels_score_one_and_a_flip_less(page: Path) -> None:
    fig = page_metrics(_GoldModel(page), page)
    assert fig["macro_f1"] == 1.0 and fig["blocks_right"] == fig["blocks"]
    flipped = page_metrics(_GoldModel(page, flip=_flippable(page)), page)
    assert flipped["blocks_right"] == fig["blocks"] - 1
    assert flipped["macro_f1"] < 1.0


def test_unmatched_blocks_are_counted_not_scored() -> None:
    @dataclass
    class B:
        text: str

    gold = [{"text": "甲乙 丙", "accept": ["content"]}, {"text": "回复", "accept": ["boilerplate"]}]
    accepts, missed = entry_accepts([B("甲 乙丙 回复"), B("无人认领"), B("回复")], gold)
    assert accepts == [[["content"], ["boilerplate"]], [], []] and missed == 0
    fig = score_labels(["content", "ad", "boilerplate"], accepts)
    assert fig["unmatched"] == 2 and fig["blocks"] == 1 and fig["blocks_right"] == 0


def test_seedlike_metrics_pooled_and_per_page(tmp_path: Path) -> None:
    class Folder:
        """Each page's own gold model."""

        def label_page(self, read: Any, **kw: Any) -> Sequence[_Label]:
            return _GoldModel(FOLDER / read.source).label_page(read, **kw)

    out = seedlike_metrics(Folder(), FOLDER)
    assert out is not None
    assert out["pooled"]["macro_f1"] == 1.0 and out["pooled"]["unmatched"] == 0
    assert set(out["pages"]) == {p.name for p in PAGES}
    assert all(v["blocks_right"] == v["blocks"] for v in out["pages"].values())
    assert seedlike_metrics(Folder(), tmp_path / "absent") is None
    md = "\n".join(_seedlike_markdown(out))
    assert "## Seed-like pages (ours)" in md and "h03-discuz-nas.html" in md
    assert _seedlike_markdown(None) == []
