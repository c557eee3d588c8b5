"""The whole evaluation: a small real run, and a report that holds figures only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pagesieve.evaluate import run_evaluation
from pagesieve.evaluation.report import write_report
from pagesieve.model import default_model_path
from pagesieve.peers import available_peers

REPO = Path(__file__).resolve().parents[1]
MODEL = default_model_path()  # $PAGESIEVE_MODEL or models/pagesieve.joblib


# -- end to end on real pages -------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_report(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not MODEL.is_file():
        pytest.skip(f"needs the shipped model {MODEL} (run `make model`)")
    report = run_evaluation(shared_data, datasets=("cwced-zh",), limit=3, progress=False,
                            peers=True)
    out = tmp_path_factory.mktemp("report")
    report["_paths"] = [str(p) for p in write_report(report, out)]
    return report


def test_end_to_end_three_pages(small_report: dict[str, Any], shared_data: Path) -> None:
    rep = small_report
    assert rep["meta"]["pages"] == 3
    cw = rep["main_content"]["cwced-zh"]["extractors"]
    assert set(cw) >= {"pagesieve", "pagesieve[content]", *available_peers()}
    for s in cw.values():
        assert s["pages"] == 3
        assert 0.0 <= s["rouge1_f1"] <= 1.0
        assert s["site_mean_rouge1_f1"] is not None
        assert set(s["by_site"])
    # pagesieve's kept text matches the gold reasonably even on three pages.
    assert cw["pagesieve"]["rouge1_f1"] > 0.5
    t = rep["timing"]["pagesieve"]
    assert t["pages"] == 3 and t["pages_per_s"] > 0
    # Seed page figures come along.
    assert rep["seed_page"] is None or 0 <= rep["seed_page"]["macro_f1"] <= 1


def test_report_has_no_page_text(small_report: dict[str, Any], shared_data: Path) -> None:
    jpath, mpath = (Path(p) for p in small_report["_paths"])
    blob = jpath.read_text(encoding="utf-8") + mpath.read_text(encoding="utf-8")
    json.loads(jpath.read_text(encoding="utf-8"))
    idx = [json.loads(x) for x in (shared_data / "cwced-zh" / "index.jsonl").open(encoding="utf-8")]
    for rec in idx:
        gold = (shared_data / "cwced-zh" / rec["gold"]).read_text(encoding="utf-8")
        for line in gold.splitlines():
            line = line.strip()
            if len(line) >= 12:
                assert line[:12] not in blob, "page text leaked into the report"
    assert "# pagesieve evaluation" in mpath.read_text(encoding="utf-8")
