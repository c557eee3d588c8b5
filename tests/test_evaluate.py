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


# -- a folder of one's own --------------------------------------------------------------------
def test_a_folder_is_evaluated_with_its_own_annotations(tmp_path: Path) -> None:
    """`PATH/annotations` is read for PATH's pages (the repo's annotations were, and the
    folder's pages counted as not annotated); `--annotations` names another folder."""
    if not MODEL.is_file():
        pytest.skip(f"needs the shipped model {MODEL} (run `make model`)")
    from pagesieve import read_page
    from pagesieve.annotations import block_hash

    folder = tmp_path / "mine"
    folder.mkdir()
    text = "城南新开的农贸市场今天开张，市场负责人表示这里将成为居民买菜的好地方。"
    page = f"<html><body><h1>城南市场开张</h1><p>{text}</p><p>联系我们</p></body></html>"
    (folder / "a.html").write_text(page, encoding="utf-8")
    (folder / "a.gold.txt").write_text(text, encoding="utf-8")
    blocks = read_page(page.encode("utf-8")).blocks
    labels = ["content", "content", "boilerplate"]
    (folder / "annotations").mkdir()
    (folder / "annotations" / "mine.jsonl").write_text("".join(
        json.dumps({"page": "mine/a", "block": b.index, "hash": block_hash(b.text),
                    "label": lab}) + "\n" for b, lab in zip(blocks, labels, strict=True)
    ), encoding="utf-8")
    kw: dict[str, Any] = {"peers": False, "progress": False, "seedlike_dir": None,
                          "blind_dir": None}
    rep = run_evaluation(folder, **kw)
    assert rep["meta"]["annotations"] == str(folder / "annotations")
    # no peers run, none named (the Markdown listed every installed peer's version)
    assert rep["meta"]["peer_versions"] == {}
    from pagesieve.evaluation.report import render_markdown

    assert "Peers: none." in render_markdown(rep)
    assert rep["annotations"]["pages"] == 1
    with pytest.raises(ValueError, match="annotations folder not found"):
        run_evaluation(folder, annotations_dir=tmp_path / "none", **kw)


def test_defaults_that_are_not_there_are_named(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package has no checkout's data/: evaluate dropped the annotations and the
    seed-like sets from the report without a word ("0 annotated"); it says what it left out."""
    if not MODEL.is_file():
        pytest.skip(f"needs the shipped model {MODEL} (run `make model`)")
    import pagesieve.evaluate as evaluate_module

    folder = tmp_path / "mine"
    folder.mkdir()
    text = "城南新开的农贸市场今天开张，市场负责人表示这里将成为居民买菜的好地方。"
    (folder / "a.html").write_text(f"<html><body><p>{text}</p></body></html>", encoding="utf-8")
    (folder / "a.gold.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(evaluate_module, "DEFAULT_ANNOTATIONS", tmp_path / "no-annotations")
    said: list[str] = []
    run_evaluation(folder, peers=False, progress=False, log=said.append,
                   seedlike_dir=tmp_path / "no-seedlike", blind_dir=None)
    [line] = [s for s in said if s.startswith("not found")]
    assert line == (f"not found, left out of the report: hand annotations ({tmp_path}/"
                    f"no-annotations); seed-like pages ({tmp_path}/no-seedlike)")
    said.clear()
    seedlike = tmp_path / "seedlike"
    seedlike.mkdir()
    run_evaluation(folder, peers=False, progress=False, log=said.append,
                   seedlike_dir=seedlike, blind_dir=None,
                   annotations_dir=tmp_path)  # a folder with no annotations in it
    assert [s for s in said if s.startswith("not found")] == [
        f"not found, left out of the report: hand annotations ({tmp_path})"]


def test_evaluate_without_a_path_reads_from_the_working_folder(tmp_path: Path) -> None:
    """No PATH: ../shared/data from where it runs (it used to evaluate the checkout's sibling
    and write into the checkout's reports/ from anywhere)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PAGESIEVE_SHARED"}
    proc = subprocess.run([sys.executable, "-m", "pagesieve", "evaluate"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "evaluation data not found: ../shared/data" in proc.stderr
    env["PAGESIEVE_EVAL_FOLDS"] = "abc"
    proc = subprocess.run([sys.executable, "-m", "pagesieve", "evaluate", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "PAGESIEVE_EVAL_FOLDS must be a whole number" in proc.stderr
