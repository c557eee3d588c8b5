"""Batch cleaning at crawl scale: sources → classify → resumable JSONL shards + rejects.

One job per module: `sources` reads inputs into pages or rejects, `process` classifies one page
under a time limit, `writer` puts shards, markers and rejects in place atomically, `runner`
drives the worker processes from the fork server `forkserver` starts, `cli_commands` is what
``pagesieve clean``/``spark`` call.

The names below are imported on first use, so that ``pagesieve.batch.forkserver`` can be
imported (and the fork server started) before the rest of the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

if TYPE_CHECKING:
    from .runner import RunConfig, RunError, RunSummary, run
    from .sources import InputUnit, Reject, Skipped, SourceRecord, discover, iter_unit

_LAZY = {
    "RunConfig": ".runner",
    "RunError": ".runner",
    "RunSummary": ".runner",
    "run": ".runner",
    "InputUnit": ".sources",
    "Reject": ".sources",
    "Skipped": ".sources",
    "SourceRecord": ".sources",
    "discover": ".sources",
    "iter_unit": ".sources",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


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
