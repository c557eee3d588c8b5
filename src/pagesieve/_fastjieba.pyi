"""Types of the compiled jieba cut (_fastjieba.pyx); see segmenter.py."""

import numpy as np

def build_trie(words: list[str], freqs: list[int]) -> tuple[np.ndarray, np.ndarray, int]: ...

class Segmenter:
    def __init__(
        self, table: np.ndarray, node_freq: np.ndarray, total: int, emit: np.ndarray,
        start: np.ndarray, trans: np.ndarray,
    ) -> None: ...
    def cut(self, s: str) -> list[str]: ...
