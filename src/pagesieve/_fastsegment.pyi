"""Types of the compiled walk (_fastsegment.pyx); see segment_html._load_fast."""

from collections.abc import Callable, Mapping

from .types import Block

def init(
    element_name: int,
    first_attr: int,
    next_attr: int,
    attr_name: int,
    attr_value: int,
    block_tags: frozenset[str],
    skip_tags: frozenset[str],
    spaced_tags: frozenset[str],
    merged_words: Callable[[str | None, str | None, tuple[str, ...]], tuple[str, ...]],
    xpath_step: Callable[[str], str],
    block_type: type[Block],
    depth_step: dict[str, int],
    kinds_of_flags: Callable[[int], tuple[str, ...]],
    hides: Callable[[str, Mapping[str, str | None]], bool],
) -> None: ...
def count_char(text: str, ch: str) -> int: ...
def depth_estimate(html: str) -> tuple[int, int, int]: ...
def attribute_overflows(html: str, limit: int) -> list[tuple[int, int]]: ...
def walk(
    root: int,
    root_tag: str,
    max_blocks: int,
    link_flags: Callable[[list[str]], list[int]],
) -> tuple[Block, ...]: ...
