"""The one core: bytes or text in, every block labelled out. CLI, service, batch and Spark call it.

decode → segment → features → model (two passes) → verdict
(decode.py, segment_*.py, features.py, model.py + revise.py, verdict.py)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from .errors import LimitExceeded
from .limits import Limits
from .model import PageModel, load_model
from .read import read_page
from .types import PageResult, make_labelled_blocks
from .verdict import kept_text, normalize_keep, page_verdict

__all__ = ["classify_page"]


def classify_page(
    data: bytes | str,
    *,
    kind: Literal["auto", "html", "text"] = "auto",
    source: str | None = None,
    url: str | None = None,
    http_charset: str | None = None,
    keep: Iterable[str] | str = ("content",),
    model: PageModel | str | Path | None = None,
    limits: Limits | None = None,
    extra: Mapping[str, Any] | None = None,
    explain: bool = True,
) -> PageResult:
    """Decode, segment, featurise and label one page.

    Raises only `PagesieveError` subclasses (`DecodeError`, `InputTooLarge`, `LimitExceeded`,
    `ModelError`), `ValueError` for an unknown label in `keep` or an unknown `kind`, and
    `TypeError` for an argument of the wrong type (`data` neither bytes nor str, a `url` that is
    not a str...). Limits that cut the reading
    short (blocks, characters per block) are listed in the result's ``limits``; the time limit
    is checked between stages (reading, labelling), so it bounds a page to the limit plus one
    stage (the batch runner also interrupts a stage that runs over).
    """
    keep_labels = normalize_keep(keep)
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError(f"limits is a pagesieve.Limits or None, not {type(limits).__name__}")
    if extra is not None and not isinstance(extra, Mapping):
        raise TypeError(f"extra is a mapping (fields for the record) or None, not "
                        f"{type(extra).__name__}")
    lim = limits or Limits.from_env()
    pm = model if isinstance(model, PageModel) else load_model(model)
    started = time.monotonic()
    page = read_page(data, kind=kind, source=source, url=url, http_charset=http_charset, limits=lim)
    _check_time(started, lim, "read")
    labels = pm.label_page(page, explain=explain, max_block_chars=lim.max_block_chars)
    _check_time(started, lim, "label")
    blocks = make_labelled_blocks(page.blocks, labels)
    quality, spam = page_verdict(blocks)
    return PageResult(
        page=page,
        blocks=blocks,
        keep=keep_labels,
        text=kept_text(blocks, keep_labels),
        quality=quality,
        spam=spam,
        extra=dict(extra or {}),
    )


def _check_time(started: float, limits: Limits, stage: str) -> None:
    spent = time.monotonic() - started
    if limits.max_seconds > 0 and spent > limits.max_seconds:
        raise LimitExceeded(
            f"time limit: the page took {spent:.1f}s to {stage}, over the limit of "
            f"{limits.max_seconds:g}s (PAGESIEVE_MAX_SECONDS)"
        )
