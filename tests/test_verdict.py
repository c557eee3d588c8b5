from __future__ import annotations

import pytest

from pagesieve.types import Block, Label, LabelledBlock
from pagesieve.verdict import (
    SPAM_MAX_CONTENT_CHARS,
    SPAM_MIN_AD_CHARS,
    kept_text,
    normalize_keep,
    page_quality,
    page_spam,
    page_verdict,
)


def lb(text: str, name: str) -> LabelledBlock:
    return LabelledBlock(
        Block(0, text, start=0, end=len(text)),
        Label(name=name, score=0.9, scores={name: 0.9}),  # type: ignore[arg-type]
    )


def test_normalize_keep() -> None:
    assert normalize_keep("content, comment,content") == ("content", "comment")
    assert normalize_keep(["ad"]) == ("ad",)
    with pytest.raises(ValueError, match="unknown label"):
        normalize_keep("content,spam")


def test_kept_text_and_quality() -> None:
    blocks = [lb("正文" * 20, "content"), lb("评论" * 5, "comment"), lb("导航" * 20, "boilerplate")]
    assert kept_text(blocks, ("content",)) == "正文" * 20
    assert kept_text(blocks, ("content", "comment")) == "正文" * 20 + "\n" + "评论" * 5
    assert page_quality(blocks) == pytest.approx(50 / 90, abs=1e-6)
    assert page_quality([]) == 0.0
    assert not page_spam(blocks)


def test_spam_when_the_main_text_is_an_ad() -> None:
    ad_page = [
        lb("标题", "content"),
        lb("微乐麻将开挂辅助加微信" * 10, "ad"),
        lb("首页", "boilerplate"),
    ]
    assert page_spam(ad_page)
    assert page_quality(ad_page) <= 0.1
    # A stray ad line on an article page is not a spam page.
    article = [lb("正文" * 100, "content"), lb("加微信开挂", "ad")]
    assert not page_spam(article)
    # Nor is an article of its own under which spam comments outweigh it: its main text is not
    # an ad (its quality falls with them all the same).
    flooded = [lb("正文" * 150, "content"), lb("网友评论", "boilerplate"),
               *[lb("微乐麻将开挂辅助加微信" * 10, "ad") for _ in range(12)]]
    assert not page_spam(flooded) and page_quality(flooded) < 0.3


def test_page_verdict_is_quality_and_spam() -> None:
    """The one-pass `page_verdict` gives `page_quality` and `page_spam`, by their definitions:
    junk characters over all, and ads of at least SPAM_MIN_AD_CHARS outweighing a content of
    less than SPAM_MAX_CONTENT_CHARS."""
    import random

    rng = random.Random(3)
    names = ["content", "comment", "related", "ad", "boilerplate"]
    cases = [[], [lb("", "ad")], [lb("x" * SPAM_MIN_AD_CHARS, "ad")],
             [lb("x" * 900, "ad"), lb("y" * SPAM_MAX_CONTENT_CHARS, "content")],
             [lb("x" * 900, "ad"), lb("y" * (SPAM_MAX_CONTENT_CHARS - 1), "content")],
             [lb("x" * SPAM_MIN_AD_CHARS, "ad"), lb("y" * SPAM_MIN_AD_CHARS, "content")],
             [lb("x" * (SPAM_MIN_AD_CHARS - 1), "ad")]]
    cases += [[lb("字" * rng.randint(0, 90), rng.choice(names)) for _ in range(rng.randint(0, 9))]
              for _ in range(300)]
    for blocks in cases:
        total = sum(len(b.block.text) for b in blocks)
        junk = sum(len(b.block.text) for b in blocks if b.label.junk)
        ad = sum(len(b.block.text) for b in blocks if b.label.name == "ad")
        content = sum(len(b.block.text) for b in blocks if b.label.name == "content")
        spam = ad >= SPAM_MIN_AD_CHARS and ad > content and content < SPAM_MAX_CONTENT_CHARS
        quality = 0.0 if total == 0 else round(min(1.0 - junk / total, 0.1) if spam
                                               else 1.0 - junk / total, 6)
        assert page_verdict(blocks) == (quality, spam)
        assert (page_quality(blocks), page_spam(blocks)) == (quality, spam)


def test_normalize_keep_refuses_what_is_not_label_names() -> None:
    """A TypeError that says so (None, bytes and a number were a bare TypeError or an
    AttributeError from inside)."""
    for keep, why in [(None, "not NoneType"), (b"content", "not bytes"), (5, "not int"),
                      (["content", 1], r"label names \(str\), not int")]:
        with pytest.raises(TypeError, match=why):
            normalize_keep(keep)  # type: ignore[arg-type]


def test_normalize_keep_refuses_no_labels() -> None:
    """Naming no label would keep no text at all; the API refuses it too (schemas.parse_keep)."""
    for keep in (",", " , ", "", []):
        with pytest.raises(ValueError, match="at least one label"):
            normalize_keep(keep)


def test_the_api_and_the_cli_check_keep_alike() -> None:
    """One rule for --keep and the API's ``keep``: the same labels pass, the same errors say
    the same thing, and an unknown label is echoed at most 200 characters long."""
    from pagesieve.service.schemas import parse_keep

    assert parse_keep("comment, content,comment") == normalize_keep("comment, content,comment")
    assert parse_keep(["content", " ", "ad"]) == ("content", "ad") == normalize_keep(
        ["content", " ", "ad"])
    for bad in ("content,spam", ["x" * 10_000], ",", []):
        with pytest.raises(ValueError) as api:
            parse_keep(bad)
        with pytest.raises(ValueError) as cli:
            normalize_keep(bad)
        assert str(api.value) == str(cli.value)
        assert len(str(cli.value)) < 300
    with pytest.raises(ValueError, match="list of labels or a comma-separated string"):
        parse_keep(["content", 5])
