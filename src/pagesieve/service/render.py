"""HTML for the moderation tool, built from escaped pieces.

No template engine: every value that came from a page, a file name or the database goes through
`esc()` (``html.escape`` with quotes) right where it is interpolated, and the two skeleton files in
``pagesieve/templates`` are filled with `string.Template` using only such escaped pieces. Crawled
markup is therefore shown as text and never run; the page loads its only script from /static so
the Content-Security-Policy can forbid inline scripts entirely.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from string import Template
from typing import Any

from ..read import KINDS  # the form's kind menu: what read_page takes
from ..types import LABELS
from .feedback import Correction, text_key
from .schemas import MAX_NAME_CHARS

__all__ = [
    "blocks_of",
    "esc",
    "render_blocks",
    "render_document",
    "render_form",
    "render_message",
    "render_recent",
    "render_result",
    "render_review",
]


def blocks_of(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's blocks that are objects; a shard line may hold anything."""
    blocks = record.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [b for b in blocks if isinstance(b, Mapping)]


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


@cache
def _template(name: str) -> Template:
    return Template(files("pagesieve").joinpath("templates", name).read_text(encoding="utf-8"))


def render_document(title: str, body: str) -> str:
    """The full page: `title` is escaped here, `body` must already be safe HTML."""
    return _template("base.html").substitute(title=esc(title), body=body)


def render_form(page: str = "", kind: str = "auto", error: str | None = None) -> str:
    options = "".join(
        f'<option value="{k}"{" selected" if k == kind else ""}>{k}</option>' for k in KINDS
    )
    err = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    return _template("form.html").substitute(page=esc(page), kinds=options, error=err)


def _number(value: object, digits: int) -> str:
    """`value` with `digits` decimals, or "–" when a shard line holds no usable number there."""
    if not isinstance(value, int | float):
        return "–"
    try:
        return f"{float(value):.{digits}f}"
    except OverflowError:  # an integer too large for a float
        return "–"


def _label_options(selected: str) -> str:
    return "".join(
        f'<option value="{lab}"{" selected" if lab == selected else ""}>{lab}</option>'
        for lab in LABELS
    )


def _where(block: Mapping[str, Any]) -> str:
    if block.get("xpath"):
        return str(block["xpath"])
    if block.get("start") is not None:
        return f"chars {block['start']}–{block.get('end')}"
    return ""


def _render_block(
    i: int, block: Mapping[str, Any], correction: Correction | None, source: str
) -> str:
    model_label = str(block.get("label", ""))
    label = correction.label if correction else model_label
    score_txt = _number(block.get("score"), 2)
    # a shard line may hold anything: scores that are not an object, or reasons not a list, are
    # left out rather than failing the whole review page
    scores = block.get("scores")
    scores = scores if isinstance(scores, Mapping) else {}
    why = block.get("why")
    why = why if isinstance(why, list) else []
    corrected = (
        f'<span class="corrected">corrected from {esc(model_label)} '
        f"at {esc(correction.created_at)}</span>"
        if correction
        else ""
    )
    why_items = "".join(f"<li>{esc(w)}</li>" for w in why) or "<li>(no reasons recorded)</li>"
    score_rows = "".join(
        f"<tr><td>{esc(k)}</td><td>{_number(v, 3)}</td></tr>"
        for k, v in scores.items()
        if isinstance(v, int | float)
    )
    text = str(block.get("text", ""))
    corrected_attr = ' data-corrected="true"' if correction else ""
    return (
        f'<li class="block label-{esc(label)}" data-label="{esc(label)}" '
        f'data-model-label="{esc(model_label)}" data-index="{i}"{corrected_attr}>'
        f'<div class="meta"><span class="badge">{esc(label)}</span> '
        f'<span class="score" title="model probability of its label">{score_txt}</span> '
        f'{corrected}<span class="where">{esc(_where(block))}</span></div>'
        f'<div class="text">{esc(text)}</div>'
        f'<details class="why"><summary>why</summary><ul>{why_items}</ul>'
        f'<table class="scores">{score_rows}</table></details>'
        f'<form class="correct" method="post" action="/moderate/feedback">'
        f'<input type="hidden" name="text" value="{esc(text)}">'
        # the name of an upload or a shard line may be longer than a correction's source
        f'<input type="hidden" name="source" value="{esc(source[:MAX_NAME_CHARS])}">'
        f'<input type="hidden" name="predicted" value="{esc(model_label)}">'
        f'<label>label <select name="label">{_label_options(label)}</select></label> '
        f'<button type="submit">save</button> <output class="status"></output>'
        f"</form></li>"
    )


