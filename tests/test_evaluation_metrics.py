"""The evaluation's metrics on hand-made cases: ROUGE-1, line matching, block labels."""

from __future__ import annotations

import pytest

from pagesieve.evaluation.metrics import (
    confusion_matrix,
    keep_metrics,
    label_metrics,
    line_figures,
    rouge1,
    text_found,
    words,
)


# -- ROUGE-1 ----------------------------------------------------------------------------------
def test_rouge1_word_lists() -> None:
    r = rouge1(["a", "a", "b"], ["a", "b", "b"])  # overlap min(2,1) + min(1,2) = 2
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)


def test_rouge1_strings() -> None:
    r = rouge1("apple banana cherry", "apple banana durian fig")
    assert (r.precision, r.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 4))
    assert r.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    # Chinese goes through jieba: 北京 and 上海 are words either way; 和 is shared too.
    assert words("北京和上海") == ["北京", "和", "上海"]
    r = rouge1("北京和上海", "北京和上海和广州")
    assert r.precision == 1.0
    assert r.recall == pytest.approx(3 / 5)


def test_rouge1_drops_punctuation_and_edge_cases() -> None:
    assert words("北京，。！ — ★ …") == ["北京"]
    assert rouge1("北京，。！", "北京").f1 == 1.0
    assert rouge1("", "").f1 == 1.0
    assert rouge1("", "北京").f1 == 0.0
    assert rouge1("北京", "").f1 == 0.0
    # Full-width letters/digits are normalised (NFKC) before comparing.
    assert rouge1("ＡＢＣ １２３", "abc 123").f1 == 1.0


# -- lines ------------------------------------------------------------------------------------
def test_line_figures() -> None:
    gold = "甲乙丙丁戊己庚\n子丑寅卯辰巳午\n短"
    kept = "甲乙丙丁戊己庚。\n广告：加微信买外挂便宜\n短"
    fig = line_figures(kept, gold)
    assert fig == {"gold_lines": 3, "gold_lines_kept": 2, "kept_lines": 3, "junk_lines": 1,
                   "kept_chars": 7 + 10 + 1, "junk_chars": 10}


def test_text_found_short_and_long() -> None:
    out = "首页\n甲乙丙丁戊己庚辛壬癸"
    assert text_found("首页", out)
    assert not text_found("联系", out)
    assert text_found("甲乙丙丁 戊己庚辛", out)  # whitespace and punctuation ignored
    assert not text_found("子丑寅卯辰巳午未", out)
    # A short block must match a short output line, not a word inside a long one.
    assert not text_found("乙丙", "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")


# -- labels -----------------------------------------------------------------------------------
def test_confusion_and_f1() -> None:
    gold = ["content", "content", "ad", "boilerplate"]
    pred = ["content", "ad", "ad", "content"]
    cm = confusion_matrix(gold, pred)
    assert cm[0] == [1, 0, 0, 1, 0]  # content: one right, one called ad
    assert cm[3] == [0, 0, 0, 1, 0]
    assert cm[4] == [1, 0, 0, 0, 0]
    m = label_metrics(cm)
    pl = m["per_label"]
    assert (pl["content"]["precision"], pl["content"]["recall"]) == (0.5, 0.5)
    assert (pl["ad"]["precision"], pl["ad"]["recall"]) == (0.5, 1.0)
    assert pl["ad"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert pl["boilerplate"]["f1"] == 0.0
    # comment and related: never in the gold, never predicted -> left out of the macro.
    assert m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0.0) / 3, abs=1e-6)
    assert m["accuracy"] == 0.5


def test_perfect_labels() -> None:
    labs = ["content", "comment", "related", "ad", "boilerplate"]
    m = label_metrics(confusion_matrix(labs, labs))
    assert m["macro_f1"] == 1.0


def test_keep_metrics() -> None:
    k = keep_metrics([True, True, False, False], [True, False, True, False])
    assert (k["precision"], k["recall"], k["f1"]) == (0.5, 0.5, 0.5)
