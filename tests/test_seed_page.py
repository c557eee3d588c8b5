"""The page pagesieve was specified from must come out right (issue: core, "How well")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagesieve import classify_page


@pytest.fixture(scope="module")
def seed(seed_page: Path) -> tuple[str, list[dict]]:
    gold = json.loads(seed_page.with_name("seed-page.gold.json").read_text(encoding="utf-8"))
    return seed_page.read_text(encoding="utf-8"), gold["lines"]


def _line_labels(text: str, result) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Label of every line (1-based), through the block whose offsets cover it."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    out: dict[int, str] = {}
    for lb in result.blocks:
        for n, s in enumerate(starts, 1):
            e = starts[n] - 1 if n < len(starts) else len(text)
            if text[s:e].strip() and s < lb.block.end and e > lb.block.start:
                out[n] = lb.label.name
    return out


def test_seed_page_lines(seed: tuple[str, list[dict]]) -> None:
    text, lines = seed
    result = classify_page(text.encode("utf-8"), source="seed-page.txt")
    assert result.kind == "text"
    got = _line_labels(text, result)
    ok = [g for g in lines if got.get(g["line"]) in g["accept"]]
    share = len(ok) / len(lines)
    wrong = [(g["line"], got.get(g["line"]), g["accept"]) for g in lines if g not in ok]
    assert share >= 0.95, f"{share:.1%} accepted; wrong: {wrong}"
    # Every cheat-ad title and snippet is `ad`; every article line is `content`.
    for g in lines:
        if g["accept"] == ["ad"]:
            assert got[g["line"]] == "ad", (g["line"], g["text"][:30], got[g["line"]])
        if g["accept"] == ["content"]:
            assert got[g["line"]] == "content", (g["line"], g["text"][:30], got[g["line"]])


def test_seed_page_verdict(seed: tuple[str, list[dict]]) -> None:
    text, _ = seed
    result = classify_page(text, source="seed-page.txt")
    assert not result.spam
    assert 0.2 < result.quality < 0.8
    assert result.text.startswith("国际影响力再提升")
    assert "助赢神器" not in result.text and "联系我们" not in result.text
