"""`pagesieve serve`: run the app on uvicorn.

Settings travel to the app through environment variables and uvicorn's factory mode, because
with ``--workers N`` each worker process builds its own app from an import string and cannot
receive Python arguments.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..environ import Terminated, sigterm_raises
from ..errors import EXIT_MODEL, ModelError
from .app import DEFAULT_MAX_BODY_BYTES
from .feedback import in_memory_url

__all__ = ["serve_command"]

_FACTORY = "pagesieve.service.app:create_app_from_env"


def _check_settings(database_url: str | None) -> None:
    """Read the limits and open the feedback database once, here: a bad limit or URL is then one
    line and exit 2, not a traceback from every uvicorn worker that builds the app."""
    from ..limits import Limits
    from .feedback import FeedbackStore

    Limits.from_env()
    FeedbackStore(database_url).dispose()


def _check_model(model: str | Path | None) -> None:
    """Load the model the app will serve (raises `ModelError`): a tampered or incompatible file
    stops `serve` with one line, instead of a server whose every answer is a 503."""
    from ..model import load_model

    load_model(Path(model) if model is not None else None)


def serve_command(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    model: str | Path | None = None,
    database_url: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    review_dir: str | Path | None = None,
    log_level: str = "info",
) -> int:
    """Serve until interrupted. Returns a process exit code: 2 a bad option, 3 a model that is
    missing or refused (checked here, before the server starts, as `classify` does), 1 the
    server could not start (a port in use)."""
    if workers < 1:
        print("pagesieve serve: --workers must be at least 1", file=sys.stderr)
        return 2
    if max_body_bytes <= 0:
        print("pagesieve serve: --max-body-bytes must be positive", file=sys.stderr)
        return 2
    if not 0 <= port <= 65535:
        print(f"pagesieve serve: --port {port} is not a port number", file=sys.stderr)
        return 2
    if model is not None and not Path(model).is_file():
        print(f"pagesieve serve: model file not found: {model}", file=sys.stderr)
        return EXIT_MODEL
    url = database_url or os.environ.get("PAGESIEVE_DATABASE_URL") or ""
    if workers > 1 and in_memory_url(url):
        print("pagesieve serve: an in-memory database lives in one process; with --workers "
              f"{workers} each would keep its own corrections. Use a database file or server "
              "(the default is a SQLite file), or --workers 1", file=sys.stderr)
        return 2
    if review_dir is not None and not Path(review_dir).is_dir():
        print(f"pagesieve serve: review folder not found: {review_dir}", file=sys.stderr)
        return 2
    try:
        _check_settings(database_url)
    except ValueError as exc:
        print(f"pagesieve serve: {exc}", file=sys.stderr)
        return 2
    try:  # the app loads it again at startup: from this process's cache with one worker
        _check_model(model)
    except ModelError as exc:
        print(f"pagesieve serve: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except Exception as exc:  # an incompatible or broken file the checks let through
        print(f"pagesieve serve: could not load the model: {exc.__class__.__name__}: {exc}",
              file=sys.stderr)
        return EXIT_MODEL

    import uvicorn

    if model is not None:
        os.environ["PAGESIEVE_MODEL"] = str(Path(model).resolve())
    if database_url:
        os.environ["PAGESIEVE_DATABASE_URL"] = database_url
    os.environ["PAGESIEVE_MAX_BODY_BYTES"] = str(max_body_bytes)
    if review_dir is not None:
        os.environ["PAGESIEVE_REVIEW_DIR"] = str(Path(review_dir).resolve())
    metrics_dir: str | None = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker counts into files here; /metrics sums them (see metrics.py).
        metrics_dir = tempfile.mkdtemp(prefix="pagesieve-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        # uvicorn serves SIGTERM as a graceful stop, then raises it again under the handler it
        # found there: the default one killed a single-worker server (status -15) where the
        # multi-worker supervisor exits 0. With `Terminated` raised there, the run ends with 0.
        with sigterm_raises():
            uvicorn.run(
                _FACTORY,
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level=log_level,
                timeout_keep_alive=5,
                timeout_graceful_shutdown=10,
            )
    except Terminated:  # after the graceful stop
        return 0
    except SystemExit as exc:  # uvicorn exits 1 or 3 when it cannot bind
        return 1 if exc.code else 0
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
