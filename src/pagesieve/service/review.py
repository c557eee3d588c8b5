"""The review queue: page through the flagged records of a ``pagesieve clean`` output folder.

The folder is fixed when the server starts (never taken from a request, so a web user cannot make
the server read arbitrary files). Shards are streamed on every request instead of indexed: a page
costs a scan up to its position, there is no cache to go stale while ``clean`` is still writing,
and a broken line is counted and skipped rather than failing the page.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["ReviewPage", "find_shards", "is_flagged", "read_review_page"]

#: Lines longer than this are skipped: a review page should never hold a whole crawl in memory.
MAX_LINE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReviewPage:
    #: (shard path relative to the folder, 1-based line number, record)
    items: list[tuple[str, int, dict[str, Any]]]
    has_next: bool
    bad_lines: int


def find_shards(folder: Path) -> list[Path]:
    """JSONL shards under `folder` (recursively), in a stable order: ``clean``'s
    ``*.jsonl[.gz]``, and ``spark``'s ``part-00000[.gz]`` (Spark names its text files so).

    Names starting with ``_`` are bookkeeping (``_rejects.jsonl``, ``_state/``, ``_SUCCESS``),
    and names starting with ``.`` temporary or check files (``.part-*.tmp``, ``.crc``): not
    pages, skipped.
    """
    def is_shard(name: str) -> bool:
        if name.endswith((".jsonl", ".jsonl.gz")):
            return True
        return name.startswith("part-") and not name.endswith((".crc", ".tmp"))

    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and is_shard(p.name)
        and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
    ]
    return sorted(found)


def is_flagged(record: dict[str, Any], max_quality: float) -> bool:
    """Spam pages, and pages whose quality is below `max_quality`."""
    if record.get("spam") is True:
        return True
    q = record.get("quality")
    return isinstance(q, int | float) and not isinstance(q, bool) and q < max_quality


def _open(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, record or None for an unreadable line); a cut-off .gz ends the shard."""
    with _open(path) as stream:
        line_no = 0
        while True:
            try:
                line = stream.readline(MAX_LINE_BYTES + 1)
            except (EOFError, OSError, zlib.error):
                yield line_no + 1, None
                return
            if not line:
                return
            line_no += 1
            if len(line) > MAX_LINE_BYTES:
                # Skip the rest of this over-long line.
                while line and not line.endswith(b"\n"):
                    try:
                        line = stream.readline(MAX_LINE_BYTES)
                    except (EOFError, OSError, zlib.error):
                        return
                yield line_no, None
                continue
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                yield line_no, None
                continue
            yield line_no, rec if isinstance(rec, dict) else None


def read_review_page(
    folder: Path, *, page: int = 1, per_page: int = 10, max_quality: float = 0.5
) -> ReviewPage:
    """The `page`-th group of `per_page` flagged records (1-based)."""
    skip = max(0, page - 1) * per_page
    items: list[tuple[str, int, dict[str, Any]]] = []
    bad = 0
    seen = 0
    for shard in find_shards(folder):
        rel = str(shard.relative_to(folder))
        for line_no, rec in _records(shard):
            if rec is None:
                bad += 1
                continue
            if not is_flagged(rec, max_quality):
                continue
            seen += 1
            if seen <= skip:
                continue
            if len(items) == per_page:
                return ReviewPage(items=items, has_next=True, bad_lines=bad)
            items.append((rel, line_no, rec))
    return ReviewPage(items=items, has_next=False, bad_lines=bad)
