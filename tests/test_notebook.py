"""notebooks/evaluation.ipynb executes headless (as in CI) and writes its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesieve.model import default_model_path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "evaluation.ipynb"
REPORT = REPO / "reports" / "evaluation.json"
MODEL = default_model_path()  # $PAGESIEVE_MODEL or models/pagesieve.joblib
FIGURES = ("confusion.png", "pr_curves.png", "per_site_rouge.png", "per_site_annotations.png")


def test_notebook_executes(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat", reason="needs nbformat (dev extra)")
    nbclient = pytest.importorskip("nbclient", reason="needs nbclient (dev extra)")
    pytest.importorskip("matplotlib", reason="needs matplotlib (dev extra)")
    pytest.importorskip("ipykernel", reason="needs ipykernel (dev extra)")
    if REPORT.is_file():
        monkeypatch.setenv("PAGESIEVE_EVAL_REPORT", str(REPORT))  # read only
    else:
        if not MODEL.is_file():
            pytest.skip(f"no report at {REPORT} and no model at {MODEL} to make one")
        # A bounded run: 3 pages per data set, no held-out folds.
        monkeypatch.setenv("PAGESIEVE_EVAL_REPORT", str(tmp_path / "evaluation.json"))
        monkeypatch.setenv("PAGESIEVE_EVAL_LIMIT", "3")
    figures = tmp_path / "figures"
    monkeypatch.setenv("PAGESIEVE_FIGURES", str(figures))
    monkeypatch.setenv("PAGESIEVE_SHARED", str(shared_data.parent))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # jupyter_client runs the "python" of kernel.json as sys.executable: this venv.
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    for name in FIGURES:
        f = figures / name
        assert f.is_file() and f.stat().st_size > 1000, f"{name} not written"
