"""Environment variables set for a block of code: what child processes started in it inherit.

The batch runner's fork server reads the model to preload and its BLAS thread count from its
environment (batch/forkserver.py); the evaluation notebook reads the report and figure paths
from its kernel's (evaluation/report.py). Both set them around the start only, and put back what
was there, so the calling process is left as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

__all__ = ["environ_set"]


@contextlib.contextmanager
def environ_set(
    values: Mapping[str, str], *, defaults: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Set `values` (and `defaults` where unset) in ``os.environ`` for the block, then restore
    every key it touched: removed if it was unset, its old value otherwise."""
    defaults = defaults or {}
    saved = {k: os.environ.get(k) for k in (*values, *defaults)}
    os.environ.update(values)
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
