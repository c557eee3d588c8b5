"""Rules on the final scores, tried on held-out fold models without training again.

`bench/heldout_recipes.py --save-models DIR` keeps each fold's model and held-out pages; this
script runs those models on their held-out pages again with a rule applied to the revision
pass's probabilities, and prints the held-out figures per fold seed and their mean, as that
script does. A rule costs a minute or two instead of a training run, so ideas such as "drop
content outside the main container" are measured before anyone builds them.

    .venv/bin/python bench/heldout_recipes.py --eval-annotations data/annotations \\
        data/annotations-pending --fold-seed 0 1 --save-models /tmp/folds
    .venv/bin/python bench/posthoc_rules.py /tmp/folds base mix:0.8 outside:0.5

Rules (HTML pages of more than `FEW_BLOCKS["html"]` blocks; the evaluation's pages are all HTML):
- ``base``: the scores as they are (must repeat heldout_recipes.py's figures);
- ``mix:A``: A x pass 2 + (1 - A) x pass 1 (how much the revision pass's context should count);
- ``outside:R``: a block whose top label is content, outside the main container (region.py)
  and whose nearest ancestor keeps less than R of the container's net content
  (``main:reach``), is not content (its next label wins); ``after:R`` the same for blocks
  after the container only;
- ``empty:F``: a page that keeps less than F of its characters as content gets back the
  blocks pass 1 called content (a fallback for pages the revision pass emptied);
- ``adfloor:T``: a block pass 1 gives an ad score of at least T is an ad, whatever its
  context (pass 2 turned some confident first-pass adverts into boilerplate);
- ``adneed:T``: a block pass 2 calls an ad whose first-pass ad score is below T is not an ad
  (its next label wins): an advert is told by its own words, and region features alone turned
  whole comment sections into adverts; ``adcard:T`` the same unless its card mates' ad score
  (``card:ad``) reaches T (an advert card's date or user line has no ad words of its own);
  ``adsib:T`` also unless its list siblings' (``siblings:ad``) does (shipped at 0.2 as
  `model.AD_EVIDENCE`, so ``base`` now includes it: to try these against no evidence rule,
  set ``pagesieve.model.AD_EVIDENCE = 0`` first); ``adnext:T`` also unless the block just
  before or after it does (``prev1:ad``, ``next1:ad``).
The saved files are pickles this script's companion wrote: load only your own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

SHARED = Path(os.environ.get("PAGESIEVE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

#: (p1, p2, ctx columns by name, block sizes) -> new p2.
Rule = Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray], np.ndarray]

FIGURES = ("macro_f1", "site_mean_macro_f1", "ads_kept", "rouge1_gold", "articles", "forums",
           "ad_precision", "ad_recall", "comment_f1")


def _not_content(p2: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = p2.copy()
    out[mask, 0] = 0.0
    return out


def make_rule(spec: str) -> Rule:
    """The rule `spec` names (see the module's docstring)."""
    name, _, arg = spec.partition(":")
    try:
        x = float(arg) if arg else None
    except ValueError:
        raise SystemExit(f"rule {spec!r}: {arg!r} is not a number") from None
    if name == "base" and x is None:
        return lambda p1, p2, ctx, sizes: p2
    if x is None:
        raise SystemExit(f"rule {spec!r} needs a number: {name}:X")
    if name == "mix":
        return lambda p1, p2, ctx, sizes: x * p2 + (1 - x) * p1
    if name in ("outside", "after"):
        def outside(p1: np.ndarray, p2: np.ndarray, ctx: dict[str, np.ndarray],
                    sizes: np.ndarray) -> np.ndarray:
            where = ctx["main:after"] if name == "after" else 1.0 - ctx["main:inside"]
            return _not_content(p2, (p2.argmax(1) == 0) & (where > 0.5) & (ctx["main:reach"] < x))
        return outside
    if name == "adfloor":
        def adfloor(p1: np.ndarray, p2: np.ndarray, ctx: dict[str, np.ndarray],
                    sizes: np.ndarray) -> np.ndarray:
            out = p2.copy()
            sure = p1[:, 3] >= x
            out[sure, 3] = np.maximum(out[sure, 3], out[sure].max(1) + 1e-3)
            return out
        return adfloor
    if name == "empty":
        def empty(p1: np.ndarray, p2: np.ndarray, ctx: dict[str, np.ndarray],
                  sizes: np.ndarray) -> np.ndarray:
            if sizes[p2.argmax(1) == 0].sum() >= x * sizes.sum():
                return p2
            out = p2.copy()
            back = p1.argmax(1) == 0
            out[back, 0] = p2[back].max(1) + 1e-3
            return out
        return empty
    if name in ("adneed", "adcard", "adsib", "adnext"):
        def adneed(p1: np.ndarray, p2: np.ndarray, ctx: dict[str, np.ndarray],
                   sizes: np.ndarray) -> np.ndarray:
            support = p1[:, 3] if name == "adneed" else np.maximum(p1[:, 3], ctx["card:ad"])
            if name in ("adsib", "adnext"):
                support = np.maximum(support, ctx["siblings:ad"])
            if name == "adnext":
                support = np.maximum(support, np.maximum(ctx["prev1:ad"], ctx["next1:ad"]))
            unfounded = (p2.argmax(1) == 3) & (support < x)
            out = p2.copy()
            out[unfounded, 3] = 0.0
            return out
        return adneed
    raise SystemExit(f"unknown rule {spec!r} (base, mix:A, outside:R, after:R, empty:F, "
                     "adfloor:T, adneed:T, adcard:T, adsib:T, adnext:T)")


@contextlib.contextmanager
def rule_applied(rule: Rule) -> Iterator[None]:
    """`PageModel` with `rule` applied after its revision pass, on HTML pages the region
    features read (restored after)."""
    from pagesieve.model import PageModel
    from pagesieve.revise import context_feature_names

    revise = PageModel._revise

    def _revise(self: Any, p1: np.ndarray, page: Any, pass2: Any) -> Any:
        ctx, p2 = revise(self, p1, page, pass2)
        if page.kind != "html" or not self.region or ctx.shape[1] == 0 or not ctx.any():
            return ctx, p2
        names = context_feature_names(region=self.region, cards=self.cards)
        cols = {n.removeprefix("region:"): ctx[:, i] for i, n in enumerate(names)}
        sizes = np.array([len(b.text) for b in page.blocks], dtype=float)
        return ctx, rule(p1, p2, cols, sizes)

    PageModel._revise = _revise  # type: ignore[method-assign]
    try:
        yield
    finally:
        PageModel._revise = revise  # type: ignore[method-assign]


def figures(pages: dict[str, Any]) -> dict[str, Any]:
    """heldout_recipes.py's row of figures for one fold seed's held-out pages."""
    from pagesieve.evaluation import summary
    from pagesieve.evaluation.extractors import HELDOUT

    s = summary.summarize(pages, [HELDOUT])
    gold = s["all_gold_pages"].get(HELDOUT, {})
    ann = s["annotations"].get(HELDOUT, {})
    by_type = gold.get("by_type", {})
    per_label = ann.get("per_label", {})
    return {"ad_precision": per_label.get("ad", {}).get("precision"),
            "ad_recall": per_label.get("ad", {}).get("recall"),
            "comment_f1": per_label.get("comment", {}).get("f1"),
            "macro_f1": ann.get("macro_f1"), "site_mean_macro_f1": ann.get("site_mean_macro_f1"),
            "ads_kept": ann.get("keep", {}).get("ad_blocks_kept"),
            "rouge1_gold": gold.get("rouge1_f1"),
            "articles": by_type.get("article", {}).get("rouge1_f1"),
            "forums": by_type.get("forum", {}).get("rouge1_f1")}


def _row(values: dict[str, Any]) -> str:
    return " ".join("-" if values[k] is None else f"{values[k]:.3f}" for k in FIGURES)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folds", type=Path, help="the --save-models folder of heldout_recipes.py")
    ap.add_argument("rules", nargs="+", help="base, mix:A, outside:R, after:R, empty:F, "
                    "adfloor:T, adneed:T, adcard:T, adsib:T, adnext:T")
    ap.add_argument("--eval-annotations", type=Path, nargs="+",
                    default=[Path("data/annotations"), Path("data/annotations-pending")])
    args = ap.parse_args(argv)
    rules = {spec: make_rule(spec) for spec in args.rules}
    files = sorted(args.folds.glob("seed*-fold*.joblib"))
    if not files:
        raise SystemExit(f"no seed*-fold*.joblib in {args.folds}: run heldout_recipes.py "
                         "with --save-models first")
    data = SHARED / "data"
    if not data.is_dir():
        raise SystemExit(f"no shared data at {data}; set PAGESIEVE_SHARED")

    import joblib
    from heldout_recipes import _mean_row, merged_annotations

    from pagesieve.evaluation import pages as eval_pages
    from pagesieve.evaluation.extractors import HELDOUT, run_pages

    ann = merged_annotations(args.eval_annotations)
    by_key = {p.key: p for p in eval_pages.load_eval_pages(data, annotations=ann)}
    folds = [joblib.load(f) for f in files]
    seeds = sorted({f["seed"] for f in folds})
    print(f"fold seeds {' '.join(map(str, seeds))}; each row per seed, then the mean: "
          + " ".join(FIGURES))
    for spec, rule in rules.items():
        per_seed: dict[int, dict[str, Any]] = {s: {} for s in seeds}
        with rule_applied(rule), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fold in folds:
                held = [by_key[k] for k in fold["keys"] if k in by_key]
                per_seed[fold["seed"]].update(run_pages(
                    held, model=fold["model"], peer_names=(), annotations=ann,
                    pagesieve_name=HELDOUT, progress=False))
        rows = [figures(per_seed[s]) for s in seeds]
        print(f"{spec:12s} " + " | ".join(_row(r) for r in rows)
              + f"  mean {_row(_mean_row(rows))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
