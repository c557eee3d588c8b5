"""``python -m pagesieve.batch clean ...``: the batch runner without the typer CLI.

Handy where only the batch extra is installed, and used by the tests that kill a real run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_commands import clean_command
from .runner import DEFAULT_SHARD_SIZE


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pagesieve.batch")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="clean pages into JSONL shards")
    c.add_argument("inputs", nargs="+", type=Path)
    c.add_argument("-o", "--outdir", type=Path, required=True)
    c.add_argument("--blocks", action="store_true")
    c.add_argument("--keep", default="content")
    c.add_argument("--workers", type=int, default=None)
    c.add_argument("--resume", action="store_true")
    c.add_argument("--rejects", type=Path, default=None)
    c.add_argument("--model", type=Path, default=None)
    c.add_argument("--gzip", action="store_true")
    c.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE)
    c.add_argument("--max-seconds", type=float, default=None)
    c.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    a = ap.parse_args(argv)
    return clean_command(
        a.inputs, a.outdir, a.blocks, a.keep, a.workers, a.resume, a.rejects, a.model, a.gzip,
        shard_size=a.shard_size, max_seconds=a.max_seconds, progress=a.progress,
    )


if __name__ == "__main__":
    sys.exit(main())
