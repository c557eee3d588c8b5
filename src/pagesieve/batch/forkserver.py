"""The fork server the batch workers fork from: what it preloads, its environment, its start.

Workers fork from a clean, thread-free process that has pagesieve imported and the run's model
loaded (preload.py), so N workers (and any restarted one) cost one model load, shared
copy-on-write. Getting that process ready takes ~1 s and the first spawn waits for it, so
`start` is called as early as the run's model is known: by `runner.run` before it walks the
inputs, and by the `pagesieve clean` entry point (cli.py) before it even imports the typer app.

Imports nothing of pagesieve but the small `environ` helper, so that entry point can call it
first.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from typing import Any

from ..environ import environ_set, signal_held

__all__ = ["ONE_THREAD_ENV", "PRELOAD_ENV", "mp_context", "preload_env", "start"]

#: The model path the fork server preloads (read by `preload.py`, never in the parent).
PRELOAD_ENV = "PAGESIEVE_PRELOAD_MODEL"

#: One BLAS thread per worker (here and in Spark executors, spark_job.py), unless the user chose
#: otherwise: the workers already use every core, and numpy's OpenBLAS would start a thread per
#: core in each of them that spins after every small product of the revision pass, taking CPU
#: from the other workers.
ONE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

#: Imported once by the fork server: the modules the workers run and the run's model, with the
#: collector off (see preload.py).
_PRELOAD = ["pagesieve.batch.preload"]


def mp_context() -> Any:
    """forkserver: workers fork from a clean, thread-free process with pagesieve preloaded."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


@contextlib.contextmanager
def preload_env(model_path: str | os.PathLike[str]) -> Iterator[None]:
    """The environment a fork server started inside this block inherits: PRELOAD_ENV names the
    model to preload, and its BLAS must not start threads (ONE_THREAD_ENV). Restored after."""
    with environ_set({PRELOAD_ENV: os.fspath(model_path)},
                     defaults=dict.fromkeys(ONE_THREAD_ENV, "1")):
        yield


def start(model_path: str | os.PathLike[str]) -> None:
    """Start the fork server, preloading `model_path`, so that it gets ready while this process
    does its own work. A no-op if it already runs (whatever model it preloaded: a worker always
    loads its run's model itself, the preload only makes that instant) or where workers are
    spawned instead (no fork server)."""
    ctx = mp_context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker

    # SIGINT held back while the fork server is spawned, so it starts with it held (the mask
    # survives exec) until its preload ignores it: a Ctrl-C to the process group in its first
    # second hit its imports and printed their traceback. It ignores SIGINT once it serves
    # anyway, and so do the workers. The parent, which decides what Ctrl-C means, gets a Ctrl-C
    # of those milliseconds when the block ends (ignored, as it was, it was lost: the run went
    # on). The resource tracker the fork server needs is started first, outside the block: its
    # start unblocks SIGINT when it is done, which would let the fork server start unheld.
    resource_tracker.ensure_running()
    with preload_env(model_path), signal_held(signal.SIGINT):
        forkserver.ensure_running()
