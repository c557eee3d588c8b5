"""Stage 3a — text to words: jieba segmentation of Chinese runs, simple rules for the rest.

jieba is the reference segmenter. Three engines run its algorithm over its dictionary: the
compiled one (segmenter.py, `_fastjieba`: its tables load in ~2 ms where rjieba builds its own in
~0.12 s), its Rust port rjieba (jieba-rs), and jieba itself (~12x slower). On Han-only input they
agree but for exact ties between two splits, where the compiled engine follows jieba and rjieba
does not (7 of 1.5M corpus runs; tests/test_segmenter.py and tests/test_tokenize.py check them
on corpus text). Non-Han text never reaches the segmenter: latin words, numbers and punctuation
are split by the regex below, so every engine sees exactly the same input.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .native import compiled_part

__all__ = ["engine_name", "get_segmenter", "normalize", "tokenize", "tokenize_shaped"]

_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS), None)
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
_RUN = re.compile(
    r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<word>[a-z]+(?:['’][a-z]+)?)"
    r"|(?P<num>\d+(?:[.,:]\d+)*%?)"
    r"|(?P<other>\S)"
)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case, zero-width characters removed.

    The compiled part knows the NFKC form of the characters common on our pages and builds
    the text from them (`_fasttokenize.nfkc_known`); other texts take unicodedata's path."""
    if _FAST is not None:
        known: str | None = _FAST.nfkc_known(text)
        if known is not None:
            return known.lower()
    s = unicodedata.normalize("NFKC", text)
    if _ZERO_WIDTH_RE.search(s):  # translate reads every character through a dict: only if needed
        s = s.translate(_ZERO_WIDTH)
    return s.lower()


#: The environment variable that picks the word segmenter, and the engines it may name (unset
#: or empty: the compiled one).
TOKENIZER_ENV = "PAGESIEVE_TOKENIZER"
TOKENIZERS = ("jieba", "rjieba")


def tokenizer_choice() -> str:
    """``$PAGESIEVE_TOKENIZER`` lower-cased ("" when unset); ValueError for an engine there is
    not (a typo silently ran the default engine)."""
    choice = os.environ.get(TOKENIZER_ENV, "").strip().lower()
    if choice and choice not in TOKENIZERS:
        raise ValueError(f"{TOKENIZER_ENV} must be {' or '.join(TOKENIZERS)} (unset: the "
                         f"compiled segmenter), not {os.environ[TOKENIZER_ENV]!r}")
    return choice


@lru_cache(maxsize=1)
def get_segmenter() -> Callable[[str], list[str]]:
    """The Han-run segmenter: the compiled one (jieba's cut over jieba's dictionary,
    segmenter.py) when built, else rjieba if installed, else jieba.

    ``PAGESIEVE_TOKENIZER=rjieba`` or ``=jieba`` forces that engine (``PAGESIEVE_PURE=1``
    leaves the compiled one out, as it does every compiled part).
    """
    choice = tokenizer_choice()
    if not choice:
        from .segmenter import load_segmenter

        segmenter = load_segmenter()
        if segmenter is not None:
            cut: Callable[[str], list[str]] = segmenter.cut

            def cut_compiled(s: str) -> list[str]:
                return cut(s)

            # what _fastfeatures.page_words calls instead, without this frame (the wrapper
            # stays: `engine_name` reads its name)
            cut_compiled.__wrapped__ = cut  # type: ignore[attr-defined]
            return cut_compiled
    if choice != "jieba":
        try:
            import rjieba

            def cut_rjieba(s: str) -> list[str]:
                return list(rjieba.cut(s))

            return cut_rjieba
        except ImportError:  # pragma: no cover - rjieba is a dependency
            pass
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    def cut_jieba(s: str) -> list[str]:
        return jieba.lcut(s, HMM=True)

    return cut_jieba


def engine_name() -> str:
    return get_segmenter().__name__.removeprefix("cut_")


def tokenize(text: str, *, max_chars: int = 4000) -> list[str]:
    """Words of `text` (its first `max_chars` characters), normalised; whitespace dropped."""
    if max_chars > 0 and len(text) > max_chars:
        text = text[:max_chars]
    cut = get_segmenter()
    out: list[str] = []
    for m in _RUN.finditer(normalize(text)):
        han = m.group("han")
        if han is not None:
            out.extend(cut(han))
        else:
            out.append(m.group())
    return out


def tokenize_shaped(
    text: str, shape: Callable[[str], str], *, max_chars: int = 4000,
    cut: Callable[[str], list[str]] | None = None,
) -> list[str]:
    """``[shape(t) for t in tokenize(text)]`` when `shape` changes only tokens of digits.

    One pass instead of two: only the number runs are passed to `shape` (Han words, latin
    words and single symbols hold no digit, so a digit-shape rule leaves them alone).
    """
    if max_chars > 0 and len(text) > max_chars:
        text = text[:max_chars]
    if cut is None:
        cut = get_segmenter()
    if _FAST is not None:
        words: list[str] = _FAST.scan(normalize(text), shape, cut)
        return words
    out: list[str] = []
    for m in _RUN.finditer(normalize(text)):
        kind = m.lastgroup
        if kind == "han":
            out.extend(cut(m.group()))
        elif kind == "num":
            out.append(shape(m.group()))
        else:
            out.append(m.group())
    return out


#: The compiled scan of `tokenize_shaped` when built, else None (the `_RUN` loop).
_FAST: Any = compiled_part("_fasttokenize")
if _FAST is not None:
    _FAST.init_nfkc(_ZERO_WIDTH_CHARS)
