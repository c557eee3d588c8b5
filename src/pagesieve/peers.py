"""Peer main-content extractors, wrapped behind one signature for the evaluation.

Each peer is ``extract(html: str) -> str`` (the main text, lines separated by newlines). Peers are
optional dev dependencies (the ``peers`` extra), never runtime ones: every import happens inside a
function, and `available_peers()` says which are installed. `run_peer()` never raises: a failure
(an exception, a timeout, or ``None`` from the library) is recorded as empty output with the error,
so the evaluation can count failures instead of dying on one odd page.

Settings (documented in the evaluation report too):

- trafilatura: ``trafilatura.extract(html, include_comments=False, include_tables=True)`` - the
  defaults except comments, since the gold is the main text without user comments.
- readability: ``readability.Document(html).summary(html_partial=True)``, converted to text with
  one line per block element (`html_to_text`).
- resiliparse: ``extract_plain_text(html, main_content=True)`` (other options at their defaults).
- boilerpy3: ``extractors.ArticleExtractor().get_content(html)``.
- gne: ``GeneralNewsExtractor().extract(html)["content"]`` (the title is not part of its content).

magic-html is not wrapped: it needs Python >= 3.12 and this project targets 3.11.
"""

from __future__ import annotations

import io
import re
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from .limits import time_limit

__all__ = [
    "PEERS",
    "PeerResult",
    "available_peers",
    "extract",
    "get_extractor",
    "html_to_text",
    "peer_versions",
    "run_peer",
]

#: The peers, in report order.
PEERS: tuple[str, ...] = ("trafilatura", "readability", "resiliparse", "boilerpy3", "gne")

#: Distribution name of each peer (for versions and availability).
_DISTRIBUTIONS: dict[str, str] = {
    "trafilatura": "trafilatura",
    "readability": "readability-lxml",
    "resiliparse": "resiliparse",
    "boilerpy3": "boilerpy3",
    "gne": "gne",
}

#: Seconds one peer may spend on one page before it counts as a failure.
DEFAULT_TIMEOUT = 30.0

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "section", "article", "aside",
    "header", "footer", "nav", "main", "blockquote", "pre", "form", "fieldset", "figure",
    "figcaption", "address", "details", "summary", "center", "hr", "br",
})
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True, slots=True)
class PeerResult:
    name: str
    text: str
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one line per block-level element, spaces collapsed."""
    import lxml.html

    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk input
        return ""
    parts: list[str] = []

    def walk(el: object) -> None:
        tag = getattr(el, "tag", None)
        if not isinstance(tag, str):  # comments, processing instructions
            tail = getattr(el, "tail", None)
            if tail:
                parts.append(tail)
            return
        name = tag.lower()
        if name in ("script", "style", "noscript", "template"):
            if getattr(el, "tail", None):
                parts.append(el.tail)  # type: ignore[attr-defined]
            return
        block = name in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if getattr(el, "text", None):
            parts.append(el.text)  # type: ignore[attr-defined]
        for child in el:  # type: ignore[attr-defined]
            walk(child)
        if block:
            parts.append("\n")
        if getattr(el, "tail", None):
            parts.append(el.tail)  # type: ignore[attr-defined]

    walk(root)
    text = _SPACES.sub(" ", "".join(parts).replace("\u3000", " ").replace("\xa0", " "))
    return _NEWLINES.sub("\n", text).strip()


# -- the peers --------------------------------------------------------------------------------
def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""


def _readability(html: str) -> str:
    from readability import Document

    return html_to_text(Document(html).summary(html_partial=True))


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True) or ""


def _boilerpy3(html: str) -> str:
    import logging

    from boilerpy3 import extractors

    logging.getLogger("boilerpy3").setLevel(logging.ERROR)

    return extractors.ArticleExtractor(raise_on_failure=True).get_content(html) or ""


def _gne(html: str) -> str:
    import logging

    from gne import GeneralNewsExtractor

    logging.getLogger("gne").setLevel(logging.ERROR)
    out = GeneralNewsExtractor().extract(html)
    return str(out.get("content") or "") if isinstance(out, dict) else ""


_EXTRACTORS: dict[str, Callable[[str], str]] = {
    "trafilatura": _trafilatura,
    "readability": _readability,
    "resiliparse": _resiliparse,
    "boilerpy3": _boilerpy3,
    "gne": _gne,
}


def get_extractor(name: str) -> Callable[[str], str]:
    try:
        return _EXTRACTORS[name]
    except KeyError:
        raise ValueError(f"unknown peer {name!r}; peers are {', '.join(PEERS)}") from None


def extract(name: str, html: str) -> str:
    """Main text of `html` by peer `name` (raises whatever the peer raises)."""
    return get_extractor(name)(html)


def peer_versions() -> dict[str, str | None]:
    """Installed version of each peer's distribution, None where it is not installed."""
    out: dict[str, str | None] = {}
    for name in PEERS:
        try:
            out[name] = version(_DISTRIBUTIONS[name])
        except PackageNotFoundError:
            out[name] = None
    return out


def available_peers() -> tuple[str, ...]:
    """Peers whose library imports here (in report order)."""
    import importlib

    modules = {
        "trafilatura": "trafilatura",
        "readability": "readability",
        "resiliparse": "resiliparse.extract.html2text",
        "boilerpy3": "boilerpy3.extractors",
        "gne": "gne",
    }
    out = []
    for name in PEERS:
        try:
            importlib.import_module(modules[name])
        except Exception:  # ImportError or a broken install
            continue
        out.append(name)
    return tuple(out)


class _Timeout(Exception):
    pass


def _deadline(seconds: float | None) -> AbstractContextManager[None]:
    """SIGALRM deadline in the main thread on POSIX; no deadline elsewhere."""
    return time_limit(seconds or 0.0, _Timeout)


def run_peer(name: str, html: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> PeerResult:
    """Run one peer on one page; never raises. Failures give empty text and an error string."""
    fn = get_extractor(name)
    sink = io.StringIO()
    t0 = time.perf_counter()
    try:
        # Peers chatter (boilerpy3 prints parser warnings): keep it off the terminal.
        with (_deadline(timeout), warnings.catch_warnings(), redirect_stdout(sink),
              redirect_stderr(sink)):
            warnings.simplefilter("ignore")
            text = fn(html)
        error = None
    except _Timeout:
        text, error = "", f"timeout after {timeout:g}s"
    except Exception as exc:  # any peer failure is recorded, not raised
        text, error = "", f"{type(exc).__name__}: {str(exc)[:200]}"
    seconds = time.perf_counter() - t0
    return PeerResult(name=name, text=text if isinstance(text, str) else "", seconds=seconds,
                      error=error)
