"""Held-out-by-site figures of one training recipe, for comparing recipes before `make model`.

Trains one model per fold of sites (`evaluation.heldout.evaluate_heldout`: each fold's sites, and
every host the training data gives their pages, are left out of training) and prints pagesieve's
figures on the held-out pages only: ROUGE-1 against gold text, block-label F1 on the
annotations. No peers, no report file: the README's recipe table came from this script.

    .venv/bin/python bench/heldout_recipes.py \\
        --eval-annotations data/annotations data/annotations-pending \\
        [--train-annotations data/annotations] [--fold-seed 0 1 2] [--set words_weight=3] \\
        [--synthetic 1600] [--json out.json] [--blocks labels.jsonl] [--save-models DIR]

`--set NAME=VALUE` overrides a `PageModel` setting; `--synthetic N` is the number of synthetic
pages each fold's model trains with (`evaluation.heldout.DEFAULT_HELDOUT_SYNTHETIC`, 1,600 by
default, as `make model` trains; beyond 1,600 their blocks weigh 1,600 / N each; README rows say
how many they used). `--save-models DIR` keeps each fold's model and held-out page keys
(``seed<S>-fold<k>.joblib``), so that `bench/posthoc_rules.py` can try rules on the final scores
without training again. Several `--fold-seed`s run
one after the other and end with a row of means: one draw of folds moves macro-F1 by several
hundredths between recipes that are level, so decide on the means. Takes 10-20 minutes a seed
on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from pagesieve.evaluation.recipes import model_settings, parse_setting

SHARED = Path(os.environ.get("PAGESIEVE_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def merged_annotations(folders: list[Path]) -> dict[str, Any]:
    from pagesieve.annotations import load_annotations

    out: dict[str, Any] = {}
    for folder in folders:
        for key, ann in load_annotations(folder).items():
            if key in out:
                raise SystemExit(f"{key} is annotated in two of {folders}")
            out[key] = ann
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-annotations", type=Path, nargs="+", required=True)
    ap.add_argument("--train-annotations", type=Path, nargs="+",
                    default=[Path("data/annotations")])
    ap.add_argument("--fold-seed", type=int, nargs="+", default=[0], dest="fold_seeds")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--set", type=parse_setting, action="append", default=[], dest="settings")
    ap.add_argument("--synthetic", type=int, default=None,
                    help="synthetic training pages per fold (default: the evaluation's 1600)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--blocks", type=Path,
                    help="write each annotated page's (gold, predicted, scores) block labels here, "
                         "as JSON lines (page key, site, fold seed, fold, pairs; scores in "
                         "LABELS order), for error analysis")
    ap.add_argument("--save-models", type=Path, metavar="DIR",
                    help="keep each fold's model and held-out page keys here (a pickle per "
                         "fold, for bench/posthoc_rules.py)")
    args = ap.parse_args(argv)
    with model_settings(args.settings):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    data = SHARED / "data"
    if not data.is_dir():
        raise SystemExit(f"no shared data at {data}; set PAGESIEVE_SHARED")

    import pagesieve.training.dataset as ds
    from pagesieve.evaluation import heldout, summary
    from pagesieve.evaluation import pages as eval_pages
    from pagesieve.evaluation.extractors import HELDOUT
    from pagesieve.evaluation.report import _f as f

    eval_ann = merged_annotations(args.eval_annotations)
    train_ann = merged_annotations(args.train_annotations)
    n_synthetic = args.synthetic or heldout.DEFAULT_HELDOUT_SYNTHETIC
    build = ds.build_dataset

    def build_with_train_annotations(*a: Any, **k: Any) -> Any:
        k["annotations"] = train_ann
        return build(*a, **k)

    # Patched for this run only: the module is shared (tests call main in-process)
    ds.build_dataset = build_with_train_annotations
    try:
        pages = eval_pages.load_eval_pages(data, annotations=eval_ann)
        rows: list[dict[str, Any]] = []
        results: dict[int, Any] = {}
        block_lines: list[str] = []
        for seed in args.fold_seeds:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                held = heldout.evaluate_heldout(
                    data, folds=args.folds, seed=seed, pages=pages, annotations=eval_ann,
                    dataset_kwargs={"n_synthetic": n_synthetic},
                    progress=False,
                    log=lambda m: print(m, file=sys.stderr, flush=True),
                    on_fold=_fold_saver(args.save_models, seed),
                )
            s = summary.summarize(held["pages"], [HELDOUT])
            gold = s["all_gold_pages"][HELDOUT]
            ann = s["annotations"][HELDOUT]
            by_type = gold["by_type"]
            row = {
                "macro_f1": ann["macro_f1"],
                "site_mean_macro_f1": ann["site_mean_macro_f1"],
                "ads_kept": ann.get("keep", {}).get("ad_blocks_kept"),
                "rouge1_gold": gold["rouge1_f1"],
                "articles": by_type.get("article", {}).get("rouge1_f1"),
                "forums": by_type.get("forum", {}).get("rouge1_f1"),
            }
            rows.append(row)
            print(f"fold seed {seed}:")
            _print_row(row, len(eval_ann))
            for label, m in ann["per_label"].items():
                print(f"  {label:12s} P {f(m['precision'])} R {f(m['recall'])} F1 {f(m['f1'])}")
            results[seed] = {"gold": gold, "annotations": ann, "folds": held["folds"],
                             "pages": _page_rows(held["pages"])}
            for key, entry in held["pages"].items():
                run = entry["extractors"].get(HELDOUT, {})
                if "labelled" in run:
                    pairs = [[g, p, *rest] for g, p, *rest in run["labelled"]]
                    block_lines.append(json.dumps({"page": key, "site": entry["site"], "seed": seed,
                                                   "fold": entry.get("fold"), "pairs": pairs}))
        if len(rows) > 1:
            print(f"mean over fold seeds {' '.join(map(str, args.fold_seeds))}:")
            _print_row(_mean_row(rows), len(eval_ann))
        if args.json:
            out = results[args.fold_seeds[0]] if len(results) == 1 else {
                "seeds": {str(k): v for k, v in results.items()}, "mean": _mean_row(rows)}
            args.json.write_text(json.dumps(out, indent=1, default=str))
        if args.blocks:
            args.blocks.write_text("".join(line + "\n" for line in block_lines), encoding="utf-8")
    finally:
        ds.build_dataset = build
    return 0


def _fold_saver(folder: Path | None, seed: int) -> Any:
    """`evaluate_heldout`'s `on_fold` writing ``seed<S>-fold<k>.joblib`` under `folder` (None:
    nothing kept). Saved without its compiled twin: a loaded one runs the scikit-learn path,
    the reference the compiled one is tested against (same scores)."""
    if folder is None:
        return None

    def save(k: int, model: Any, keys: list[str]) -> None:
        import joblib

        folder.mkdir(parents=True, exist_ok=True)
        compiled, model._compiled = model._compiled, None
        try:
            joblib.dump({"model": model, "keys": keys, "seed": seed, "fold": k},
                        folder / f"seed{seed}-fold{k}.joblib")
        finally:
            model._compiled = compiled

    return save


def _page_rows(pages: dict[str, Any]) -> dict[str, Any]:
    """Per held-out page with gold text: site, type, fold and ROUGE-1 F1 (for finding which
    pages move a figure such as forums, a mean over a handful of threads)."""
    from pagesieve.evaluation.extractors import HELDOUT

    out: dict[str, Any] = {}
    for key, entry in pages.items():
        fig = entry["extractors"].get(HELDOUT, {})
        if "rouge1" in fig:
            out[key] = {"site": entry["site"], "type": entry.get("type"),
                        "fold": entry.get("fold"), "rouge1_f1": fig["rouge1"]["f1"]}
    return out


def _mean_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in rows[0]:
        vals = [r[key] for r in rows if r[key] is not None]
        out[key] = sum(vals) / len(vals) if vals else None
    return out


def _print_row(row: dict[str, Any], n_pages: int) -> None:
    from pagesieve.evaluation.report import _f

    ads = row["ads_kept"]
    print(f"ROUGE-1 gold pages {_f(row['rouge1_gold'])}, articles {_f(row['articles'])}, "
          f"forums {_f(row['forums'])}")
    print(f"annotations ({n_pages} pages): macro-F1 {_f(row['macro_f1'])}, site-mean "
          f"{_f(row['site_mean_macro_f1'])}, ads kept "
          f"{ads if isinstance(ads, int) or ads is None else f'{ads:.1f}'}")


if __name__ == "__main__":
    sys.exit(main())
