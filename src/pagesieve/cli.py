"""The `pagesieve` console script's entry point; the command itself is cli_app.py (typer).

Kept light on purpose, for `pagesieve clean`'s start-up:

- multiprocessing re-imports the main script in every worker it starts (as ``__mp_main__``),
  and the console script is ``from pagesieve.cli import main``: if this module built the typer
  app, each worker would import typer and click for nothing (~0.1 s a worker, restarts too);
- `main` starts `clean`'s fork server (batch/forkserver.py: ~1 s to import pagesieve and load
  the model) before importing typer and parsing the arguments (~0.3 s, pydantic included), so
  both run at once.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli_app import app

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: run the typer app."""
    # At exit, after the other exit handlers (registered later, run earlier): the interpreter's
    # last collections then skip the objects typer, pydantic and the run left (~50 ms).
    atexit.register(gc.freeze)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if args[:1] == ["clean"]:
            # a head start only: whatever fails here, the run starts (and reports) it again
            with contextlib.suppress(Exception):
                _start_clean_workers(args[1:])
        return import_module(".cli_app", __package__).main(argv)
    except KeyboardInterrupt:  # before the commands' own handlers (while importing them)
        sys.stderr.write("pagesieve: interrupted\n")
        raise SystemExit(130) from None


def _start_clean_workers(args: list[str]) -> None:
    """Start the fork server of a `clean` run that will need workers, preloading the model its
    arguments name. Only a head start: the run itself (`runner.run`) validates everything, and
    each worker loads the model it is given whatever was preloaded, so a wrong guess here costs
    time, never a wrong result. Not for --help, nor for --resume or an output folder that
    already holds a run (that is an error, or a resume that may have nothing left to do)."""
    if any(a in ("--help", "-h", "--resume") for a in args):
        return
    outdir = _option(args, "--outdir", "-o")
    if outdir is None:
        return  # a usage error
    from .batch.writer import ShardStore

    if ShardStore(Path(outdir)).has_output():
        return
    model = _option(args, "--model")
    if model is None:
        from .modelfile import default_model_path

        model = os.fspath(default_model_path())
    if not os.path.isfile(model):
        return
    from .batch import forkserver

    forkserver.start(model)


def _option(args: list[str], name: str, short: str | None = None) -> str | None:
    """The value click would read for option `name` (or `short`): ``--name v``, ``--name=v``,
    ``-o v``, ``-ov``; the last one wins; nothing after ``--``."""
    value: str | None = None
    for i, a in enumerate(args):
        if a == "--":
            break
        if a in (name, short):
            value = args[i + 1] if i + 1 < len(args) else None
        elif a.startswith(name + "="):
            value = a[len(name) + 1:]
        elif short and a.startswith(short) and not a.startswith("--"):
            value = a[len(short):]
    return value


def __getattr__(name: str) -> Any:
    """`app` and the rest of cli_app.py, imported on first use."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(".cli_app", __package__), name)
