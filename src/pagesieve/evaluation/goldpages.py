"""Pages with gold labels per line or per element: the seed page and our seed-like pages.

The seed page (``shared/examples/seed-page.txt``) is the page pagesieve was specified from; the
seed-like pages (``data/seedlike``) were written by us from labels.md and are never trained on.
Each has a ``<stem>.gold.json`` beside it: the labels each line (text pages) or each element's
text (HTML pages) accepts. Blocks are scored against the gold pieces they cover.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..types import LABELS
from . import REPO
from .metrics import label_figures

__all__ = [
    "DEFAULT_SEEDLIKE",
    "DEFAULT_SEEDLIKE_BLIND",
    "PAGE_KINDS",
    "entry_accepts",
    "gold_pages",
    "gold_path",
    "line_accepts",
    "load_gold",
    "page_accepts",
    "page_metrics",
    "read_gold_page",
    "score_labels",
    "seed_page_metrics",
    "seedlike_metrics",
]

DEFAULT_SEEDLIKE = REPO / "data" / "seedlike"
#: A second set, written and labelled before any model was run on it (its README says how).
DEFAULT_SEEDLIKE_BLIND = REPO / "data" / "seedlike-blind"
#: Page suffixes a gold folder holds, and how each is read.
PAGE_KINDS = {".txt": "text", ".html": "html", ".htm": "html"}

#: Accepted labels of each gold piece a block covers (one list per piece).
Accepts = list[list[str]]


def _squash(text: str) -> str:
    """Text without any whitespace: the segmenter folds spaces, a gold file keeps them as typed."""
    return "".join(text.split())


def gold_path(page: Path) -> Path:
    """``<stem>.gold.json`` beside the page (the seed page's naming)."""
    return page.with_name(page.stem + ".gold.json")


def load_gold(path: Path) -> list[dict[str, Any]]:
    """A gold file's pieces: ``lines`` (text pages) or ``entries`` (HTML pages), or a bare list.

    Each piece holds ``accept`` (a non-empty list of labels) and either ``line`` (1-based) or
    ``text``; a malformed file raises ValueError rather than scoring against half a gold.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    pieces = data if isinstance(data, list) else data.get("lines", data.get("entries"))
    if not isinstance(pieces, list):
        raise ValueError(f"{path}: no 'lines' or 'entries' list")
    for g in pieces:
        accept = g.get("accept") if isinstance(g, dict) else None
        if not accept or any(a not in LABELS for a in accept):
            raise ValueError(f"{path}: bad accept in {g!r}")
        if "line" not in g and not str(g.get("text", "")).strip():
            raise ValueError(f"{path}: a piece needs 'line' or 'text': {g!r}")
    return pieces


def line_accepts(text: str, blocks: Sequence[Any], gold: Sequence[Mapping[str, Any]]
                 ) -> list[Accepts]:
    """Per block, the accept lists of the gold lines its character offsets overlap."""
    import bisect

    by_line = {int(g["line"]): list(g["accept"]) for g in gold}
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out: list[Accepts] = []
    for b in blocks:
        if b.start is None or b.end is None:
            out.append([])
            continue
        first = bisect.bisect_right(starts, b.start)
        last = bisect.bisect_right(starts, max(b.start, b.end - 1))
        out.append([by_line[n] for n in range(first, last + 1) if n in by_line])
    return out


def entry_accepts(blocks: Sequence[Any], gold: Sequence[Mapping[str, Any]]
                  ) -> tuple[list[Accepts], int]:
    """Per block, the accept lists of the gold entries its text contains; and the entries no block
    contains.

    Entries are matched in document order (a cursor over the gold list, each entry at most once,
    later in the block than the previous one), so a short entry (a date, "回复") that also occurs
    inside another block's text is not claimed by that block. Whitespace is ignored.
    """
    texts = [_squash(str(g["text"])) for g in gold]
    cursor = 0
    out: list[Accepts] = []
    for b in blocks:
        body = _squash(b.text)
        got: Accepts = []
        pos = 0
        j = cursor
        while j < len(texts):
            at = body.find(texts[j], pos)
            if at >= 0:
                got.append(list(gold[j]["accept"]))
                pos = at + len(texts[j])
                j += 1
                cursor = j
            elif got:
                break  # the block's run of entries ended
            else:
                j += 1  # gold entry not in this block: look further for the block's first one
        out.append(got)
    claimed = sum(len(a) for a in out)
    return out, len(texts) - claimed


def score_labels(preds: Sequence[str], accepts: Sequence[Accepts]) -> dict[str, Any]:
    """Figures of predicted block labels against the gold pieces each block covers.

    A block is right when its label is accepted by every piece it covers; for the confusion
    matrix a wrong block's gold label is the label its pieces accept first (the majority). A
    block no piece covers is counted as ``unmatched`` and left out of the figures.
    """
    gl: list[str] = []
    pl: list[str] = []
    right = unmatched = 0
    for pred, acc in zip(preds, accepts, strict=True):
        if not acc:
            unmatched += 1
            continue
        right += all(pred in a for a in acc)
        gl.append(_gold_label(pred, acc))
        pl.append(pred)
    out = label_figures(gl, pl)
    out["blocks_right"] = right
    out["unmatched"] = unmatched
    out["ad"] = out["per_label"]["ad"]
    return out


def _gold_label(pred: str, acc: Accepts) -> str:
    """The gold label a block counts as: its prediction when every piece it covers accepts it,
    else the label its pieces accept first (the majority)."""
    if all(pred in a for a in acc):
        return pred
    return Counter(a[0] for a in acc).most_common(1)[0][0]


def read_gold_page(page: Path) -> Any:
    """The page read as the classifier reads it (`pagesieve.read.read_page`, kind by suffix)."""
    from ..limits import Limits
    from ..read import read_page

    kind = PAGE_KINDS.get(page.suffix.lower(), "text")
    return read_page(page.read_bytes(), kind=kind, source=page.name,  # type: ignore[arg-type]
                     limits=Limits.from_env())


def page_accepts(page: Path, read: Any, gold_file: Path | None = None) -> tuple[list[Accepts], int]:
    """Per block of the read page, the gold pieces it covers; and gold entries never matched."""
    gold = load_gold(gold_file or gold_path(page))
    if read.kind == "text" and all("line" in g for g in gold):
        return line_accepts(read.text, read.blocks, gold), 0
    return entry_accepts(read.blocks, gold)


def page_metrics(model: Any, page: Path, gold_file: Path | None = None) -> dict[str, Any]:
    """Block labels on one gold page (text by line offsets, HTML by contained text).

    `model` is anything with ``label_page(page, explain=..., max_block_chars=...)`` (a
    `PageModel`, or a stand-in in tests); None, a str or a Path loads a model file.
    """
    from ..limits import Limits
    from ..model import load_model

    pm = load_model(model) if model is None or isinstance(model, str | Path) else model
    read = read_gold_page(Path(page))
    accepts, missed = page_accepts(Path(page), read, gold_file)
    labels = pm.label_page(read, explain=False, max_block_chars=Limits.from_env().max_block_chars)
    preds = [lab.name for lab in labels]
    out = score_labels(preds, accepts)
    out["labelled"] = [
        (_gold_label(lab.name, acc), lab.name,
         [round(float(lab.scores.get(x, 0.0)), 5) for x in LABELS])
        for lab, acc in zip(labels, accepts, strict=True) if acc
    ]
    out["gold_missed"] = missed
    return out


def seed_page_metrics(model: Any, shared: Path) -> dict[str, Any] | None:
    """Block labels on ``shared/examples/seed-page.txt`` against its accepted labels per line.

    A block is right when its label is accepted for every gold line it covers; for the confusion
    matrix a wrong block's gold label is the label its lines accept first (the majority).
    """
    txt = Path(shared) / "examples" / "seed-page.txt"
    gold_file = txt.with_name("seed-page.gold.json")
    if not (txt.is_file() and gold_file.is_file()):
        return None
    out = page_metrics(model, txt, gold_file)
    out["note"] = "text input; peers are HTML extractors and are not run on it"
    return out


def _ad_pr(fig: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """Ad precision/recall, None where undefined (no ad predicted / no ad in the gold)."""
    ad = fig["per_label"]["ad"]
    return (ad["precision"] if ad["predicted"] else None,
            ad["recall"] if ad["support"] else None)


def gold_pages(folder: Path) -> list[Path]:
    """Pages of a gold folder that have a ``.gold.json`` beside them, sorted by name."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.suffix.lower() in PAGE_KINDS and gold_path(p).is_file())


def seedlike_metrics(model: Any, folder: Path = DEFAULT_SEEDLIKE) -> dict[str, Any] | None:
    """Block labels on every gold page of `folder` (default ``data/seedlike``): per page and pooled.

    Written by us from labels.md, never trained on: the issue's seed-page targets measured on
    more than the one page they were specified from. None when the folder has no gold pages.
    """
    folder = Path(folder)
    pages = gold_pages(folder) if folder.is_dir() else []
    if not pages:
        return None
    per_page: dict[str, dict[str, Any]] = {}
    gl: list[str] = []
    pl: list[str] = []
    for page in pages:
        fig = page_metrics(model, page)
        gl += [g for g, _, _ in fig["labelled"]]
        pl += [p for _, p, _ in fig["labelled"]]
        precision, recall = _ad_pr(fig)
        per_page[page.name] = {
            "macro_f1": fig["macro_f1"], "ad_precision": precision, "ad_recall": recall,
            "blocks_right": fig["blocks_right"], "blocks": fig["blocks"],
            "unmatched": fig["unmatched"], "gold_missed": fig["gold_missed"],
            "confusion": fig["confusion"]["matrix"],
        }
    pooled = label_figures(gl, pl)
    pooled["ad"] = pooled["per_label"]["ad"]
    pooled["blocks_right"] = sum(p["blocks_right"] for p in per_page.values())
    pooled["unmatched"] = sum(p["unmatched"] for p in per_page.values())
    return {"folder": str(folder), "pages": per_page, "pooled": pooled,
            "note": "pages written by us from labels.md (not from the shared data, not trained "
                    "on); a block is right when every gold piece it covers accepts its label"}
