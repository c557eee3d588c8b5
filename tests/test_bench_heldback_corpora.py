"""bench/heldback_corpora.py: seeds run in turn, a `--set` reaches the model's settings for the
run only (the evaluation itself is stubbed: a real run trains a model a seed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pagesieve.evaluation.heldback as heldback_module
from pagesieve.evaluation.metrics import label_figures
from pagesieve.model import PageModel


def test_seeds_settings_and_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    bench_script: Any,
) -> None:
    mod = bench_script("heldback_corpora")
    seen: list[tuple[int, int, float, Any]] = []

    def fake(data: Path, *, seed: int, n_pages: int, **kw: Any) -> Any:
        seen.append((seed, n_pages, PageModel().c_context, kw.get("n_synthetic")))
        fig = label_figures(["ad", "ad", "content"], ["ad", "related", "content"])
        return {"pages": n_pages, "page_types": {"news": n_pages}, "all": fig,
                "seedlike": fig, "by_type": {"news": fig}}

    monkeypatch.setattr(heldback_module, "evaluate_heldback", fake)
    out = tmp_path / "r.json"
    assert mod.main(["--seed", "0", "3", "--pages", "7", "--set", "c_context=0.5",
                     "--json", str(out)]) == 0
    assert seen == [(0, 7, 0.5, None), (3, 7, 0.5, None)]  # None: the evaluation's default
    assert PageModel().c_context == 1.0  # the setting is undone after the run
    text = capsys.readouterr().out
    assert "seed 3: 7 pages" in text and "ad P 1.000 R 0.500" in text
    assert set(json.loads(out.read_text())) == {"0", "3"}
    assert mod.main(["--synthetic", "400"]) == 0 and seen[-1] == (0, 400, 1.0, 400)
    with pytest.raises(SystemExit, match="no setting"):
        mod.main(["--set", "nonsense=1"])
