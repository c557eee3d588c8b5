"""The report: the targets it is held against."""

from __future__ import annotations

from pagesieve.evaluation.extractors import PAGESIEVE
from pagesieve.evaluation.report import targets


def test_targets_hold_the_seedlike_figures() -> None:
    report = {"seedlike": {"pooled": {"macro_f1": 0.9, "ad": {"precision": 1.0, "recall": 0.5}}}}
    rows = {r["what"]: r for r in targets(report)}
    assert rows["macro-F1 on our seed-like pages (pooled)"]["met"] is False
    assert rows["seed-like pages ad precision"]["met"] is True
    assert rows["seed-like pages ad recall"]["value"] == 0.5
    assert rows["seed-like pages ad recall"]["model"] == PAGESIEVE
    assert {r["met"] for r in targets({}) if "seed-like" in r["what"]} == {None}
