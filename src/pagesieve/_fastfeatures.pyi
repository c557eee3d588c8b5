"""Types of the compiled `layout_tokens` (_fastfeatures.pyx); see features._load_fast."""

import re
from collections.abc import Callable, Sequence
from typing import Any

from .types import Block, Page

def init(
    path_tokens: Callable[[str], tuple[str, ...]],
    attr_tokens: Callable[[tuple[str, ...]], tuple[str, ...]],
    link_tokens: Callable[[tuple[str, ...]], tuple[str, ...]],
    memo_size: int,
    block_words: Callable[..., list[str]],
    memo_chars: int,
    ld: tuple[str, ...],
    len_tokens: tuple[str, ...],
    len_edges: tuple[float, ...],
    lines_tokens: tuple[str, ...],
    lines_edges: tuple[float, ...],
    pos_tokens: tuple[str, ...],
    share_tokens: tuple[str, ...],
    share_edges: tuple[float, ...],
    rel_tokens: tuple[str, ...],
    rel_edges: tuple[float, ...],
    run_tokens: tuple[str, ...],
    run_edges: tuple[float, ...],
    ld_edges: tuple[float, ...],
) -> None: ...
def init_facts(
    bullet: re.Pattern[str],
    trunc: re.Pattern[str],
    date: re.Pattern[str],
    date_only: re.Pattern[str],
    num_only: re.Pattern[str],
    contact: re.Pattern[str],
    icp: re.Pattern[str],
    ad_cues: re.Pattern[str],
    stamp_line: Callable[[str], bool],
    who_line: Callable[[str], bool],
) -> None: ...
def init_words(namespace: dict[str, Any], tokenize_namespace: dict[str, Any]) -> None: ...
def page_words(blocks: tuple[Block, ...], max_chars: int) -> list[list[str]]: ...
def text_facts(text: str, size: int) -> tuple[str, ...]: ...
def layout_tokens(
    page: Page, words: Sequence[Sequence[str]] | None
) -> list[list[str]]: ...
