"""Stage 2 (text) — plain text to blocks: paragraphs by blank lines, list cards kept whole.

A card is a bullet line (``•``, ``·``, ``-``...) with what is indented under it: a header group
(the bullet line and the lines right below it), at most one body paragraph, then any number of
short metadata lines (dates, times, counts). That is how extracted teaser lists and comment lists
look (see the seed page), and labels.md says a card's lines share one label.

Every block keeps `start`/`end` offsets into the text it came from; its `text` is the lines of
that slice stripped of indentation and joined by newlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import Block

__all__ = ["is_bullet", "segment_text"]

_BULLET = re.compile(r"^[ \t\u3000]*(?:[•·●○◆◇▪▫■□►▶‣⁃※★☆]|[-*+](?=[ \t]))")
_META = re.compile(
    r"^(?:"
    r"\d{2,4}[-/年.]\d{1,2}(?:[-/月.]\d{1,2}日?)?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"  # dates
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # times
    r"|\d{1,9}(?:\.\d+)?[万wkK]?"  # counts
    r"|(?:阅读|浏览|评论|点赞|回复|热度|人气)[:: ]*\d+[万wkK]?"
    r"|\d+\s*(?:秒|分钟|小时|天|周|个月|年)前|刚刚|昨天|前天"
    r")$"
)


def is_bullet(line: str) -> bool:
    """Whether `line` opens a list card (a bullet: ``•``, ``·``, ``-`` and a space...)."""
    return bool(_BULLET.match(line))


@dataclass(slots=True)
class _Line:
    start: int
    end: int  # end of the line's content (no newline)
    indent: int
    body: str  # stripped
    bullet: bool

    @property
    def blank(self) -> bool:
        return not self.body


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        stripped = content.strip()
        lead = len(content) - len(content.lstrip())
        out.append(_Line(pos, pos + len(content), lead, stripped, bool(_BULLET.match(content))))
        pos += len(raw)
    return out


def _groups(lines: list[_Line], lo: int, hi: int) -> list[tuple[int, int]]:
    """Runs of consecutive non-blank lines in [lo, hi) as (first, last+1) index pairs."""
    out: list[tuple[int, int]] = []
    i = lo
    while i < hi:
        if lines[i].blank:
            i += 1
            continue
        j = i
        while j < hi and not lines[j].blank:
            j += 1
        out.append((i, j))
        i = j
    return out


def _card_end(lines: list[_Line], i: int) -> int:
    """Index one past the last line of the card whose bullet line is `i`."""
    indent = lines[i].indent
    n = len(lines)

    def under(k: int) -> bool:
        return not lines[k].blank and lines[k].indent > indent and not lines[k].bullet

    j = i + 1
    while j < n and under(j):  # header group
        j += 1
    end = j
    body_taken = False
    while True:
        k = end
        while k < n and lines[k].blank:
            k += 1
        if k >= n or not under(k):
            return end
        g = k
        while g < n and under(g):
            g += 1
        is_meta = all(_META.match(lines[m].body) for m in range(k, g))
        if is_meta:
            end = g
            continue
        if body_taken:
            return end
        body_taken = True
        end = g


def segment_text(text: str, *, max_blocks: int = 5000) -> tuple[Block, ...]:
    """Split plain text into blocks. Text with no blank lines at all is split line by line."""
    lines = _lines(text)
    spans: list[tuple[int, int, str]] = []  # (first line, last+1, kind)
    has_blank_sep = any(ln.blank for ln in lines) and len(_groups(lines, 0, len(lines))) > 1
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln.blank:
            i += 1
            continue
        if ln.bullet:
            j = _card_end(lines, i)
            spans.append((i, j, "li"))
            i = j
            continue
        j = i + 1
        if has_blank_sep:
            while j < n and not lines[j].blank and not lines[j].bullet:
                j += 1
        spans.append((i, j, "p"))
        i = j
    if len(spans) > max_blocks > 0:
        last_first = spans[max_blocks - 1][0]
        spans = [*spans[: max_blocks - 1], (last_first, spans[-1][1], spans[max_blocks - 1][2])]
    blocks: list[Block] = []
    for idx, (a, b, kind) in enumerate(spans):
        body = [lines[k].body for k in range(a, b) if not lines[k].blank]
        start = lines[a].start + lines[a].indent
        end = lines[b - 1].end
        while end > start and text[end - 1].isspace():
            end -= 1
        blocks.append(
            Block(
                index=idx,
                text="\n".join(body),
                start=start,
                end=end,
                tag_path=f"text/{kind}",
                lines=len(body),
            )
        )
    return tuple(blocks)
