"""Imported by the batch fork server before it forks any worker: import what the workers run
and load the model there once.

Workers forked afterwards inherit it (copy-on-write), so starting N workers costs one model load
instead of N, and the model's arrays stay shared between them. Each worker still calls
`load_model` itself, which then finds it in its cache; if loading fails here, the worker's own
call fails the same way and reports it, so nothing is swallowed. `warm` builds the model's
lazy lookup tables here too (script.py's character table among them), so the workers share
them; not the tables of `why`, which batch records never carry.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from importlib import import_module

from .forkserver import PRELOAD_ENV

__all__: list[str] = []

#: What the workers run, imported once here so that each worker starts warm. scikit-learn and
#: scipy are not listed: the model loads from its compiled cache (compiled.py) without them, and
#: `PageModel.warm` imports whatever prediction needs (scipy, without the compiled parts); a
#: first run that has to build the cache imports scikit-learn while loading the model.
_MODULES = ("pagesieve.batch.runner", "pagesieve.batch.process", "pagesieve.classify")

# Ctrl-C reaches the whole process group; the fork server ignores it once it serves (its own
# `main` sets that after the preload), but a Ctrl-C during this preload printed a traceback of
# the import. The workers ignore it anyway: the parent decides what Ctrl-C means.
signal.signal(signal.SIGINT, signal.SIG_IGN)

# The collector would find next to no garbage among the modules and the model (~700 of ~49k
# objects) yet cost every run's start ~10 ms: it is off while they load, and then they are
# frozen, so the workers' collections skip them (leaving their pages shared) and so do the
# fork server's last collections at exit, which a reader of the run's stderr (a pipe,
# `subprocess.run(capture_output=True)`) would wait for (~0.1 s). Workers end with os._exit.
gc.disable()
try:
    for _name in _MODULES:
        with contextlib.suppress(ImportError):  # as the fork server's own preload loop does
            import_module(_name)
    with contextlib.suppress(Exception):  # the segmenter's tables (or rjieba's dictionary)
        from ..tokenize import get_segmenter

        get_segmenter()
    _path = os.environ.get(PRELOAD_ENV)
    if _path:
        with contextlib.suppress(Exception):
            from ..model import load_model

            load_model(_path).warm(explain=False)  # batch records carry no `why`
finally:
    gc.freeze()
    gc.enable()
