"""One page in, one output record or one reject out — the step every batch worker runs.

Shared by the local runner and the Spark job so both give the same records for the same bytes.
A per-page wall-time limit (SIGALRM, where the platform has it) turns a page that runs too long
into a reject instead of a stalled worker; the runner adds a hard kill for pages stuck in C code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from ..classify import classify_page
from ..errors import LimitExceeded, PagesieveError
from ..limits import Limits
from ..limits import time_limit as _time_limit
from .sources import Reject, SourceRecord
from .writer import dumps_record

__all__ = ["PageTimeout", "classify_line", "classify_record", "time_limit"]


class PageTimeout(LimitExceeded):
    """A page ran past `Limits.max_seconds`."""


def time_limit(seconds: float) -> contextlib.AbstractContextManager[None]:
    """Raise `PageTimeout` in this thread after `seconds` (no-op off the main thread/without
    SIGALRM, where the runner's hard watchdog is the only guard)."""
    return _time_limit(seconds, lambda: PageTimeout("page took longer than the time limit"))


def classify_record(
    rec: SourceRecord,
    *,
    model: Any,
    keep: Sequence[str],
    blocks: bool,
    limits: Limits,
) -> dict[str, Any] | Reject:
    """The output record of `rec` (design.md's record), or a `Reject` saying why not.

    Bugs in the core (anything that is not a `PagesieveError`) also become rejects, marked as
    such, so one bad page cannot end a crawl-sized run.
    """
    def reject(reason: str) -> Reject:
        return Reject(rec.source, rec.offset, reason, id=rec.id, url=rec.url,
                      record_id=rec.record_id)

    try:
        with time_limit(limits.max_seconds):
            result = classify_page(
                rec.data,
                kind=rec.kind,
                source=rec.source,
                url=rec.url,
                http_charset=rec.http_charset,
                keep=keep,
                model=model,
                limits=limits,
                extra=rec.extra(),
                explain=False,
            )
            return result.to_dict(blocks=blocks, why=False)
    except PageTimeout:
        return reject(f"time limit: page took longer than {limits.max_seconds:g}s")
    except PagesieveError as exc:
        return reject(f"{exc.__class__.__name__}: {exc}")
    except RecursionError:
        return reject("internal error: recursion too deep (please report this page)")
    except MemoryError:
        return reject("internal error: out of memory on this page")
    except Exception as exc:
        return reject(f"internal error (please report): {exc.__class__.__name__}: {exc}")


def classify_line(
    rec: SourceRecord,
    *,
    model: Any,
    keep: Sequence[str],
    blocks: bool,
    limits: Limits,
) -> str | Reject:
    """`classify_record` as the JSON line written out; a record that cannot be written as JSON
    (a NaN score would be a core bug) becomes a reject instead of failing its whole batch."""
    out = classify_record(rec, model=model, keep=keep, blocks=blocks, limits=limits)
    if isinstance(out, Reject):
        return out
    try:
        return dumps_record(out)
    except (TypeError, ValueError) as exc:
        return Reject(rec.source, rec.offset, f"internal error (please report): record is not "
                      f"valid JSON: {exc}", id=rec.id, url=rec.url, record_id=rec.record_id)
