"""Types of the compiled script sample count (_fastscript.pyx); see script._FAST."""

from collections.abc import Iterable

from .types import Block

def han_counts(blocks: Iterable[Block], table: bytes, limit: int) -> tuple[int, int]: ...
