"""Stages 1–2 together: raw bytes or text to a `Page` of blocks (decode, sniff, segment)."""

from __future__ import annotations

import sys
from typing import Literal

from .decode import clean_text, decode, sniff_kind
from .errors import InputTooLarge
from .limits import DEFAULT_LIMITS, Limits
from .segment_html import segment_html
from .segment_text import segment_text
from .types import Block, Page

__all__ = ["read_page"]

#: What `kind` may be: sniff it, or read the page as HTML or as text.
KINDS = ("auto", "html", "text")


def read_page(
    data: bytes | str,
    *,
    kind: Literal["auto", "html", "text"] = "auto",
    source: str | None = None,
    url: str | None = None,
    http_charset: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Page:
    """Decode (bytes only) and segment a page. Raises `DecodeError` or `InputTooLarge`;
    `ValueError` for an unknown `kind`, `TypeError` for `data` that is neither bytes nor str."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, (bytes, str)):
        raise TypeError(f"a page is bytes or str, not {type(data).__name__}")
    for name, value in (("url", url), ("source", source), ("http_charset", http_charset)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} is a str or None, not {type(value).__name__}")
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise InputTooLarge(f"input is {size:,} bytes, over the limit of {limits.max_bytes:,}")
    notes: tuple[str, ...] = ()
    utf8: bytes | None = None
    if isinstance(data, bytes):
        decoded = decode(data, http_charset=http_charset)
        text, encoding, notes, utf8 = decoded.text, decoded.encoding, decoded.notes, decoded.utf8
    else:
        # the caller's own string: block offsets must index it, so nothing is dropped
        text, encoding = clean_text(data, keep_offsets=True), "utf-8"
    page_kind = sniff_kind(text) if kind == "auto" else kind

    def segment(max_blocks: int) -> tuple[Block, ...]:
        if page_kind == "html":
            return segment_html(text, max_blocks=max_blocks, url=url, utf8=utf8)
        return segment_text(text, max_blocks=max_blocks)

    cap = limits.max_blocks
    blocks = segment(cap)
    folded = False
    if 0 < cap <= len(blocks) and cap < sys.maxsize:
        # exactly `cap` blocks: was later text folded into the last, or was that all? One more
        # block tells (only pages at the limit, a few in a thousand, are segmented twice)
        folded = len(segment(cap + 1)) > cap
    return Page(
        text=text,
        kind=page_kind,
        encoding=encoding,
        blocks=blocks,
        source=source,
        url=url,
        notes=notes,
        limits=_limit_notes(blocks, limits, folded),
    )


def _limit_notes(
    blocks: tuple[Block, ...], limits: Limits, folded: bool
) -> tuple[str, ...]:
    """One sentence per limit the blocks hit, for the record (a cut reading is never silent)."""
    out = []
    if folded:
        out.append(
            f"max_blocks: the page has more than {limits.max_blocks:,} blocks; the text past "
            "the limit is folded into the last block"
        )
    cut = sum(1 for b in blocks if len(b.text) > limits.max_block_chars > 0)
    if cut:
        out.append(
            f"max_block_chars: {cut:,} block(s) longer than {limits.max_block_chars:,} "
            "characters; only their first characters were read by the tokenizer"
        )
    return tuple(out)
