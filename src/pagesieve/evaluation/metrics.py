"""Figures of one output against its gold: words and ROUGE-1, line matching, block-label scores.

Pure functions on texts and label lists, used by every other part of the evaluation (the
extractor runs, the summaries, the gold pages); nothing here reads a page or runs a model. The
rules (which tokens are words, when a line counts as found) are spelled out in the
`pagesieve.evaluate` docstring.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..types import LABELS

__all__ = [
    "CONTENT_THRESHOLD",
    "GRAM",
    "KEEP_THRESHOLD",
    "PRF",
    "MatchTarget",
    "confusion_matrix",
    "keep_metrics",
    "label_figures",
    "label_metrics",
    "line_figures",
    "norm_chars",
    "rouge1",
    "text_found",
    "words",
]

#: Matching thresholds (share of character 4-grams), see the `pagesieve.evaluate` docstring.
GRAM = 4
KEEP_THRESHOLD = 0.8
CONTENT_THRESHOLD = 0.5


# ==============================================================================================
# Text metrics
# ==============================================================================================
def _is_word(tok: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in tok)


def words(text: str) -> list[str]:
    """jieba words of `text` (normalised), without pure punctuation / symbol / space tokens."""
    from ..tokenize import tokenize

    return [t for t in tokenize(text or "", max_chars=0) if _is_word(t)]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 6), "r": round(self.recall, 6), "f1": round(self.f1, 6)}


def _prf(overlap: float, n_pred: float, n_gold: float) -> PRF:
    if n_pred == 0 and n_gold == 0:
        return PRF(1.0, 1.0, 1.0)
    p = overlap / n_pred if n_pred else 0.0
    r = overlap / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f)


def rouge1(pred: str | Sequence[str], gold: str | Sequence[str]) -> PRF:
    """ROUGE-1 precision/recall/F1 (multiset word overlap); strings are split with `words`.

    Both empty gives 1.0; one empty gives 0.0.
    """
    pw = words(pred) if isinstance(pred, str) else list(pred)
    gw = words(gold) if isinstance(gold, str) else list(gold)
    overlap = sum((Counter(pw) & Counter(gw)).values())
    return _prf(overlap, len(pw), len(gw))


def norm_chars(text: str) -> str:
    """NFKC, lower case, letters and digits only (for line matching)."""
    t = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] in "LN")


def _grams(s: str) -> set[str]:
    return {s[i : i + GRAM] for i in range(len(s) - GRAM + 1)}


@dataclass(slots=True)
class MatchTarget:
    """A text prepared for line matching: its normalised form and its 4-gram set."""

    joined: str
    grams: set[str]
    lines: list[str]

    @classmethod
    def of(cls, text: str) -> MatchTarget:
        lines = [n for n in (norm_chars(x) for x in (text or "").split("\n")) if n]
        joined = "\n".join(lines)
        grams: set[str] = set()
        for ln in lines:
            grams |= _grams(ln)
        return cls(joined, grams, lines)


def _found(line: str, target: MatchTarget, threshold: float) -> bool:
    if not line:
        return False
    if len(line) < GRAM:
        return line in target.joined
    g = _grams(line)
    return sum(1 for x in g if x in target.grams) / len(g) >= threshold


def text_found(text: str, output: str | MatchTarget, threshold: float = KEEP_THRESHOLD) -> bool:
    """True when `text` (normalised) is found in `output`: >= `threshold` of its 4-grams, or,
    under 4 characters, as a substring of one output line at most 4x its length + 4."""
    target = output if isinstance(output, MatchTarget) else MatchTarget.of(output)
    n = norm_chars(text)
    if not n:
        return False
    if len(n) < GRAM:
        return any(n in ln and len(ln) <= 4 * len(n) + 4 for ln in target.lines)
    return _found(n, target, threshold)


def line_figures(kept: str, gold: str) -> dict[str, int]:
    """Line counts: gold lines, gold lines found in `kept`, kept lines, kept lines not in gold."""
    kt, gt = MatchTarget.of(kept), MatchTarget.of(gold)
    gold_kept = sum(1 for ln in gt.lines if _found(ln, kt, KEEP_THRESHOLD))
    junk = [ln for ln in kt.lines if not _found(ln, gt, CONTENT_THRESHOLD)]
    return {
        "gold_lines": len(gt.lines),
        "gold_lines_kept": gold_kept,
        "kept_lines": len(kt.lines),
        "junk_lines": len(junk),
        # The same by characters (letters and digits): short junk lines weigh little.
        "kept_chars": sum(len(ln) for ln in kt.lines),
        "junk_chars": sum(len(ln) for ln in junk),
    }


# ==============================================================================================
# Label metrics
# ==============================================================================================
def confusion_matrix(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS
) -> list[list[int]]:
    """Rows: gold label, columns: predicted label, in `labels` order."""
    idx = {lab: i for i, lab in enumerate(labels)}
    cm = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        cm[idx[g]][idx[p]] += 1
    return cm


def label_metrics(cm: Sequence[Sequence[int]], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Per-label precision/recall/F1/support and macro-F1 from a confusion matrix.

    Macro-F1 averages the labels present in the gold or the predictions (a label never seen and
    never predicted is left out, not counted as 1 or 0).
    """
    n = len(labels)
    per: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    total = sum(sum(r) for r in cm)
    correct = sum(cm[i][i] for i in range(n))
    for i, lab in enumerate(labels):
        tp = cm[i][i]
        support = sum(cm[i])
        predicted = sum(cm[r][i] for r in range(n))
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[lab] = {"precision": round(p, 6), "recall": round(r, 6), "f1": round(f, 6),
                    "support": support, "predicted": predicted}
        if support or predicted:
            f1s.append(f)
    return {
        "per_label": per,
        "macro_f1": round(sum(f1s) / len(f1s), 6) if f1s else None,
        "accuracy": round(correct / total, 6) if total else None,
        "blocks": total,
    }


def label_figures(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """`label_metrics` of (gold, predicted) block labels, with their confusion matrix."""
    cm = confusion_matrix(gold, pred)
    out = label_metrics(cm)
    out["confusion"] = {"labels": list(LABELS), "matrix": cm}
    return out


def keep_metrics(wanted: Sequence[bool], kept: Sequence[bool]) -> dict[str, Any]:
    """Keep/drop precision and recall of the wanted blocks."""
    tp = sum(1 for w, k in zip(wanted, kept, strict=True) if w and k)
    n_kept = sum(kept)
    n_wanted = sum(wanted)
    prf = _prf(tp, n_kept, n_wanted)
    return {"precision": round(prf.precision, 6), "recall": round(prf.recall, 6),
            "f1": round(prf.f1, 6), "wanted": n_wanted, "kept": n_kept}
