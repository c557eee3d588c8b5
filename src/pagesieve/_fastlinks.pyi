"""Types of the compiled href reading (_fastlinks.pyx); see links._load_fast."""

from collections.abc import Callable, Iterable

def init(
    offsite: int,
    ad: int,
    reference: Callable[[str], tuple[str | None, bool]],
    host_facts: Callable[[str], tuple[str, bool]],
    path_words: frozenset[str],
    script_exts: frozenset[str],
    majority_of: Callable[[list[tuple[str, int]], int], str | None],
) -> None: ...
def href_facts(href: str) -> tuple[str | None, bool]: ...
def href_flags(hrefs: Iterable[str], site: str | None) -> list[int]: ...
def holds_any(source: str, needles: tuple[str, ...]) -> bool: ...
