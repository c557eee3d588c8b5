"""train: moderators' corrections as training pages, and the checks made before any training."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pagesieve.train import (
    FEEDBACK_WEIGHT,
    TRAINING_DATA,
    check_training_inputs,
    feedback_pages,
    train_model,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PAGESIEVE_SHARED", REPO.parent / "shared")) / "data"


def test_feedback_pages_are_training_pages(tmp_path: Path) -> None:
    """`train --feedback` failed on the first correction: its pages' origin was unknown."""
    from pagesieve.service.feedback import FeedbackStore

    url = f"sqlite:///{tmp_path / 'fb.db'}"
    store = FeedbackStore(url)
    store.add("加微信领取免费插件，点击下载！", "ad", source="page.html")
    store.add("评论列表(4条)", "boilerplate")
    pages = feedback_pages(url)
    assert [(tp.labels, tp.origin) for tp in pages] == [
        (("ad",), "feedback"), (("boilerplate",), "feedback")]
    assert pages[0].weights == (FEEDBACK_WEIGHT,) and pages[0].host == "feedback-page.html"


def test_inputs_are_checked_before_training(tmp_path: Path) -> None:
    """What would fail (or train the wrong model) after minutes of work is refused first."""
    shared = tmp_path / "data"
    (shared / "cwced-zh").mkdir(parents=True)
    out = tmp_path / "models" / "m.joblib"
    assert check_training_inputs(shared, out, 0, None, None) == list(TRAINING_DATA[1:])
    a_file = tmp_path / "page.txt"
    a_file.write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "taken.joblib").mkdir()
    cases = [
        ((tmp_path / "nowhere", out, 0, None, None), "not found"),
        ((a_file, out, 0, None, None), "is a file, not a folder"),
        ((tmp_path / "empty", out, 0, None, None), "no training data under"),
        ((shared, out, 0, tmp_path / "no-annotations", None), "annotations folder not found"),
        ((shared, out, -1, None, None), "--seed must be between 0 and"),
        ((shared, tmp_path / "model.txt", 0, None, None), "must end in .joblib"),
        ((shared, tmp_path / "taken.joblib", 0, None, None), "is a folder"),
        ((shared, tmp_path / "a" / "b" / "m.joblib", 0, None, None), "cannot be made"),
        ((shared, out, 0, None, tmp_path / "empty"), "report .* is a folder"),
    ]
    for args, why in cases:
        with pytest.raises(ValueError, match=why):
            check_training_inputs(*args)


def test_train_refuses_a_folder_without_data_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pagesieve", "train", "--shared", str(tmp_path),
         "-o", str(tmp_path / "m.joblib")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().startswith("pagesieve: error: no training data under")
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "m.joblib").exists()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"needs the shared data at {SHARED_DATA}")
@pytest.mark.filterwarnings("ignore:Maximum number of iteration")  # 60 pages: a toy fit
def test_a_model_trains_with_corrections_folded_in(tmp_path: Path) -> None:
    """A small model, trained from synthetic pages and two corrections: the corrections are
    counted in its data summary and it labels pages."""
    from pagesieve import classify_page
    from pagesieve.service.feedback import FeedbackStore

    url = f"sqlite:///{tmp_path / 'fb.db'}"
    FeedbackStore(url).add("加微信领取免费插件，点击下载！", "ad")
    extra = feedback_pages(url)
    model, info = train_model(SHARED_DATA, n_synthetic=60, include_real=False,
                              annotations=tmp_path, extra_pages=extra)
    assert info["origins"]["feedback"] == 1
    result = classify_page("第一段正文，讲述城市的发展。\n\n加微信领取免费插件，点击下载！",
                           model=model)
    assert len(result.blocks) == 2


def test_training_without_annotations_says_so(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package has no checkout's data/annotations: training went on without the
    hand annotations, without a word."""
    import pagesieve.training.dataset as dataset_module

    class Stop(Exception):
        pass

    def stop(*args: object, **kwargs: object) -> None:
        raise Stop

    monkeypatch.setattr(dataset_module, "build_dataset", stop)
    said: list[str] = []
    with pytest.raises(Stop):
        train_model(tmp_path, annotations=tmp_path / "none", log=said.append)
    assert said == [f"no hand annotations in {tmp_path / 'none'}: training without them (the "
                    "shipped model had them; pass --annotations DIR)"]
    said.clear()
    with pytest.raises(Stop):
        train_model(tmp_path, log=said.append)  # this checkout's data/annotations
    assert said == []
