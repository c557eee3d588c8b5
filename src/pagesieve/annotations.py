"""Hand annotations of real pages: labels keyed by page id and block text hash (no page text).

One JSONL file per data set in ``data/annotations/``; a line is
``{"page": "<dataset>/<page id>", "block": <index>, "hash": "<sha1 of the block text, 12 hex>",
"label": "<label>"}``. The hash makes the labels survive small segmentation changes (a block that
moved keeps its label); the index breaks ties between blocks with the same text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .types import LABELS, Block

__all__ = [
    "PageAnnotation",
    "block_hash",
    "labels_for_blocks",
    "load_annotations",
    "write_annotations",
]


def block_hash(text: str) -> str:
    """A short, stable key for a block's text (whitespace-insensitive)."""
    return hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class PageAnnotation:
    page: str
    #: (block index, text hash, label) for every annotated block, in page order.
    blocks: tuple[tuple[int, str, str], ...]


def load_annotations(folder: Path) -> dict[str, PageAnnotation]:
    """All annotation files in `folder`, by page key. Unknown labels are an error."""
    rows: dict[str, list[tuple[int, str, str]]] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    page, hsh, label = rec["page"], rec["hash"], rec["label"]
                    block = int(rec["block"])
                except (ValueError, KeyError, TypeError) as exc:
                    why = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
                    raise ValueError(f"{path}:{n}: not an annotation line "
                                     f'({{"page", "block", "hash", "label"}}): {why}') from None
                if label not in LABELS:
                    raise ValueError(f"{path}:{n}: unknown label {label!r}")
                rows.setdefault(str(page), []).append((block, str(hsh), label))
    return {k: PageAnnotation(k, tuple(sorted(v))) for k, v in rows.items()}


def labels_for_blocks(ann: PageAnnotation, blocks: Sequence[Block]) -> list[str | None]:
    """Map annotations onto the current blocks: by hash (nearest index wins), else None."""
    by_hash: dict[str, list[tuple[int, str]]] = {}
    for idx, h, label in ann.blocks:
        by_hash.setdefault(h, []).append((idx, label))
    out: list[str | None] = []
    for b in blocks:
        cands = by_hash.get(block_hash(b.text))
        if not cands:
            out.append(None)
            continue
        out.append(min(cands, key=lambda c: abs(c[0] - b.index))[1])
    return out


def write_annotations(path: Path, pages: Mapping[str, Iterable[tuple[Block, str]]]) -> None:
    """Write labels for blocks (text is hashed, never stored)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for page, items in pages.items():
            for block, label in items:
                if label not in LABELS:
                    raise ValueError(f"unknown label {label!r}")
                fh.write(
                    json.dumps(
                        {
                            "page": page,
                            "block": block.index,
                            "hash": block_hash(block.text),
                            "label": label,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
