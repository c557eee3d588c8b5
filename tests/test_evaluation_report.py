"""The report: the targets it is held against, and its held-back-corpus section."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pagesieve.evaluation.extractors import PAGESIEVE
from pagesieve.evaluation.metrics import label_figures
from pagesieve.evaluation.report import (
    HELDBACK,
    HELDBACK_ROWS,
    _heldback_markdown,
    _seedlike_markdown,
    check_report_path,
    targets,
    write_report,
)


def test_targets_hold_the_seedlike_figures() -> None:
    report = {"seedlike": {"pooled": {"macro_f1": 0.9, "ad": {"precision": 1.0, "recall": 0.5}}}}
    rows = {r["what"]: r for r in targets(report)}
    assert rows["macro-F1 on our seed-like pages (pooled)"]["met"] is False
    assert rows["seed-like pages ad precision"]["met"] is True
    assert rows["seed-like pages ad recall"]["value"] == 0.5
    assert rows["seed-like pages ad recall"]["model"] == PAGESIEVE
    assert {r["met"] for r in targets({}) if "seed-like" in r["what"]} == {None}


def test_targets_and_markdown_hold_the_blind_seedlike_figures() -> None:
    pooled = {"macro_f1": 0.96, "ad": {"precision": 0.9, "recall": 0.95}}
    rows = {r["what"]: r for r in targets({"seedlike_blind": {"pooled": pooled}})}
    assert rows["macro-F1 on our blind seed-like pages (pooled)"]["met"] is True
    assert rows["blind seed-like pages ad precision"]["met"] is False
    assert rows["blind seed-like pages ad recall"]["value"] == 0.95
    assert rows["macro-F1 on our seed-like pages (pooled)"]["value"] is None  # kept apart
    fig = label_figures(["ad", "content"], ["ad", "related"])
    sl = {"pooled": {**fig, "ad": fig["per_label"]["ad"], "blocks_right": 1, "unmatched": 0},
          "pages": {"b01.txt": {"macro_f1": 0.5, "ad_precision": 1.0, "ad_recall": 1.0,
                                "blocks_right": 1, "blocks": 2, "unmatched": 0}},
          "note": "n"}
    md = "\n".join(_seedlike_markdown(sl, blind=True))
    assert "## Seed-like pages, blind set (ours)" in md and "`data/seedlike-blind`" in md
    assert "## Seed-like pages (ours)" in "\n".join(_seedlike_markdown(sl))


def _heldback() -> dict[str, Any]:
    fig = label_figures(["ad", "ad", "content", "comment"], ["ad", "related", "content", "comment"])
    return {"seed": 0, "share": 0.2, "pages": 4, "page_types": {"news": 3, "list": 1},
            "families_held_back": ["html-04", "text-04"],
            "corpus_items": {"ad_gamble": {"training": 80, "held_back": 20}},
            "all": fig, "seedlike": fig, "by_type": {"news": fig}}


def test_targets_hold_the_heldback_figures() -> None:
    rows = {r["what"]: r for r in targets({"heldback": _heldback()})}
    macro, precision, recall = (rows[w] for w in HELDBACK_ROWS)
    assert precision["value"] == 1.0 and precision["met"] is True
    assert recall["value"] == 0.5 and recall["met"] is False
    assert macro["met"] is False and {r["model"] for r in (macro, precision, recall)} == {HELDBACK}
    assert {rows[w]["met"] for w in HELDBACK_ROWS} != {None}
    assert {r["met"] for r in targets({}) if r["what"] in HELDBACK_ROWS} == {None}


def test_markdown_has_the_heldback_section() -> None:
    md = "\n".join(_heldback_markdown(_heldback()))
    assert "## Held-back corpora (composed pages)" in md
    assert "without 20 of 100 corpus items" in md and "2 of the composer's site families" in md
    assert "| seed-like | 4 | 0.667 |" in md and "| news | 4 |" in md
    assert "bench/heldback_corpora.py --seed 0" in md
    assert _heldback_markdown(None) == []
    assert "Not run: no builder" in "\n".join(_heldback_markdown({"error": "no builder"}))


def test_report_paths_are_checked_before_the_work(tmp_path: Path) -> None:
    """A report path that cannot be written is refused up front; no folders are built from a
    missing parent down (`/nonexistent/dir` used to be created at the root)."""
    assert check_report_path(tmp_path / "r.json") == (tmp_path / "r.json", tmp_path / "r.md")
    assert check_report_path(tmp_path / "new") == (
        tmp_path / "new" / "evaluation.json", tmp_path / "new" / "evaluation.md")
    assert check_report_path(tmp_path / "R.JSON") == (tmp_path / "R.JSON", tmp_path / "R.md")
    (tmp_path / "v1.2").mkdir()  # a folder with a dot in its name is still a folder
    assert check_report_path(tmp_path / "v1.2")[0] == tmp_path / "v1.2" / "evaluation.json"
    with pytest.raises(ValueError, match=r"names a \.json or \.md file, or a folder, not .*r\.txt"):
        check_report_path(tmp_path / "r.txt")  # made a folder r.txt/ with the report in it
    a_file = tmp_path / "existing"
    a_file.write_text("x", encoding="utf-8")
    (tmp_path / "dir.json").mkdir()
    for bad, why in [
        (tmp_path / "missing" / "deeper" / "r.json", "no such folder"),
        (a_file, "exists and is not a folder"),
        (a_file / "r.json", "exists and is not a folder"),
        (tmp_path / "dir.json", "is a folder"),
    ]:
        with pytest.raises(ValueError, match=why):
            check_report_path(bad)
    assert not (tmp_path / "missing").exists()
    report: dict[str, Any] = {"meta": {}, "pages": {}}
    jpath, mpath = write_report(report, tmp_path / "made" / "r.json")
    assert jpath.is_file() and mpath.is_file()


def test_evaluate_refuses_a_bad_report_path_before_evaluating(tmp_path: Path) -> None:
    env = {**os.environ, "PAGESIEVE_EVAL_FIGURES": "0", "PAGESIEVE_EVAL_FOLDS": "0"}
    missing = tmp_path / "nonexistent" / "dir" / "x.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pagesieve", "evaluate", str(tmp_path), "--no-peers",
         "--report", str(missing)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"pagesieve: error: --report: no such folder {missing.parent.parent}"], proc.stderr
    assert not missing.parent.parent.exists()
