"""Types of the compiled revision-pass loops (_fastrevise.pyx); see revise._FAST."""

import numpy as np

def group_features(
    p1: np.ndarray, paths: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
