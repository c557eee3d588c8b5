"""Stage 5 — the page verdict and the kept text, from the labelled blocks.

`spam` when the page's main text is itself an ad (a cheat or gambling page): ad text outweighs
the page's content and is long enough to be a body, not a stray line, and what is left as
content is too short to be a body of its own. An article or a forum post of its own with a
flood of spam comments under it is not a spam page: its ads are comments, its main text is not
(its `quality` still falls with them). `quality` is the share of characters in non-junk blocks,
so it falls as related, ad and boilerplate text grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .types import LABELS, LabelledBlock

__all__ = ["kept_text", "normalize_keep", "page_quality", "page_spam", "page_verdict"]

#: Minimum ad characters for a page to be called spam.
SPAM_MIN_AD_CHARS = 60
#: Content characters from which a page has a main text of its own (a short news item runs to
#: 200 characters; a cheat page keeps its title, a line or two), so its ads do not make it spam.
SPAM_MAX_CONTENT_CHARS = 200


def normalize_keep(keep: Iterable[str] | str) -> tuple[str, ...]:
    """``"content,comment"`` or an iterable to a checked tuple; unknown labels are an error
    (named, up to 200 characters: an API body may be large), and so is naming none (``","``),
    which would keep no text at all. The CLI's --keep and the API's ``keep`` both come here."""
    if isinstance(keep, str):
        items = keep.split(",")
    elif isinstance(keep, Iterable) and not isinstance(keep, (bytes, bytearray)):
        items = list(keep)
        if not all(isinstance(k, str) for k in items):
            raise TypeError("keep holds label names (str), not "
                            + ", ".join(sorted({type(k).__name__ for k in items
                                                if not isinstance(k, str)})))
    else:
        raise TypeError(f"keep is a str or an iterable of label names, not {type(keep).__name__}")
    out = tuple(dict.fromkeys(k.strip() for k in items if k.strip()))
    bad = [k for k in out if k not in LABELS]
    if bad:
        raise ValueError(f"unknown label(s) in keep: {', '.join(bad)[:200]}; "
                         f"labels are {', '.join(LABELS)}")
    if not out:
        raise ValueError(f"keep must name at least one label of {', '.join(LABELS)}")
    return out


def kept_text(blocks: Sequence[LabelledBlock], keep: Sequence[str]) -> str:
    return "\n".join(lb.block.text for lb in blocks if lb.label.name in keep and lb.block.text)


def _chars(blocks: Sequence[LabelledBlock]) -> tuple[int, int, int, int]:
    """The characters of all the blocks, of the junk ones, of the ad and the content ones."""
    total = junk = ad = content = 0
    for lb in blocks:
        n = len(lb.block.text)
        label = lb.label
        total += n
        if label.junk:
            junk += n
        if label.name == "ad":
            ad += n
        elif label.name == "content":
            content += n
    return total, junk, ad, content


def page_spam(blocks: Sequence[LabelledBlock]) -> bool:
    return page_verdict(blocks)[1]


def page_quality(blocks: Sequence[LabelledBlock]) -> float:
    return page_verdict(blocks)[0]


def page_verdict(blocks: Sequence[LabelledBlock]) -> tuple[float, bool]:
    """(`page_quality`, `page_spam`) of the blocks, counted in one pass."""
    total, junk, ad, content = _chars(blocks)
    spam = ad >= SPAM_MIN_AD_CHARS and ad > content and content < SPAM_MAX_CONTENT_CHARS
    if total == 0:
        return 0.0, spam
    quality = 1.0 - junk / total
    if spam:
        quality = min(quality, 0.1)
    return round(quality, 6), spam
