"""Imported by the batch fork server before it forks any worker: load the model there once.

Workers forked afterwards inherit it (copy-on-write), so starting N workers costs one model load
instead of N, and the model's arrays stay shared between them. Each worker still calls
`load_model` itself, which then finds it in its cache; if loading fails here, the worker's own
call fails the same way and reports it, so nothing is swallowed. `warm` builds the model's
lazy lookup tables here too (script.py's character table among them), so the workers share
them; not the tables of `why`, which batch records never carry.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os

from .forkserver import PRELOAD_ENV

__all__: list[str] = []

# The fork server exits when the run's parent does, and a reader of the run's stderr (a pipe,
# `subprocess.run(capture_output=True)`) waits for that: freezing the gc at exit spares the
# interpreter's last collections over the model and the modules (~0.1 s). Workers end with
# os._exit, without exit handlers.
atexit.register(gc.freeze)

_path = os.environ.get(PRELOAD_ENV)
if _path:
    with contextlib.suppress(Exception):
        from ..model import load_model

        load_model(_path).warm(explain=False)  # batch records carry no `why`
