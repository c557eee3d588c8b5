"""Stage 3a's segmenter in C (`_fastjieba`): jieba's cut of Han runs from jieba's own files.

rjieba builds its dictionary in every process that imports it (~0.12 s, with the GIL held: the
largest single part of a batch worker's start after numpy). This engine runs the same algorithm
(see `_fastjieba`) over flat arrays built once from jieba's ``dict.txt`` and ``finalseg`` tables
and kept in the cache folder (``cache_dir()``, as the compiled model is), so a process loads
them in a few milliseconds. tokenize.py uses it when it is built; rjieba, then jieba, otherwise.
On the text tokenize.py feeds it, it gives jieba's words, and rjieba's but for exact ties between
two splits, which rjieba breaks the other way (tests/test_segmenter.py checks corpus text and
random runs against both).
"""

from __future__ import annotations

import contextlib
import os
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from .native import compiled_part

__all__ = ["FORMAT", "dictionary_file", "load_segmenter"]

#: The cache file's layout; a new number builds a new file.
FORMAT = 1
#: Table folders kept in the cache (one per jieba install, ~11 MB each); the oldest go first.
CACHE_KEEP = 4

_FAST: Any = compiled_part("_fastjieba")

_STATES = "BEMS"  # the order of `_fastjieba`'s states
_MIN_FLOAT = -3.14e100  # finalseg's MIN_FLOAT
_HAN_FIRST, _HAN_LAST = 0x4E00, 0x9FD5


def dictionary_file() -> Path:
    """jieba's ``dict.txt``, found without importing jieba."""
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _cache_path(dict_file: Path) -> Path:
    """A folder of .npy files per dictionary file (its size and time name it), read mapped."""
    from .compiled import cache_dir

    st = dict_file.stat()
    return cache_dir() / f"jieba-{st.st_size}-{st.st_mtime_ns}-s{FORMAT}"


def _read_dictionary(dict_file: Path) -> tuple[list[str], list[int]]:
    """Words and frequencies, as jieba's `gen_pfdict` reads them."""
    words: list[str] = []
    freqs: list[int] = []
    with open(dict_file, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line:
                continue
            try:
                word, freq = line.split(" ")[:2]
                freqs.append(int(freq))
            except ValueError:
                raise ValueError(f"invalid dictionary entry in {dict_file} at line {lineno}: "
                                 f"{line!r}") from None
            words.append(word)
    return words, freqs


def _hmm_tables() -> dict[str, np.ndarray]:
    """finalseg's start, transition and emission log probabilities as arrays over B, E, M, S."""
    from jieba.finalseg import prob_emit, prob_start, prob_trans

    start = np.array([prob_start.P.get(y, _MIN_FLOAT) for y in _STATES])
    trans = np.array([[prob_trans.P.get(a, {}).get(b, _MIN_FLOAT) for b in _STATES]
                      for a in _STATES])
    emit = np.full((4, _HAN_LAST - _HAN_FIRST + 1), _MIN_FLOAT)
    for i, y in enumerate(_STATES):
        for ch, p in prob_emit.P[y].items():
            if _HAN_FIRST <= ord(ch) <= _HAN_LAST:
                emit[i, ord(ch) - _HAN_FIRST] = p
    return {"start": start, "trans": trans, "emit": emit}


def _build(dict_file: Path) -> dict[str, np.ndarray]:
    words, freqs = _read_dictionary(dict_file)
    table, node_freq, total = _FAST.build_trie(words, freqs)
    return {"table": table, "node_freq": node_freq, "total": np.array(total, dtype=np.int64),
            **_hmm_tables()}


_ARRAYS = ("table", "node_freq", "total", "start", "trans", "emit")


def _load(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays, memory-mapped (the pages are shared by every process that reads them and
    read from disk only where a lookup lands); None if missing, partial or of another format."""
    try:
        arrays = {k: np.load(path / f"{k}.npy", mmap_mode="r", allow_pickle=False)
                  for k in _ARRAYS}
    except (OSError, ValueError, EOFError):
        return None
    if (arrays["table"].dtype != np.uint64 or arrays["node_freq"].dtype != np.uint32
            or arrays["emit"].shape != (4, _HAN_LAST - _HAN_FIRST + 1)):
        return None
    return arrays


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the folder under a temporary name and rename it: a reader sees all or nothing."""
    import shutil

    from .compiled import cache_tmp_path

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_tmp_path(path)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for k in _ARRAYS:
        np.save(tmp / f"{k}.npy", arrays[k], allow_pickle=False)
    try:
        os.replace(tmp, path)
    except OSError:  # another process wrote it first
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(path.parent, keep=CACHE_KEEP)


def _prune(folder: Path, *, keep: int) -> None:
    """Remove all but the `keep` newest table folders (a process still reading a removed one
    keeps its mapping; the next one builds the tables again)."""
    import shutil

    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    folders = sorted(folder.glob(f"jieba-*-s{FORMAT}"), key=age)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


_BUILDING = threading.Lock()


def load_segmenter(dict_file: Path | None = None) -> Any:
    """The compiled segmenter over jieba's dictionary (built and cached on first use), or None
    where the compiled part is not built (``PAGESIEVE_PURE=1`` included)."""
    if _FAST is None:
        return None
    dict_file = dict_file or dictionary_file()
    path = _cache_path(dict_file)
    # one thread of a process builds and saves; threads of a first call all at once each
    # built (seconds each) and wrote the same folder, leaving it cut short now and then
    with _BUILDING:
        arrays = _load(path)
        if arrays is None:
            arrays = _build(dict_file)
            with contextlib.suppress(OSError):  # a read-only cache: build again next time
                if path.exists():  # unreadable (cut short, another format): replaced
                    import shutil

                    shutil.rmtree(path)
                _save(path, arrays)
    return _FAST.Segmenter(arrays["table"], arrays["node_freq"], int(arrays["total"]),
                           arrays["emit"], arrays["start"], arrays["trans"])
