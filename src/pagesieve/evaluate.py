"""`pagesieve evaluate`: pagesieve against the peer extractors on real pages, split by site.

What is measured (every figure per site too, and the mean over sites):

- **Main content** - ROUGE-1 F1 over jieba words of the kept text against the gold text
  (`evaluation.metrics.rouge1`): words from `pagesieve.tokenize.tokenize` (NFKC, lower case),
  keeping only tokens with at least one letter or digit (punctuation, symbols and whitespace are
  dropped), multiset overlap. A page's figure is computed per page; a data set's figure is the
  mean over its pages. pagesieve keeps ``content`` on articles and ``content`` + ``comment`` on
  forum threads (see `evaluation.pages.page_type`); the content-only figure is reported beside
  it.
- **Lines** (`evaluation.metrics.line_figures`) - share of gold lines found in the kept text, and
  share of kept lines that are junk (not found in the gold). Lines are compared after
  NFKC/lower-casing and dropping everything but letters and digits; a gold line counts as kept
  when >= 80 % of its character 4-grams are in the kept text, a kept line counts as content when
  >= 50 % of its 4-grams are in the gold (lines under 4 characters: substring test). Pooled over
  pages.
- **Block labels** on the hand annotations (``data/annotations/*.jsonl``) and on the seed page:
  per-label precision/recall/F1, macro-F1 (over labels present in the gold or the predictions) and
  the confusion matrix. Peers cannot name labels: for them a block is "kept" when its text is found
  in their output (same matching rule as a gold line), and the report gives keep/drop precision and
  recall of the wanted blocks (content; content + comment on forum threads), junk kept, ads kept.
- **Held out by site** (`evaluation.heldout.evaluate_heldout`) - the honest figure: the sites of
  the evaluation pages are split into folds; for each fold a model is trained without those sites
  (``build_dataset(..., exclude_hosts=...)``) and evaluated on their pages only.
- **Held-back corpora** (`evaluation.heldback.evaluate_heldback`, with the folds): block labels
  on pages composed from corpus text and site templates a model was trained without; the issue's
  seed-like targets on text the model never saw (optimistic: the layouts are our composer's).
- **Speed** - pages per second of every extractor, in this process, on the same pages.

Data (``../shared/data``): ``cwced-zh`` (gold), ``gne-testpages`` (GNE's own 2019 output for 20
pages: *silver*, and biased towards gne), ``readability-zh`` (Readability.js's expected output:
biased towards readability), ``trafilatura-zh`` (snippet checks only: biased towards
trafilatura), ``webmainbench-zh`` (human gold, markdown), plus every annotated page. Reports hold
figures only, never page text.

This module runs the whole evaluation (`run_evaluation`; `evaluate_command` for the CLI;
`quick_metrics` for the model manifest). Each part has its own module in `pagesieve.evaluation`:
the metrics, the pages, running the extractors, the summaries, the gold pages (seed page and
seed-like pages), the held-out folds, the held-back corpora and the report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .evaluation.extractors import HELDOUT, PAGESIEVE, run_pages
from .evaluation.goldpages import (
    DEFAULT_SEEDLIKE,
    DEFAULT_SEEDLIKE_BLIND,
    seed_page_metrics,
    seedlike_metrics,
)
from .evaluation.heldback import evaluate_heldback
from .evaluation.heldout import (
    DEFAULT_HELDOUT_FOLDS,
    DEFAULT_HELDOUT_SYNTHETIC,
    evaluate_heldout,
)
from .evaluation.metrics import CONTENT_THRESHOLD, GRAM, KEEP_THRESHOLD
from .evaluation.pages import (
    DATASETS,
    DEFAULT_ANNOTATIONS,
    DEFAULT_SHARED,
    is_shared_root,
    load_eval_pages,
    page_type,
)
from .evaluation.report import (
    check_report_path,
    print_summary,
    render_figures,
    targets,
    write_report,
)
from .evaluation.summary import summarize
from .limits import env_int

__all__ = ["evaluate_command", "quick_metrics", "run_evaluation"]


MAGIC_HTML_NOTE = "magic-html skipped: it requires Python >= 3.12 (this environment: Python 3.11)"


def _resolve_shared(path: Path | None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get("PAGESIEVE_SHARED")
    base = Path(env) if env else DEFAULT_SHARED
    return base / "data" if (base / "data").is_dir() else base


def _model_facts(model: Any, model_path: Path | None) -> dict[str, Any]:
    man = getattr(model, "manifest", {}) or {}
    return {
        "path": str(model_path) if model_path else "default",
        "sha256": man.get("sha256"),
        "created": man.get("created"),
        "seed": man.get("seed"),
        "trained_on_shared_pages": bool(man.get("data")),
    }


def run_evaluation(
    path: Path | None = None,
    *,
    model: Any | None = None,
    model_path: Path | None = None,
    peers: bool = True,
    annotations_dir: Path | None = None,
    heldout_folds: int = 0,
    heldout_kwargs: Mapping[str, Any] | None = None,
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
    seed: int = 0,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    seedlike_dir: Path | None = DEFAULT_SEEDLIKE,
    blind_dir: Path | None = DEFAULT_SEEDLIKE_BLIND,
) -> dict[str, Any]:
    """Evaluate pagesieve (and the peers) on the pages under `path`; returns the JSON report.

    `seedlike_dir` (default the repo's ``data/seedlike``) adds our seed-like gold pages, and
    `blind_dir` (``data/seedlike-blind``) the blind set; a missing folder or None leaves
    ``seedlike`` / ``seedlike_blind`` None in the report.
    """
    from .annotations import load_annotations
    from .model import load_model
    from .peers import available_peers, peer_versions

    t_start = time.perf_counter()
    data_path = _resolve_shared(path)
    if not data_path.exists():
        raise ValueError(f"evaluation data not found: {data_path}")
    # a folder's own annotations first (`PATH/annotations`), else the repo's (for shared data)
    if annotations_dir is not None:
        ann_dir = annotations_dir
        if not ann_dir.is_dir():
            raise ValueError(f"annotations folder not found: {ann_dir}")
    elif (data_path / "annotations").is_dir():
        ann_dir = data_path / "annotations"
    else:
        ann_dir = DEFAULT_ANNOTATIONS
    annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    pages = load_eval_pages(data_path, annotations=annotations, datasets=datasets, limit=limit)
    if not pages:
        raise ValueError(f"no evaluation pages under {data_path}")
    if log:  # outside a checkout (an installed package) the defaults are not there: say so
        missing = [f"{what} ({where})" for what, where, there in (
            ("hand annotations", ann_dir, bool(annotations)),
            ("seed-like pages", seedlike_dir, seedlike_dir is None or seedlike_dir.is_dir()),
            ("blind seed-like pages", blind_dir, blind_dir is None or blind_dir.is_dir()),
        ) if not there]
        if missing:
            log(f"not found, left out of the report: {'; '.join(missing)}")
    if model is None:
        model = load_model(model_path)
    peer_names = available_peers() if peers else ()
    if log:
        log(f"{len(pages)} pages ({sum(p.annotated for p in pages)} annotated), "
            f"{len({p.site for p in pages})} sites; peers: {', '.join(peer_names) or 'none'}")
    per_page = run_pages(pages, model=model, peer_names=peer_names, annotations=annotations,
                         progress=progress)
    names = [PAGESIEVE, *peer_names]
    heldout_info = heldback = None
    if heldout_folds and heldout_folds > 0 and is_shared_root(data_path):
        try:
            ho = evaluate_heldout(data_path, folds=heldout_folds, seed=seed, pages=pages,
                                  annotations=annotations, annotations_dir=ann_dir,
                                  dataset_kwargs=heldout_kwargs, progress=progress, log=log)
        except ImportError as exc:
            heldout_info = {"error": f"training data builder unavailable: {exc}"}
        else:
            for key, entry in ho["pages"].items():
                per_page[key]["extractors"].update(entry["extractors"])
                per_page[key]["fold"] = entry["fold"]
            names = [HELDOUT, *names]
            heldout_info = {k: v for k, v in ho.items() if k != "pages"}
        n_synth = int((heldout_kwargs or {}).get("n_synthetic", DEFAULT_HELDOUT_SYNTHETIC))
        if log:
            log("held-back corpora: training without them, labelling pages composed from them")
        try:
            heldback = evaluate_heldback(data_path, seed=seed, n_synthetic=n_synth, log=log)
        except ImportError as exc:
            heldback = {"error": f"training data builder unavailable: {exc}"}
    summary = summarize(per_page, names)
    shared_root = data_path.parent if is_shared_root(data_path) else DEFAULT_SHARED
    seed_fig = seed_page_metrics(model, shared_root)
    seedlike = seedlike_metrics(model, seedlike_dir) if seedlike_dir is not None else None
    blind = seedlike_metrics(model, blind_dir) if blind_dir is not None else None
    report: dict[str, Any] = {
        "meta": {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": str(data_path),
            "annotations": str(ann_dir) if annotations else None,
            "pages": len(pages),
            "sites": len({p.site for p in pages}),
            "model": _model_facts(model, model_path),
            "extractors": names,
            "peer_versions": {k: v for k, v in peer_versions().items() if k in peer_names},
            "magic_html": MAGIC_HTML_NOTE,
            "heldout": heldout_info,
            "seconds": None,
            "settings": {
                "rouge": "ROUGE-1 over jieba words (pagesieve.tokenize), tokens with a letter or "
                         "digit only, multiset overlap, mean over pages",
                "keep": "pagesieve keeps content on articles, content+comment on forum threads",
                "lines": f"gold line kept if >= {KEEP_THRESHOLD:.0%} of its char {GRAM}-grams are "
                         f"in the output; kept line is junk if < {CONTENT_THRESHOLD:.0%} are in "
                         "the gold (NFKC, lower case, letters/digits only)",
                "forum_rule": " ".join(page_type.__doc__.split("\n\n")[1].split())
                if page_type.__doc__ else "",
                "site_rule": "registered domain of the URL / saved-from / canonical / og:url, "
                             "else of the domain most links point to (>= 3), else a portal name "
                             "in the title, else a hashed per-title key; then pages sharing a "
                             "site under this rule or under the training data's host names are "
                             "merged into one site (held-out folds never split a site)",
                "junk_caveat": "a kept line absent from the gold counts as junk: cwced gold "
                               "often omits the headline, byline and date lines that labels.md "
                               "calls content, so every extractor that keeps them pays for it",
                "speed": "pages/s in this process, sequential, on the same pages; pagesieve "
                         "reads bytes (decode + segment + model, explain off), peers get the "
                         "decoded string; absolute speeds depend on machine load",
                "annotations": "blocks mapped by text hash (labels_for_blocks); unmapped blocks "
                               "are counted and skipped",
                "peers": "trafilatura include_comments=False; readability summary(); resiliparse "
                         "main_content=True; boilerpy3 ArticleExtractor; gne content",
            },
        },
        "pages": {k: _strip_page(v) for k, v in per_page.items()},
        **summary,
        "seed_page": seed_fig,
        "seedlike": seedlike,
        "seedlike_blind": blind,
        "heldback": heldback,
    }
    report["targets"] = targets(report)
    report["meta"]["seconds"] = round(time.perf_counter() - t_start, 1)
    report["meta"]["in_sample_warning"] = (
        "The shipped model was trained on these shared pages (gold-aligned real pages and the "
        "annotations), so its figures here are in-sample; the honest figures are "
        f"'{HELDOUT}' (sites held out of training)."
        if report["meta"]["model"]["trained_on_shared_pages"]
        and any(p.dataset in DATASETS for p in pages) else None
    )
    return report


def _strip_page(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Per-page record for the report: figures, and block (gold, pred, scores) rows."""
    out = {k: v for k, v in entry.items() if k != "extractors"}
    out["extractors"] = {}
    for name, fig in entry["extractors"].items():
        f = dict(fig)
        if "kept_blocks" in f:  # summarised per data set; per block only for labellers
            kb = f.pop("kept_blocks")
            f["blocks_kept"] = sum(1 for _, k in kb if k)
            f["blocks_annotated"] = len(kb)
        if "labelled" in f:
            f["labelled"] = [[g, p, s] for g, p, s in f["labelled"]]
        out["extractors"][name] = f
    return out


def quick_metrics(model: Any, shared: Path) -> dict[str, Any]:
    """Fast pagesieve-only figures for the model manifest (`make model`): cwced ROUGE-1,
    annotations macro-F1, seed page. In-sample for a model trained on these pages."""
    shared = Path(shared)
    ann_dir = DEFAULT_ANNOTATIONS
    from .annotations import load_annotations

    annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    pages = load_eval_pages(shared, annotations=annotations, datasets=("cwced-zh", "gne-testpages",
                                                                        "gerapy-samples"))
    pages = [p for p in pages if p.dataset == "cwced-zh" or p.annotated]
    res = run_pages(pages, model=model, peer_names=(), annotations=annotations, progress=False)
    s = summarize(res, [PAGESIEVE])
    cw = s["main_content"].get("cwced-zh", {}).get("extractors", {}).get(PAGESIEVE, {})
    ann = s["annotations"].get(PAGESIEVE, {})
    seed = seed_page_metrics(model, shared.parent)
    return {
        "in_sample": True,
        "cwced_rouge1_f1": cw.get("rouge1_f1"),
        "cwced_by_type": cw.get("by_type"),
        "cwced_lines": {k: cw.get("lines", {}).get(k)
                        for k in ("content_lines_kept", "junk_lines_leaked")},
        "annotations_macro_f1": ann.get("macro_f1"),
        "annotations_pages": s["annotations"].get("pages"),
        "seed_macro_f1": seed.get("macro_f1") if seed else None,
        "seed_ad": seed.get("ad") if seed else None,
    }


def _env_count(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


def evaluate_command(
    path: Path | None,
    model: Path | None,
    peers: bool,
    report: Path | None,
    annotations: Path | None = None,
) -> int:
    """`pagesieve evaluate [PATH] [--model M] [--peers/--no-peers] [--report R]`.

    After the report, the notebook is executed to draw the figures beside it
    (``PAGESIEVE_EVAL_FIGURES=0`` skips that). Held-out-by-site folds run when PATH is the shared
    data folder and the training data builder
    is installed: ``PAGESIEVE_EVAL_FOLDS`` (default 3; 0 turns it off) and
    ``PAGESIEVE_EVAL_SYNTHETIC`` (synthetic pages per fold, passed to ``build_dataset``; default
    1,600, as `make model` trains) bound it to a few minutes on two cores. With the folds, the
    held-back-corpus model is trained and scored too (`evaluation.heldback`).
    `report` is a ``.json`` or ``.md`` path (the other file goes beside it) or a folder;
    default ``reports/evaluation.json`` and ``reports/evaluation.md``. PATH, the report and
    `annotations` (default ``PATH/annotations``, else the repo's ``data/annotations``) are
    read relative to the working folder, PATH by default ``$PAGESIEVE_SHARED/data`` or
    ``../shared/data``.
    """
    from rich.console import Console

    console = Console(stderr=True)
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        console.print(f"[dim]{time.perf_counter() - t0:6.1f}s[/] {msg}")

    if path is None:  # where the working folder says, not where the code is installed
        env = os.environ.get("PAGESIEVE_SHARED")
        base = Path(env) if env else Path("..") / "shared"
        path = base / "data" if (base / "data").is_dir() or not env else base
        if not path.is_dir():
            raise ValueError(f"evaluation data not found: {path} (pass the folder to evaluate)")
    if report is None:
        report = Path("reports") / "evaluation.json"
    check_report_path(report)  # before the work: a bad path must not cost the evaluation
    folds = _env_count("PAGESIEVE_EVAL_FOLDS", DEFAULT_HELDOUT_FOLDS)
    kwargs: dict[str, Any] = {
        "n_synthetic": _env_count("PAGESIEVE_EVAL_SYNTHETIC", DEFAULT_HELDOUT_SYNTHETIC)}
    result = run_evaluation(path, model_path=model, peers=peers, heldout_folds=folds,
                            annotations_dir=annotations,
                            heldout_kwargs=kwargs, log=log, progress=console.is_terminal)
    jpath, mpath = write_report(result, report)
    if os.environ.get("PAGESIEVE_EVAL_FIGURES", "1") != "0":
        log("drawing the figures (notebooks/evaluation.ipynb)")
        figs, why = render_figures(jpath)
        result["meta"]["figures"] = [os.path.relpath(f, jpath.parent) for f in figs]
        if why:
            log(f"figures skipped: {why}")
        jpath, mpath = write_report(result, report)
    print_summary(result)
    log(f"wrote {jpath} and {mpath}")
    return 0
