"""Stage 2b — Traditional Chinese pages are read in Simplified characters for the features.

The model's words are learned from Simplified text (jieba's dictionary, the corpora and nearly
all training pages), so a Big5 page from Taiwan or Hong Kong would be mostly unknown words
(颱風 and 網友 are not the 台风 and 网友 the model knows). Such a page is converted with
OpenCC (``t2s``, phrase-aware) before it is featurised; the blocks, the output text and the
offsets keep the page's own characters. A Simplified page is left alone (and costs one pass over
its first characters): converting it would only risk turning 著名's 著 into 着.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .native import compiled_part
from .types import Page

__all__ = ["is_traditional", "simplified", "warm"]

#: A page is Traditional when at least this share of its Han characters is Traditional-only
#: (a character OpenCC's t2s changes on its own). Such characters are about a quarter of a
#: Traditional text's Han characters and nearly absent from Simplified pages, where a quoted
#: Traditional name or a 後/著 now and then stays far below this.
MIN_SHARE = 0.05
#: ...and at least this many of them, so a short page is not judged on a couple of characters.
MIN_CHARS = 8
#: The page is judged on its first this many characters of block text (a page does not change
#: script halfway; scanning all of a long page would cost a millisecond).
SAMPLE_CHARS = 4000

_HAN = re.compile(r"[\u4e00-\u9fff]")
#: The compiled sample count (`_traditional_table`), or None: not built or ``PAGESIEVE_PURE=1``.
_FAST: Any = compiled_part("_fastscript")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


_FIRST, _END = 0x4E00, 0xA000  # the Han block _HAN matches


#: The characters `opencc_changed_chars` finds, as shipped: reading them costs every process
#: start ~0.1 ms, finding them ~14 ms (OpenCC's dictionaries, then 21,000 conversions), and
#: the converter itself is needed only by a page that is Traditional.
TABLE_FILE = Path(__file__).with_name("data") / "t2s-changed.txt"


def opencc_changed_chars() -> str:
    """The Han characters t2s changes (~3,600 of the 21,000), asked of OpenCC."""
    chars = "".join(chr(c) for c in range(_FIRST, _END))
    converted = _converter().convert(chars)  # no phrase spans neighbouring code points
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps t2s length-preserving
        raise RuntimeError("OpenCC t2s changed the length of the character table")
    return "".join(c for c, s in zip(chars, converted, strict=True) if c != s)


def write_table(path: Path = TABLE_FILE) -> None:
    """Write `opencc_changed_chars` to `path` (after an OpenCC upgrade; the test says when)."""
    from importlib.metadata import version

    path.write_text(
        f"# The Han characters U+4E00..U+9FFF that OpenCC {version('opencc')} t2s changes on "
        "their own (script.py).\n# Written by `python -m pagesieve.script --write-table`; "
        "tests/test_script.py checks it.\n" + opencc_changed_chars() + "\n",
        encoding="utf-8",
    )


@lru_cache(maxsize=1)
def _changed_chars() -> str:
    """The Han characters t2s changes: the shipped table (`TABLE_FILE`), or OpenCC's answer
    where the file is missing."""
    try:
        lines = TABLE_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return opencc_changed_chars()
    return "".join(line for line in lines if not line.startswith("#"))


@lru_cache(maxsize=1)
def _traditional_only() -> re.Pattern[str]:
    """The Traditional-only characters as one character class (the reference detector)."""
    return re.compile(f"[{_changed_chars()}]")


@lru_cache(maxsize=1)
def _traditional_table() -> bytes:
    """The same characters as a byte per Han code point, 1 for Traditional-only (`_FAST`)."""
    table = bytearray(_END - _FIRST)
    for c in _changed_chars():
        table[ord(c) - _FIRST] = 1
    return bytes(table)


def warm() -> None:
    """Build the character table now (`PageModel.warm` calls this, so the batch fork server and
    the service build it once, before the first page)."""
    if _FAST is not None:
        _traditional_table()
    else:
        _traditional_only()


def _judged(hits: int, han: int) -> bool:
    """The verdict on a text with `hits` Traditional-only characters among `han` Han ones."""
    if hits < MIN_CHARS:
        return False
    return hits >= MIN_SHARE * han


def is_traditional(text: str) -> bool:
    """Whether `text` is written in Traditional characters (see `MIN_SHARE`)."""
    hits = len(_traditional_only().findall(text))
    return _judged(hits, len(_HAN.findall(text)) if hits >= MIN_CHARS else 0)


def _sample(page: Page) -> str:
    """The first `SAMPLE_CHARS` characters of the page's block text."""
    parts: list[str] = []
    size = 0
    for b in page.blocks:
        parts.append(b.text)
        size += len(b.text)
        if size >= SAMPLE_CHARS:
            break
    return "".join(parts)[:SAMPLE_CHARS]


def simplified(page: Page) -> Page:
    """`page` with its blocks' text in Simplified characters when it is Traditional; else itself.

    Only the features read the result: `classify_page` labels and returns the page as read.
    """
    if not page.blocks:
        return page
    if _FAST is not None:
        traditional = _judged(*_FAST.han_counts(page.blocks, _traditional_table(), SAMPLE_CHARS))
    else:
        traditional = is_traditional(_sample(page))
    if not traditional:
        return page
    convert = _converter().convert
    return replace(page, blocks=tuple(replace(b, text=convert(b.text)) for b in page.blocks))


if __name__ == "__main__":  # python -m pagesieve.script --write-table
    if sys.argv[1:] != ["--write-table"]:
        sys.exit("usage: python -m pagesieve.script --write-table")
    write_table()
    print(f"wrote {TABLE_FILE}")
