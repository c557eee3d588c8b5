"""Stage 2b — Traditional Chinese pages are read in Simplified characters for the features.

The model's words are learned from Simplified text (jieba's dictionary, the corpora and nearly
all training pages), so a Big5 page from Taiwan or Hong Kong would be mostly unknown words
(颱風 and 網友 are not the 台风 and 网友 the model knows). Such a page is converted with
OpenCC (``t2s``, phrase-aware) before it is featurised; the blocks, the output text and the
offsets keep the page's own characters. A Simplified page is left alone (and costs one regex
scan): converting it would only risk turning 著名's 著 into 着.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

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


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_only() -> re.Pattern[str]:
    """The Han characters t2s changes, as one character class (~3,600 of the 21,000; built
    once a process, ~0.1 s with OpenCC's import: the batch fork server does it, see `warm`)."""
    chars = "".join(chr(c) for c in range(0x4E00, 0xA000))
    converted = _converter().convert(chars)  # no phrase spans neighbouring code points
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps t2s length-preserving
        raise RuntimeError("OpenCC t2s changed the length of the character table")
    changed = "".join(c for c, s in zip(chars, converted, strict=True) if c != s)
    return re.compile(f"[{changed}]")


def warm() -> None:
    """Build the character table now (`PageModel.warm` calls this, so the batch fork server and
    the service build it once, before the first page)."""
    _traditional_only()


def is_traditional(text: str) -> bool:
    """Whether `text` is written in Traditional characters (see `MIN_SHARE`)."""
    hits = len(_traditional_only().findall(text))
    if hits < MIN_CHARS:
        return False
    return hits >= MIN_SHARE * len(_HAN.findall(text))


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
    if not page.blocks or not is_traditional(_sample(page)):
        return page
    convert = _converter().convert
    return replace(page, blocks=tuple(replace(b, text=convert(b.text)) for b in page.blocks))
