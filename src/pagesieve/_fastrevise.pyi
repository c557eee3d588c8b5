"""Types of the compiled revision-pass loops (_fastrevise.pyx); see revise._FAST."""

import numpy as np

from .types import Block

def group_features(
    p1: np.ndarray, paths: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def context_features(
    p1: np.ndarray, blocks: tuple[Block, ...], sizes: np.ndarray, window: int, eps: float,
    scale: float,
) -> np.ndarray: ...
