"""The held-back-corpus evaluation: what is held back, and how its pages are scored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pagesieve.evaluation.heldback import (
    _held_back_families,
    evaluate_heldback,
    held_back,
    split_corpora,
)
from pagesieve.training.compose import make_families
from pagesieve.training.corpora import Article, Corpora
from pagesieve.types import LABELS, Label


def _corpora(n: int) -> Corpora:
    texts = tuple(f"第{i}条 文本" for i in range(n))
    arts = tuple(Article(f"标题{i}", (f"段落{i}",), "c") for i in range(n))
    return Corpora(articles=arts, hard_articles=arts[:200], headlines=texts, neg_titles=texts,
                   comments=texts, forum_replies=texts, chat=texts, ad_gamble=texts,
                   ad_cheat=texts, ad_spam=texts)


def test_held_back_is_a_stable_share() -> None:
    texts = [f"item {i}" for i in range(5000)]
    back = [t for t in texts if held_back(t)]
    assert 0.17 < len(back) / len(texts) < 0.23
    assert back == [t for t in texts if held_back(t)]  # the same every call (no salted hash)
    assert not any(held_back(t, 0.0) for t in texts) and all(held_back(t, 1.0) for t in texts)


def test_split_corpora_is_disjoint_and_complete() -> None:
    corp = _corpora(400)
    train, back = split_corpora(corp)
    for name, n in corp.sizes().items():
        a, b = getattr(train, name), getattr(back, name)
        assert len(a) + len(b) == n and not set(a) & set(b)
        assert 0 < len(b) < len(a)
    # an item goes the same way in every corpus it is in (the same text, the same side)
    assert set(train.comments) == set(train.ad_gamble)


def test_held_back_families_cover_both_kinds() -> None:
    fams = make_families(0)
    back = _held_back_families(fams, 0.2)
    kinds = {f.kind for f in back}
    assert kinds == {"html", "text"}
    n_html = sum(f.kind == "html" for f in fams)
    assert sum(f.kind == "html" for f in back) == n_html // 5
    assert len({f.host for f in back}) == len(back)


class _AllContent:
    """Labels every block content: the figures must then be content recall 1, others 0."""

    def label_page(self, page: Any, *, explain: bool = True) -> tuple[Label, ...]:
        return tuple(Label("content", 1.0, {lab: float(lab == "content") for lab in LABELS}, ())
                     for _ in page.blocks)


def test_evaluate_heldback_scores_the_composed_pages(shared_data: Path) -> None:
    res = evaluate_heldback(shared_data, n_pages=12, model=_AllContent())
    assert res["pages"] == 12 and sum(res["page_types"].values()) == 12
    fig = res["all"]
    per = fig["per_label"]
    assert per["content"]["recall"] == 1.0 and 0 < per["content"]["precision"] < 1
    assert per["content"]["predicted"] == fig["blocks"]
    assert all(per[lab]["recall"] == 0.0 for lab in LABELS if lab != "content")
    assert per["boilerplate"]["support"] > 0  # every composed page has furniture
    assert res["seedlike"]["blocks"] == sum(
        res["by_type"][t]["blocks"] for t in ("news", "farm", "blog") if t in res["by_type"])
    for name, n in res["corpus_items"].items():
        assert n["held_back"] < n["training"], name


def test_training_pages_are_composed_without_held_back_text(shared_data: Path) -> None:
    from pagesieve.training.corpora import load_corpora
    from pagesieve.training.dataset import build_dataset

    train, back = split_corpora(load_corpora(shared_data, seed=0))
    pools = ("ad_gamble", "ad_cheat", "comments", "headlines")
    seen = {x[:16] for name in pools for x in getattr(train, name)}
    # the first 16 characters of held-back items that no training item starts with
    held = {x[:16] for name in pools for x in getattr(back, name) if len(x) >= 16} - seen

    def found(corp: Corpora) -> int:
        data = build_dataset(shared_data, n_synthetic=30, include_real=False, corpora=corp)
        text = "\n".join(tp.page.text for tp in data)
        return sum(x in text for x in held)

    assert found(train) == 0
    assert found(back) > 50  # the same pages composed from the held-back part show them
