"""Corpus loaders: formats parsed, deterministic samples, caps kept, hard negatives found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pagesieve.training.corpora import (
    HARD_NEGATIVE_RE,
    Caps,
    load_corpora,
)

SMALL = Caps(
    articles_per_corpus=150,
    headlines=500,
    neg_titles=300,
    comments=600,
    forum_replies=100,
    chat=100,
    ad_gamble=200,
    ad_cheat=80,
    ad_spam=200,
)


@pytest.fixture(scope="module")
def corp(shared_data: Path):
    return load_corpora(shared_data, seed=0, caps=SMALL)


def test_every_corpus_yields_text(corp) -> None:
    sizes = corp.sizes()
    for name, n in sizes.items():
        assert n > 0, name
    assert sizes["headlines"] <= 500 and sizes["comments"] <= 600 and sizes["ad_spam"] <= 200
    # three content corpora, sampled per corpus
    assert {a.corpus for a in corp.articles} == {
        "sina-news-2018",
        "sogou-news-smarty",
        "thucnews-fulltext-mini",
    }
    assert len(corp.articles) <= 3 * 150


def test_articles_are_clean(corp) -> None:
    for a in corp.articles[:200]:
        assert a.title and a.paragraphs
        assert all(p == p.strip() and len(p) >= 4 for p in a.paragraphs)
        # sina promo tails and sogou mojibake are gone
        assert not any("特惠充值" in p or "??" in p for p in a.paragraphs)
        assert not re.search(r"[０-９]", a.text)  # full-width digits folded
    # ordinary articles never mention the ad vocabulary; hard ones always do
    assert not any(HARD_NEGATIVE_RE.search(a.title + a.text) for a in corp.articles)
    assert corp.hard_articles
    assert all(HARD_NEGATIVE_RE.search(a.title + a.text) for a in corp.hard_articles)


def test_ads_and_comments_look_right(corp) -> None:
    assert all(len(x) >= 8 for x in corp.ad_cheat)
    assert sum("发票" in x for x in corp.ad_spam) > 10  # trec06c spam is mostly fake invoices
    assert all(4 <= len(x) <= 300 for x in corp.comments)
    # forum replies drop the quoted mail lines
    assert not any(x.startswith((":", "：")) for x in corp.forum_replies)
    assert all(6 <= len(x) <= 60 for x in corp.headlines)


def test_deterministic(shared_data: Path, corp) -> None:
    again = load_corpora(shared_data, seed=0, caps=SMALL)
    assert again == corp
    other = load_corpora(shared_data, seed=1, caps=SMALL)
    assert other.headlines != corp.headlines


def test_missing_data_gives_empty_corpora(tmp_path: Path) -> None:
    empty = load_corpora(tmp_path, seed=0)
    assert all(n == 0 for n in empty.sizes().values())
