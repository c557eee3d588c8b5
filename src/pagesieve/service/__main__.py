"""``python -m pagesieve.service``: the same as ``pagesieve serve``, without typer.

Handy for tests and process managers that want to start the server from a known interpreter.
"""

from __future__ import annotations

import argparse
import sys

from .app import DEFAULT_MAX_BODY_BYTES
from .cli_commands import serve_command


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pagesieve.service", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--model", default=None)
    p.add_argument("--database-url", default=None)
    p.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    p.add_argument("--review-dir", default=None)
    p.add_argument("--log-level", default="info")
    a = p.parse_args(argv)
    return serve_command(
        host=a.host,
        port=a.port,
        workers=a.workers,
        model=a.model,
        database_url=a.database_url,
        max_body_bytes=a.max_body_bytes,
        review_dir=a.review_dir,
        log_level=a.log_level,
    )


if __name__ == "__main__":
    sys.exit(main())