def render_blocks(
    blocks: Sequence[Mapping[str, Any]],
    corrections: Mapping[str, Correction],
    source: str,
) -> str:
    """The blocks in page order; a stored correction overrides the shown label."""
    items = [
        _render_block(i, b, corrections.get(text_key(str(b.get("text", "")))), source)
        for i, b in enumerate(blocks)
    ]
    return f'<ol class="blocks">{"".join(items)}</ol>'


def _summary(record: Mapping[str, Any], blocks: Sequence[Mapping[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for b in blocks:
        counts[str(b.get("label"))] = counts.get(str(b.get("label")), 0) + 1
    chips = " ".join(
        f'<span class="chip label-{esc(k)}">{esc(k)} {n}</span>' for k, n in sorted(counts.items())
    )
    q = _number(record.get("quality"), 2)
    spam = record.get("spam")
    fields = [
        ("source", record.get("source")),
        ("id", record.get("id")),
        ("url", record.get("url")),
        ("kind", record.get("kind")),
        ("encoding", record.get("encoding")),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in fields if v is not None)
    verdict = '<span class="spam">spam</span>' if spam else '<span class="ok">not spam</span>'
    return (
        f'<div class="summary"><dl>{dl}<dt>quality</dt><dd class="quality">{q}</dd>'
        f"<dt>verdict</dt><dd>{verdict}</dd></dl><p>{chips}</p></div>"
    )


def render_result(record: Mapping[str, Any], corrections: Mapping[str, Correction]) -> str:
    """One classified page: summary, the kept text on demand, then every block."""
    blocks = blocks_of(record)
    source = str(record.get("source") or "")
    kept = esc(record.get("text", ""))
    return (
        f'<section class="result">{_summary(record, blocks)}'
        f'<details class="kept"><summary>kept text</summary><pre>{kept}</pre></details>'
        f"{render_blocks(blocks, corrections, source)}</section>"
    )


def render_recent(corrections: Sequence[Correction]) -> str:
    if not corrections:
        return ""
    rows = "".join(
        f'<li class="correction" data-label="{esc(c.label)}">'
        f'<span class="badge label-{esc(c.label)}">{esc(c.label)}</span> '
        f'<span class="was">(model: {esc(c.predicted or "?")})</span> '
        f'<span class="text">{esc(c.text[:300])}</span> '
        f'<span class="when">{esc(c.created_at)}</span></li>'
        for c in corrections
    )
    return (
        '<section class="recent"><h2>Recent corrections</h2>'
        f'<ul class="corrections">{rows}</ul>'
        '<p><a href="/v1/feedback/export">export all (JSONL)</a></p></section>'
    )


def render_message(title: str, message: str, back: str = "/") -> str:
    return render_document(
        title, f'<p class="message">{esc(message)}</p><p><a href="{esc(back)}">back</a></p>'
    )


def render_review(
    items: Sequence[tuple[str, int, Mapping[str, Any]]],
    corrections: Mapping[str, Correction],
    *,
    folder: str | None,
    page: int,
    has_next: bool,
    max_quality: float,
    bad_lines: int,
) -> str:
    """The review queue: flagged records of a `clean` output folder, a page at a time."""
    if folder is None:
        body = (
            '<h1>Review queue</h1><p class="message">No review folder is configured. Start the '
            "server with <code>--review-dir OUTDIR</code> (or set "
            "<code>PAGESIEVE_REVIEW_DIR</code>) pointing at a <code>pagesieve clean</code> "
            "output folder.</p>"
        )
        return render_document("Review queue", body)
    parts = [
        f"<h1>Review queue</h1><p>Pages in <code>{esc(folder)}</code> flagged spam or with quality "
        f"below {max_quality:g}; page {page}.</p>"
    ]
    if bad_lines:
        parts.append(f'<p class="error">{bad_lines} unreadable line(s) skipped.</p>')
    if not items:
        parts.append('<p class="message">Nothing (more) to review.</p>')
    for shard, line_no, record in items:
        blocks = blocks_of(record)
        source = str(record.get("source") or f"{shard}:{line_no}")
        inner = (
            render_blocks(blocks, corrections, source)
            if blocks
            else f'<pre class="kept">{esc(record.get("text", ""))}</pre>'
            '<p class="hint">This shard was written without <code>--blocks</code>; only the kept '
            "text is available.</p>"
        )
        parts.append(
            f'<article class="review-item" data-shard="{esc(shard)}" data-line="{line_no}">'
            f"<h2>{esc(source)}</h2>{_summary(record, blocks)}{inner}</article>"
        )
    nav = []
    if page > 1:
        nav.append(
            f'<a rel="prev" href="/review?page={page - 1}&amp;max_quality={max_quality}">'
            "previous</a>"
        )
    if has_next:
        nav.append(
            f'<a rel="next" href="/review?page={page + 1}&amp;max_quality={max_quality}">next</a>'
        )
    parts.append(f'<nav class="pager">{" ".join(nav)}</nav>')
    return render_document("Review queue", "".join(parts))
