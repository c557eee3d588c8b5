from __future__ import annotations

import io

from rich.console import Console

from pagesieve.render import print_table
from pagesieve.types import Block, Label, LabelledBlock, Page, PageResult


def test_table_shows_every_block_and_the_counts() -> None:
    blocks = (Block(0, "标题", start=0, end=2), Block(1, "加微信\n开挂", start=4, end=10))
    labels = (
        Label("content", 0.9, {"content": 0.9}, ("word 标题",)),
        Label("ad", 0.8, {"ad": 0.8}, ("word 开挂",)),
    )
    page = Page(
        text="标题\n\n加微信\n开挂", kind="text", encoding="utf-8", blocks=blocks, source="x.txt"
    )
    result = PageResult(
        page=page,
        blocks=tuple(LabelledBlock(b, lab) for b, lab in zip(blocks, labels, strict=True)),
        keep=("content",),
        text="标题",
        quality=0.5,
        spam=False,
    )
    out = io.StringIO()
    print_table(result, console=Console(file=out, width=160, color_system=None))
    shown = out.getvalue()
    assert "x.txt" in shown and "加微信 ⏎ 开挂" in shown and "word 开挂" in shown
    assert "content: 1" in shown and "ad: 1" in shown
