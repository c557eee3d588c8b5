"""Outputs for people: a coloured terminal table of a page's blocks."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .types import PageResult

__all__ = ["LABEL_STYLES", "print_table"]

LABEL_STYLES = {
    "content": "bold green",
    "comment": "cyan",
    "related": "yellow",
    "ad": "bold red",
    "boilerplate": "dim",
}


class _PipeConsole(Console):
    """A console that stops writing when its reader has gone (``| head``), as the JSON and text
    outputs do; rich's own exits with status 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def print_table(result: PageResult, *, console: Console | None = None, width: int = 70) -> None:
    console = console or _PipeConsole()
    table = Table(
        title=f"{result.page.source or '-'}  kind={result.kind}  encoding={result.encoding}  "
        f"quality={result.quality:.2f}  spam={result.spam}",
        show_lines=False,
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("label")
    table.add_column("score", justify="right")
    table.add_column("text")
    table.add_column("why", style="dim")
    for lb in result.blocks:
        text = lb.block.text.replace("\n", " ⏎ ")
        if len(text) > width:
            text = text[: width - 1] + "…"
        style = LABEL_STYLES[lb.label.name]
        table.add_row(
            str(lb.block.index),
            Text(lb.label.name, style=style),
            f"{lb.label.score:.2f}",
            Text(text, style=style if lb.label.name != "content" else ""),
            ", ".join(lb.label.why[:3]),
        )
    console.print(table)
    counts = {name: 0 for name in LABEL_STYLES}
    for lb in result.blocks:
        counts[lb.label.name] += 1
    console.print("  ".join(f"[{LABEL_STYLES[k]}]{k}[/]: {v}" for k, v in counts.items()))
