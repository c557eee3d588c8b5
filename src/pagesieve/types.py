"""The value types every stage passes along: a decoded `Page`, its `Block`s, and a block's `Label`.

They are frozen so a stage can never change what an earlier stage produced; each stage builds new
values instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .native import compiled_part

__all__ = [
    "JUNK_LABELS",
    "LABELS",
    "Block",
    "Kind",
    "Label",
    "LabelName",
    "LabelledBlock",
    "Page",
    "PageResult",
    "record_json",
]

LabelName = Literal["content", "comment", "related", "ad", "boilerplate"]
Kind = Literal["html", "text"]

#: The five block labels, in the order used for score vectors (see docs/labels.md).
LABELS: tuple[LabelName, ...] = ("content", "comment", "related", "ad", "boilerplate")
#: Labels that are junk: never kept by default, and they lower a page's quality.
JUNK_LABELS: frozenset[str] = frozenset({"related", "ad", "boilerplate"})


@dataclass(frozen=True, slots=True)
class Block:
    """One visible run of text on a page, with the layout facts the model reads.

    Text input fills `start`/`end` (character offsets into the decoded text); HTML input fills
    `xpath`. Layout facts are plain values so features never need the parse tree again.
    """

    index: int
    text: str
    start: int | None = None
    end: int | None = None
    xpath: str | None = None
    #: Slash-joined tag names from the root, e.g. ``html/body/div/ul/li`` (text input: ``text/p``,
    #: ``text/li`` for a list card).
    tag_path: str = ""
    #: Lower-cased words from the class and id attributes of the block's element and ancestors.
    attr_words: tuple[str, ...] = ()
    #: Characters of the block's text that sit inside links.
    link_chars: int = 0
    #: Number of lines (text input) or element runs (HTML input) folded into the block.
    lines: int = 1
    #: Where the block's links go, when not simply within the site (HTML input, see links.py):
    #: ``"off"`` another site, ``"adurl"`` an ad server or click tracker.
    link_kinds: tuple[str, ...] = ()

    @property
    def link_density(self) -> float:
        n = len(self.text)
        return min(1.0, self.link_chars / n) if n else 0.0


@dataclass(frozen=True, slots=True)
class Page:
    """A decoded page split into blocks, before any labelling."""

    text: str
    kind: Kind
    encoding: str
    blocks: tuple[Block, ...]
    source: str | None = None
    url: str | None = None
    #: Notes from the reading stages (how the encoding was chosen, anything odd about it).
    notes: tuple[str, ...] = ()
    #: Limits this page hit (blocks folded, blocks cut for the tokenizer), one sentence each;
    #: written to the record as ``limits`` so a truncated reading is never silent.
    limits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """The model's verdict on one block: the label, its probability, all five, and why."""

    name: LabelName
    score: float
    scores: Mapping[str, float]
    #: A few tokens and layout features that pushed the block towards `name`, strongest first.
    why: tuple[str, ...] = ()

    @property
    def junk(self) -> bool:
        return self.name in JUNK_LABELS


@dataclass(frozen=True, slots=True)
class LabelledBlock:
    block: Block
    label: Label

    def to_dict(self, *, why: bool = True) -> dict[str, Any]:
        b, lab = self.block, self.label
        out: dict[str, Any] = {
            "text": b.text,
            "label": lab.name,
            "score": round(lab.score, 6),
            "scores": {k: round(float(v), 6) for k, v in lab.scores.items()},
            "junk": lab.junk,
        }
        if b.xpath is not None:
            out["xpath"] = b.xpath
        else:
            out["start"] = b.start
            out["end"] = b.end
        if why:
            out["why"] = list(lab.why)
        return out


@dataclass(frozen=True, slots=True)
class PageResult:
    """A classified page: every block labelled, the kept text, and the page verdict."""

    page: Page
    blocks: tuple[LabelledBlock, ...]
    keep: tuple[str, ...]
    text: str
    quality: float
    spam: bool
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        return self.page.kind

    @property
    def encoding(self) -> str:
        return self.page.encoding

    def to_dict(self, *, blocks: bool = True, why: bool = True) -> dict[str, Any]:
        """The JSON record of design.md: source, kind, encoding, quality, spam, text, blocks."""
        out: dict[str, Any] = {"source": self.page.source}
        out.update(self.extra)
        if self.page.url is not None and "url" not in out:
            out["url"] = self.page.url
        out.update(
            {
                "kind": self.page.kind,
                "encoding": self.page.encoding,
                "quality": round(self.quality, 6),
                "spam": self.spam,
                "text": self.text,
            }
        )
        if self.page.limits:
            out["limits"] = list(self.page.limits)
        if blocks:
            if _FAST is not None:
                out["blocks"] = _FAST.block_dicts(self.blocks, why)
            else:
                out["blocks"] = [lb.to_dict(why=why) for lb in self.blocks]
        return out


def record_json(obj: Any, **dumps: Any) -> str:
    """`obj` as JSON text that encodes to UTF-8: characters as they are, unless the text holds
    lone surrogates (a file name in GBK bytes on a UTF-8 system, a caller's broken string),
    then ASCII escapes throughout. The one rule for records, whoever writes them: a batch
    shard, the CLI, the service. `dumps` goes to ``json.dumps`` (``indent``, ``separators``...)."""
    text = json.dumps(obj, ensure_ascii=False, **dumps)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, **dumps)
    return text


def make_labels(
    rows: list[list[float]], chosen: list[int], why: Sequence[tuple[str, ...]]
) -> tuple[Label, ...]:
    """Per row of the five scores (in `LABELS` order): its `Label`, named by ``chosen[i]``
    (the row's first maximum), with ``why[i]``. The loop below is the reference; the compiled
    part (`_fasttypes.labels`) builds the same frozen instances without their __init__."""
    if _FAST is not None:
        made: tuple[Label, ...] = _FAST.labels(rows, chosen, why, LABELS)
        return made
    out = []
    for row, k, reasons in zip(rows, chosen, why, strict=True):
        name: LabelName = LABELS[k]
        scores: dict[str, float] = dict(zip(LABELS, row, strict=True))
        out.append(Label(name=name, score=row[k], scores=scores, why=reasons))
    return tuple(out)


def make_labelled_blocks(
    blocks: Sequence[Block], labels: Sequence[Label]
) -> tuple[LabelledBlock, ...]:
    """``LabelledBlock(b, lab)`` for each pair (compiled: `_fasttypes.labelled_blocks`)."""
    if _FAST is not None:
        made: tuple[LabelledBlock, ...] = _FAST.labelled_blocks(blocks, labels)
        return made
    return tuple(LabelledBlock(b, lab) for b, lab in zip(blocks, labels, strict=True))


def _load_fast() -> Any:
    """The compiled block records (`_fasttypes`), handed the classes it reads, or None: not
    built, or ``PAGESIEVE_PURE=1`` (then `LabelledBlock.to_dict`, the reference, builds them)."""
    fast = compiled_part("_fasttypes")
    if fast is not None:
        fast.init(LabelledBlock, Label, Block, JUNK_LABELS)
    return fast


#: The compiled `PageResult.to_dict` block loop when built, else None; see `_load_fast`.
_FAST: Any = _load_fast()
