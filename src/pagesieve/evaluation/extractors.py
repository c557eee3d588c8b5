"""Running the extractors on the evaluation pages: pagesieve and the peers, one page at a time.

`run_pages` gives, per page, the figures of every extractor (ROUGE-1 and lines against the
gold, snippets found, and on annotated pages the block labels or the blocks kept) and its
time; no page text leaves this module.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..types import LABELS
from .metrics import MatchTarget, line_figures, rouge1, text_found, words
from .pages import EvalPage

__all__ = [
    "HELDOUT",
    "HELDOUT_CONTENT",
    "PAGESIEVE",
    "PAGESIEVE_CONTENT",
    "run_pages",
    "wanted_labels",
]

#: Extractor names in the report: the evaluated model, the held-out models, and their
#: content-only rows.
PAGESIEVE = "pagesieve"
PAGESIEVE_CONTENT = "pagesieve[content]"
HELDOUT = "pagesieve-heldout"
HELDOUT_CONTENT = "pagesieve-heldout[content]"


def wanted_labels(page_kind: str) -> tuple[str, ...]:
    """Labels pagesieve keeps for the main-content figure: content (+ comment on forums)."""
    return ("content", "comment") if page_kind == "forum" else ("content",)


def _pagesieve_page(
    model: Any, page: EvalPage, annotation: Any | None, name: str
) -> dict[str, Any]:
    """Run pagesieve on one page: kept texts and, when annotated, (gold, pred, scores) per block."""
    from ..classify import classify_page

    t0 = time.perf_counter()
    res = classify_page(page.data, kind="html", model=model, keep=("content",), explain=False)
    seconds = time.perf_counter() - t0
    labels = [lb.label.name for lb in res.blocks]
    texts = [lb.block.text for lb in res.blocks]
    want = wanted_labels(page.type)
    kept = "\n".join(t for t, lab in zip(texts, labels, strict=True) if lab in want and t)
    out: dict[str, Any] = {
        "name": name,
        "seconds": seconds,
        "text": kept,
        "text_content": res.text,
        "error": None,
        "blocks": len(res.blocks),
    }
    if annotation is not None:
        out["labelled"] = _annotated_blocks(res.blocks, annotation)
        out["unmapped"] = len(res.blocks) - len(out["labelled"])
    return out


def _annotated_blocks(blocks: Sequence[Any], annotation: Any) -> list[tuple[str, str, list[float]]]:
    """(gold, predicted, scores) of every block the annotation maps onto (by text hash)."""
    from ..annotations import labels_for_blocks

    gold = labels_for_blocks(annotation, [lb.block for lb in blocks])
    rows = []
    for lb, g in zip(blocks, gold, strict=True):
        if g is None:
            continue
        scores = [round(float(lb.label.scores.get(lab, 0.0)), 4) for lab in LABELS]
        rows.append((g, lb.label.name, scores))
    return rows


def _peer_page(name: str, page: EvalPage, annotation: Any | None, blocks: Sequence[Any] | None
               ) -> dict[str, Any]:
    from ..peers import run_peer

    r = run_peer(name, page.html)
    out: dict[str, Any] = {"name": name, "seconds": r.seconds, "text": r.text, "error": r.error}
    if annotation is not None and blocks is not None:
        from ..annotations import labels_for_blocks

        gold = labels_for_blocks(annotation, blocks)
        target = MatchTarget.of(r.text)
        out["kept_blocks"] = [
            (g, text_found(b.text, target)) for b, g in zip(blocks, gold, strict=True)
            if g is not None
        ]
    return out


def _page_figures(page: EvalPage, run: Mapping[str, Any]) -> dict[str, Any]:
    """Figures (no text) for one extractor on one page."""
    err = run.get("error")
    # Only the exception type goes in the report: a message could quote the page.
    fig: dict[str, Any] = {"seconds": round(float(run["seconds"]), 6),
                           "error": str(err).split(":", 1)[0] if err else None}
    text = str(run.get("text") or "")
    if page.gold is not None:
        fig["rouge1"] = rouge1(text, page.gold).as_dict()
        fig["lines"] = line_figures(text, page.gold)
        if "text_content" in run:
            fig["rouge1_content_only"] = rouge1(str(run["text_content"]), page.gold).as_dict()
    if page.snippets_with or page.snippets_without:
        target = MatchTarget.of(text)
        fig["snippets"] = {
            "with_found": sum(text_found(s, target, 1.0) for s in page.snippets_with),
            "with_total": len(page.snippets_with),
            "without_found": sum(text_found(s, target, 1.0) for s in page.snippets_without),
            "without_total": len(page.snippets_without),
        }
    if "labelled" in run:
        fig["labelled"] = run["labelled"]
        fig["unmapped_blocks"] = run.get("unmapped", 0)
    if "kept_blocks" in run:
        fig["kept_blocks"] = run["kept_blocks"]
    return fig


def _progress(enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=not enabled, transient=True,
    )


def run_pages(
    pages: Sequence[EvalPage],
    *,
    model: Any | None,
    peer_names: Sequence[str],
    annotations: Mapping[str, Any],
    pagesieve_name: str = PAGESIEVE,
    progress: bool = True,
    description: str = "evaluating",
) -> dict[str, dict[str, Any]]:
    """Per page key: page facts and figures per extractor."""
    from ..read import read_page

    results: dict[str, dict[str, Any]] = {}
    with _progress(progress) as bar:
        task = bar.add_task(description, total=len(pages))
        for page in pages:
            ann = annotations.get(page.key) if page.annotated else None
            entry: dict[str, Any] = {
                "dataset": page.dataset, "site": page.site, "type": page.type,
                "gold_kind": page.gold_kind, "annotated": page.annotated, "extractors": {},
            }
            if page.gold is not None:
                entry["gold_words"] = len(words(page.gold))
            blocks = None
            if ann is not None and peer_names:
                blocks = read_page(page.data, kind="html").blocks
            if model is not None:
                try:
                    run = _pagesieve_page(model, page, ann, pagesieve_name)
                except Exception as exc:  # counted as a failure, like a peer's
                    run = {"name": pagesieve_name, "seconds": 0.0, "text": "", "text_content": "",
                           "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                entry["extractors"][pagesieve_name] = _page_figures(page, run)
            for name in peer_names:
                entry["extractors"][name] = _page_figures(page, _peer_page(name, page, ann, blocks))
            results[page.key] = entry
            bar.advance(task)
    return results
