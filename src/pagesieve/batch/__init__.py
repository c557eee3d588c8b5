"""Batch cleaning at crawl scale: sources → classify → resumable JSONL shards + rejects.

One job per module: `sources` reads inputs into pages or rejects, `process` classifies one page
under a time limit, `writer` puts shards, markers and rejects in place atomically, `runner`
drives the worker processes, `cli_commands` is what ``pagesieve clean``/``spark`` call.
"""

from __future__ import annotations

from .runner import RunConfig, RunError, RunSummary, run
from .sources import InputUnit, Reject, Skipped, SourceRecord, discover, iter_unit

__all__ = [
    "InputUnit",
    "Reject",
    "RunConfig",
    "RunError",
    "RunSummary",
    "Skipped",
    "SourceRecord",
    "discover",
    "iter_unit",
    "run",
]
