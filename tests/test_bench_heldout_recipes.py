"""bench/heldout_recipes.py: several fold seeds run one after the other and end with their means
(evaluation itself is stubbed: a real run trains nine models and takes minutes)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import joblib
import pytest

import pagesieve.evaluation.heldout as heldout_module
import pagesieve.evaluation.pages as pages_module
import pagesieve.evaluation.summary as summary_module
from pagesieve.evaluation.extractors import HELDOUT


class FoldModel:
    """Stands in for a fold's PageModel: picklable, with a compiled twin that is not."""

    last: FoldModel | None = None

    def __init__(self) -> None:
        self._compiled: Any = "twin"
        FoldModel.last = self

    def __getstate__(self) -> dict[str, Any]:
        assert self._compiled is None, "the compiled twin must not be pickled"
        return dict(self.__dict__)


def test_fold_seeds_are_run_and_averaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    bench_script: Any,
) -> None:
    mod = bench_script("heldout_recipes")
    monkeypatch.setattr(mod, "merged_annotations", lambda folders: {"p1": None, "p2": None})
    monkeypatch.setattr(pages_module, "load_eval_pages", lambda data, annotations: [])
    seen: list[tuple[int, int]] = []

    def heldout(data: Path, *, seed: int, dataset_kwargs: dict[str, int], **kw: Any) -> Any:
        seen.append((seed, dataset_kwargs["n_synthetic"]))
        kw["on_fold"](1, FoldModel(), ["p1"])
        return {"pages": {"p1": {"site": "a.com", "fold": 0, "extractors": {
            HELDOUT: {"labelled": [["ad", "ad", [0.0]]]}}},
            "g1": {"site": "b.com", "type": "forum", "fold": 1, "extractors": {
                HELDOUT: {"rouge1": {"p": 1.0, "r": 0.5, "f1": 0.5 + seed / 10}}}}},
            "folds": [seed], "seed": seed}

    def summarize(pages: Any, names: Any) -> Any:
        k = seen[-1][0]
        gold = {"rouge1_f1": 0.9 + k / 100, "by_type": {"article": {"rouge1_f1": 0.5},
                                                       "forum": {"rouge1_f1": None}}}
        ann = {"macro_f1": 0.6 + k / 10, "site_mean_macro_f1": 0.7, "keep": {"ad_blocks_kept": k},
               "per_label": {"ad": {"precision": 1.0, "recall": 1.0, "f1": 1.0}}}
        return {"all_gold_pages": {HELDOUT: gold}, "annotations": {HELDOUT: ann}}

    monkeypatch.setattr(heldout_module, "evaluate_heldout", heldout)
    monkeypatch.setattr(summary_module, "summarize", summarize)
    out_json, out_blocks = tmp_path / "r.json", tmp_path / "b.jsonl"
    assert mod.main(["--eval-annotations", str(tmp_path), "--fold-seed", "0", "2",
                     "--synthetic", "1600", "--json", str(out_json),
                     "--blocks", str(out_blocks), "--save-models", str(tmp_path / "m")]) == 0
    assert seen == [(0, 1600), (2, 1600)]
    text = capsys.readouterr().out
    assert "fold seed 0:" in text and "fold seed 2:" in text
    mean = text.split("mean over fold seeds 0 2:")[1]
    assert "macro-F1 0.700" in mean and "ROUGE-1 gold pages 0.910" in mean
    assert "forums -" in mean and "ads kept 1.0" in mean
    report = json.loads(out_json.read_text())
    assert set(report["seeds"]) == {"0", "2"} and report["mean"]["macro_f1"] == pytest.approx(0.7)
    # per page with gold text (annotated-only pages have no ROUGE): which pages move a figure
    assert report["seeds"]["2"]["pages"] == {
        "g1": {"site": "b.com", "type": "forum", "fold": 1, "rouge1_f1": pytest.approx(0.7)}}
    lines = [json.loads(x) for x in out_blocks.read_text().splitlines()]
    assert [x["seed"] for x in lines] == [0, 2] and lines[0]["pairs"] == [["ad", "ad", [0.0]]]
    # each fold's model and held-out keys, for bench/posthoc_rules.py; its compiled twin is
    # left out of the file and given back to the model
    saved = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert saved == ["seed0-fold1.joblib", "seed2-fold1.joblib"]
    kept = joblib.load(tmp_path / "m" / "seed2-fold1.joblib")
    assert (kept["seed"], kept["fold"], kept["keys"]) == (2, 1, ["p1"])
    assert kept["model"]._compiled is None and FoldModel.last._compiled == "twin"
    # the run's training-annotation wrapper is undone: later callers get the real build_dataset
    import pagesieve.training.dataset as ds

    assert "n_synthetic" in inspect.signature(ds.build_dataset).parameters
