"""`pagesieve train` / `make model`: build the training data from ../shared/data, fit, save.

Reproducible: the data builder and the model take a fixed seed, and the manifest records the data
summary and library versions, so the same command on the same data gives the same model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console

from .model import PageModel, check_save_path
from .read import read_page
from .types import LABELS

__all__ = [
    "ANNOTATED_WEIGHT",
    "DEFAULT_ANNOTATIONS",
    "feedback_pages",
    "reweight",
    "train_command",
    "train_model",
]

DEFAULT_ANNOTATIONS = Path(__file__).resolve().parents[2] / "data" / "annotations"
FEEDBACK_WEIGHT = 3.0
#: Hand-annotated real pages count this many times a synthetic block: they are the closest thing
#: to the pages pagesieve is judged on (held-out-by-site macro-F1 rose with it; see README).
ANNOTATED_WEIGHT = 4.0


def feedback_pages(database_url: str | None) -> list[Any]:
    """Moderators' corrections as one-block training pages (text input), weighted up."""
    from .service.feedback import export_corrections
    from .training.dataset import TrainingPage

    out = []
    for i, rec in enumerate(export_corrections(database_url)):
        label = rec.get("label")
        text = (rec.get("text") or "").strip()
        if label not in LABELS or not text:
            continue
        page = read_page(text, kind="text", source=f"feedback/{i}")
        if not page.blocks:
            continue
        n = len(page.blocks)
        out.append(
            TrainingPage(
                page=page,
                labels=(label,) * n,
                weights=(FEEDBACK_WEIGHT,) * n,
                host=f"feedback-{rec.get('source') or 'moderation'}",
                origin="feedback",
                page_id=f"feedback/{i}",
            )
        )
    return out


def reweight(data: list[Any]) -> list[Any]:
    """Training pages with the hand-annotated ones weighted up (`ANNOTATED_WEIGHT`).

    `train_model` and the held-out evaluation both use it, so what is evaluated is what ships.
    """
    return [
        replace(tp, weights=tuple(w * ANNOTATED_WEIGHT for w in tp.weights))
        if tp.origin == "annotated"
        else tp
        for tp in data
    ]


def train_model(
    shared: Path,
    *,
    seed: int = 0,
    annotations: Path | None = None,
    extra_pages: list[Any] | None = None,
    exclude_hosts: frozenset[str] = frozenset(),
    log: Callable[[str], None] | None = None,
    **dataset_kwargs: Any,
) -> tuple[PageModel, dict[str, Any]]:
    """Build the dataset and fit a `PageModel`; returns the model and the data summary."""
    from .annotations import load_annotations
    from .training.dataset import build_dataset, summary

    ann_dir = annotations if annotations is not None else DEFAULT_ANNOTATIONS
    ann = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    if log and not ann:  # an installed package has no checkout's data/ (it said nothing)
        log(f"no hand annotations in {ann_dir}: training without them (the shipped model had "
            "them; pass --annotations DIR)")
    t0 = time.perf_counter()
    data = build_dataset(
        shared, seed=seed, annotations=ann, exclude_hosts=exclude_hosts, **dataset_kwargs
    )
    data = reweight([tp for tp in data if tp.page.blocks] + list(extra_pages or []))
    if log:
        log(f"dataset: {len(data)} pages built in {time.perf_counter() - t0:.1f}s")
    model = PageModel(random_state=seed)
    model.fit(
        [tp.page for tp in data],
        [tp.labels for tp in data],
        weights=[tp.weights for tp in data],
        groups=[tp.host for tp in data],
        progress=log,
    )
    info = summary(data)
    info["annotations"] = str(ann_dir) if ann else None
    return model, info


#: What training reads under the shared data folder: real pages with gold text, then the
#: corpora the synthetic pages are composed from (training/realpages.py, training/corpora.py).
TRAINING_DATA = (
    "cwced-zh", "gne-testpages", "readability-zh", "trafilatura-zh", "webmainbench-zh",
    "sina-news-2018", "sogou-news-smarty", "thucnews-fulltext-mini", "fewclue-tnews",
    "headlines-baowen", "gamble-blocks", "reviews-chinesenlpcorpus", "fewclue-eprstmt",
    "weibo-comments-osm2022", "trec06c-sample", "mcchat-ads",
)


def check_training_inputs(
    shared: Path, out: Path, seed: int, annotations: Path | None, report: Path | None
) -> list[str]:
    """Refuse (`ValueError`) what would fail, or train the wrong model, only after minutes of
    work; returns the data sets missing from `shared` when some are there."""
    if not shared.is_dir():
        what = "is a file, not a folder" if shared.exists() else "not found"
        raise ValueError(f"shared data folder {shared} {what} (pass --shared PATH)")
    missing = [name for name in TRAINING_DATA if not (shared / name).is_dir()]
    if len(missing) == len(TRAINING_DATA):
        raise ValueError(
            f"no training data under {shared}: none of {', '.join(TRAINING_DATA[:3])}... is "
            "there (pass the shared data folder, the one holding cwced-zh/)"
        )
    if annotations is not None and not annotations.is_dir():
        raise ValueError(f"annotations folder not found: {annotations}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"--seed must be between 0 and {2**32 - 1}, not {seed}")
    check_save_path(out)
    for path, what in ((out, "model file"), (report, "report")):
        if path is None:
            continue
        if path.is_dir():
            raise ValueError(f"the {what} {path} is a folder; name a file")
        if not path.parent.is_dir() and not path.parent.parent.is_dir():
            raise ValueError(f"the {what}'s folder {path.parent} cannot be made: "
                             f"no such folder {path.parent.parent}")
    return missing


def train_command(
    *,
    shared: Path,
    out: Path,
    seed: int = 0,
    feedback: bool = False,
    database_url: str | None = None,
    annotations: Path | None = None,
    report: Path | None = None,
) -> int:
    console = Console(stderr=True)
    missing = check_training_inputs(shared, out, seed, annotations, report)
    if missing:
        console.print(f"[yellow]warning:[/] not under {shared}: {', '.join(missing)}; the model "
                      "is trained without them")
    extra = feedback_pages(database_url) if feedback else []
    if feedback:
        console.print(f"feedback: {len(extra)} corrections folded in")
    t0 = time.perf_counter()
    model, info = train_model(
        shared,
        seed=seed,
        annotations=annotations,
        extra_pages=extra,
        log=lambda m: console.print(f"[dim]{time.perf_counter() - t0:6.1f}s[/] {m}"),
    )
    info["feedback_corrections"] = len(extra)
    metrics: dict[str, Any] = {}
    try:
        from .evaluate import quick_metrics

        metrics = quick_metrics(model, shared)
    except ImportError:
        pass
    manifest = model.save(out, extra={"seed": seed, "data": info, "metrics": metrics})
    console.print(
        f"wrote {out} (sha256 {manifest['sha256'][:12]}…) in {time.perf_counter() - t0:.0f}s"
    )
    if report is not None:
        import json

        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            json.dumps({"data": info, "metrics": metrics}, ensure_ascii=False, indent=2)
        )
    return 0
