"""Types of the compiled card spans (_fastcards.pyx); see cards._FAST."""

import numpy as np

def card_spans(
    xpaths: list[str], sizes: list[int], max_blocks: int, max_chars: int, page_steps: int
) -> tuple[np.ndarray, np.ndarray]: ...
def card_features(
    p1: np.ndarray, lo: np.ndarray, hi: np.ndarray, sizes: np.ndarray
) -> np.ndarray: ...
