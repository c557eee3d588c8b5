"""Environment variables and signal handlers set for a block of code, then put back.

The batch runner's fork server reads the model to preload and its BLAS thread count from its
environment (batch/forkserver.py); the evaluation notebook reads the report and figure paths
from its kernel's (evaluation/report.py). Both set them around the start only, and put back what
was there, so the calling process is left as it was. Signal handlers likewise: the fork server
is started with SIGINT held (which it inherits), `clean`, `spark` and `serve` turn SIGTERM into
a clean stop, the per-page time limit raises on SIGALRM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["Terminated", "environ_set", "signal_held", "signal_set", "sigterm_raises"]


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


@contextlib.contextmanager
def signal_set(signum: int, handler: Any) -> Iterator[bool]:
    """Handle `signum` with `handler` (a function, ``SIG_IGN``...) for the block, then put the
    previous handler back. Only the main thread may set handlers: elsewhere the block runs as
    it is. Yields whether the handler was set."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    previous = signal.signal(signum, handler)
    try:
        yield True
    finally:
        signal.signal(signum, previous)


@contextlib.contextmanager
def signal_held(signum: int) -> Iterator[None]:
    """Hold `signum` back for the block: one that comes meanwhile waits and is delivered when
    the block ends, where ignoring it (``signal_set(signum, SIG_IGN)``) would lose it. A
    process started inside the block inherits it held (the mask survives fork and exec). The
    mask is this thread's: another thread that does not hold it may take a signal sent to the
    process (the batch parent starts the fork server before it starts any thread). Where
    masks are not available, the signal is ignored for the block instead."""
    if not hasattr(signal, "pthread_sigmask"):
        with signal_set(signum, signal.SIG_IGN):
            yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Terminated(BaseException):
    """SIGTERM reached the process (a scheduler stopping it, `kill`). A BaseException, as
    KeyboardInterrupt is, so no ``except Exception`` on the way (a reader turning a failure
    into a reject) can take it for a failure and go on."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """For the block, SIGTERM raises `Terminated` (in the main thread), so the code stops as
    it does on Ctrl-C, its cleanup run, instead of being killed where it stands."""
    with signal_set(signal.SIGTERM, _raise_terminated):
        yield
