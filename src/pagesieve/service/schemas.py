"""Request bodies of the API, with the bounds that turn bad input into a 422 with a reason.

Unknown fields are refused (``extra="forbid"``) so a typo such as ``{"txt": ...}`` is reported
instead of silently classifying nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from ..types import LABELS, LabelName
from ..verdict import normalize_keep
from .feedback import MAX_TEXT_CHARS

__all__ = [
    "MAX_BATCH",
    "MAX_NAME_CHARS",
    "MAX_URL_CHARS",
    "BatchErrorOut",
    "BlockOut",
    "ClassifyIn",
    "CorrectionOut",
    "ErrorOut",
    "FeedbackIn",
    "RawParams",
    "RecordOut",
    "parse_keep",
]

MAX_URL_CHARS = 8192
MAX_NAME_CHARS = 1024
MAX_BATCH = 100

Url = Annotated[str, Field(max_length=MAX_URL_CHARS)]
Name = Annotated[str, Field(max_length=MAX_NAME_CHARS)]


def parse_keep(value: Any) -> tuple[str, ...] | None:
    """``["content","comment"]`` or ``"content,comment"`` to a tuple of known labels: the JSON
    shape is checked here, the labels by `verdict.normalize_keep`, as for the CLI's --keep."""
    if value is None:
        return None
    if isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        return normalize_keep(value)
    raise ValueError("keep must be a list of labels or a comma-separated string")


class _Keep(BaseModel):
    keep: list[str] | str | None = Field(
        default=None,
        description="Labels whose blocks form the kept text (default: content only).",
        examples=[["content", "comment"]],
    )

    @field_validator("keep", mode="before")
    @classmethod
    def _check_keep(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) > len(LABELS) * 2:
            raise ValueError("keep lists at most the five labels")
        parsed = parse_keep(v)
        return list(parsed) if parsed is not None else None


class ClassifyIn(_Keep):
    """One page: exactly one of `text` (already extracted text) or `html` (markup)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Plain text of the page.")
    html: str | None = Field(default=None, description="HTML of the page.")
    url: Url | None = Field(default=None, description="Where the page came from; never fetched.")
    source: Name | None = Field(default=None, description="A name for the page in the result.")
    id: Name | StrictInt | None = Field(
        default=None, description="Your id for the page (a string or an integer, as a JSONL "
        "line's id for `clean`), echoed back."
    )

    @model_validator(mode="after")
    def _one_input(self) -> ClassifyIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self

    @property
    def kind(self) -> Literal["text", "html"]:
        return "text" if self.text is not None else "html"

    @property
    def data(self) -> str:
        return self.text if self.text is not None else (self.html or "")


class RawParams(_Keep):
    """Query parameters that go with a raw ``text/html`` or ``text/plain`` body."""

    model_config = ConfigDict(extra="ignore")

    url: Url | None = None
    source: Name | None = None
    id: Name | None = None
    kind: Literal["auto", "html", "text"] | None = None


class FeedbackIn(BaseModel):
    """A moderator's correction: this block text should carry this label."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The block's text.")
    label: LabelName = Field(description="The correct label.")
    source: Name | None = Field(default=None, description="The page the block came from.")
    predicted: LabelName | None = Field(default=None, description="The model's label, if known.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is blank")
        return v


# --- answers (for the OpenAPI document only: the service writes the core's records as they are)


class BlockOut(BaseModel):
    """One labelled block of a record."""

    text: str
    label: LabelName
    score: float = Field(description="The chosen label's probability.")
    scores: dict[str, float] = Field(description="Every label's probability.")
    junk: bool = Field(description="related, ad or boilerplate.")
    xpath: str | None = Field(default=None, description="HTML input: where the block sits.")
    start: int | None = Field(default=None, description="Text input: first character offset.")
    end: int | None = Field(default=None, description="Text input: end character offset.")
    why: list[str] | None = Field(default=None, description="What pushed it to its label.")


class RecordOut(BaseModel):
    """A classified page (design.md's record)."""

    source: str | None
    id: str | int | None = Field(default=None, description="The id sent with the page.")
    url: str | None = None
    kind: Literal["html", "text"]
    encoding: str
    quality: float = Field(ge=0, le=1, description="Share of the text that is not junk.")
    spam: bool = Field(description="The page's main text is itself an ad.")
    text: str = Field(description="The kept text: the blocks of the `keep` labels.")
    limits: list[str] | None = Field(default=None, description="Limits the page reached.")
    blocks: list[BlockOut]


class BatchErrorOut(BaseModel):
    """A page of a batch that was refused: the others are still classified."""

    index: int
    id: str | int | None = None
    error: Any
    status: int


class CorrectionOut(BaseModel):
    """A stored correction, as `/v1/feedback` answers it and the export lists it."""

    id: int
    text: str
    label: LabelName
    predicted: LabelName | None
    source: str | None
    created_at: str = Field(description="When it was stored (ISO 8601, UTC).")


class ErrorOut(BaseModel):
    """Why a request was refused."""

    detail: Any
