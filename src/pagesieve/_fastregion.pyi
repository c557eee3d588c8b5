"""Types of the compiled region features (_fastregion.pyx); see region._FAST."""

import numpy as np

def split_depths(xpaths: list[str]) -> tuple[np.ndarray, np.ndarray]: ...
def region_features(
    xpaths: list[str], p1: np.ndarray, sizes: np.ndarray, lam: float, min_blocks: int,
    max_steps: float,
) -> np.ndarray: ...
