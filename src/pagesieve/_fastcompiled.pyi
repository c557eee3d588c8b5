"""Types of the compiled token lookups (_fastcompiled.pyx); see compiled._load_fast."""

from collections.abc import Sequence

import numpy as np

def token_ids(
    vocab: dict[str, int], docs: Sequence[Sequence[str]]
) -> tuple[np.ndarray, list[str], np.ndarray]: ...
