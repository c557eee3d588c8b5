"""Types of the compiled run scan (_fasttokenize.pyx); see tokenize._load_fast."""

from collections.abc import Callable

def scan(s: str, shape: Callable[[str], str], cut: Callable[[str], list[str]]) -> list[str]: ...
def set_number_shape(
    shape: Callable[[str], str], number_words: tuple[str, ...], percent_word: str
) -> None: ...
