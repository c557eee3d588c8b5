"""Held-out-by-site figures of one training recipe, for comparing recipes before `make model`.

Trains one model per fold of sites (`evaluate.evaluate_heldout`: each fold's sites, and every
host the training data gives their pages, are left out of training) and prints pagesieve's
figures on the held-out pages only: ROUGE-1 against gold text, block-label F1 on the
annotations. No peers, no report file: the README's recipe table came from this script.

    .venv/bin/python bench/heldout_recipes.py \\
        --eval-annotations data/annotations data/annotations-pending \\
        [--train-annotations data/annotations] [--fold-seed 0] [--set words_weight=3] \\
        [--synthetic 400] [--json out.json] [--blocks labels.jsonl]

`--set NAME=VALUE` overrides a `PageModel` setting; `--synthetic N` is the number of synthetic
pages each fold's model trains with (`evaluate.DEFAULT_HELDOUT_SYNTHETIC`, 400, by default;
`make model` uses 1,600). Takes 3-15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

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


def _setting(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number or true/false") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-annotations", type=Path, nargs="+", required=True)
    ap.add_argument("--train-annotations", type=Path, nargs="+",
                    default=[Path("data/annotations")])
    ap.add_argument("--fold-seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--set", type=_setting, action="append", default=[], dest="settings")
    ap.add_argument("--synthetic", type=int, default=None,
                    help="synthetic training pages per fold (default: evaluate's 400)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--blocks", type=Path,
                    help="write each annotated page's (gold, predicted) block labels here, as "
                         "JSON lines (page key, site, fold, pairs), for error analysis")
    args = ap.parse_args(argv)
    data = SHARED / "data"
    if not data.is_dir():
        raise SystemExit(f"no shared data at {data}; set PAGESIEVE_SHARED")

    import pagesieve.evaluate as ev
    import pagesieve.training.dataset as ds
    from pagesieve.model import PageModel

    defaults = PageModel.__init__.__kwdefaults__ or {}
    for name, value in args.settings:
        if name not in defaults:
            raise SystemExit(f"PageModel has no setting {name!r}")
        defaults[name] = value
    eval_ann = merged_annotations(args.eval_annotations)
    train_ann = merged_annotations(args.train_annotations)
    build = ds.build_dataset

    def build_with_train_annotations(*a: Any, **k: Any) -> Any:
        k["annotations"] = train_ann
        return build(*a, **k)

    ds.build_dataset = build_with_train_annotations
    pages = ev.load_eval_pages(data, annotations=eval_ann)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held = ev.evaluate_heldout(
            data, folds=args.folds, seed=args.fold_seed, pages=pages, annotations=eval_ann,
            dataset_kwargs={"n_synthetic": args.synthetic or ev.DEFAULT_HELDOUT_SYNTHETIC},
            progress=False,
            log=lambda m: print(m, file=sys.stderr, flush=True),
        )
    s = ev.summarize(held["pages"], [ev.HELDOUT])
    gold = s["all_gold_pages"][ev.HELDOUT]
    ann = s["annotations"][ev.HELDOUT]
    f = ev._f
    by_type = gold["by_type"]
    print(f"ROUGE-1 gold pages {f(gold['rouge1_f1'])}, articles "
          f"{f(by_type.get('article', {}).get('rouge1_f1'))}, forums "
          f"{f(by_type.get('forum', {}).get('rouge1_f1'))}")
    print(f"annotations ({len(eval_ann)} pages): macro-F1 {f(ann['macro_f1'])}, site-mean "
          f"{f(ann['site_mean_macro_f1'])}, ads kept {ann.get('keep', {}).get('ad_blocks_kept')}")
    for label, m in ann["per_label"].items():
        print(f"  {label:12s} P {f(m['precision'])} R {f(m['recall'])} F1 {f(m['f1'])}")
    if args.json:
        args.json.write_text(json.dumps({"gold": gold, "annotations": ann, "folds": held["folds"]},
                                        indent=1, default=str))
    if args.blocks:
        with open(args.blocks, "w", encoding="utf-8") as fh:
            for key, entry in held["pages"].items():
                run = entry["extractors"].get(ev.HELDOUT, {})
                if "labelled" in run:
                    pairs = [[gold, pred] for gold, pred, *_ in run["labelled"]]
                    fh.write(json.dumps({"page": key, "site": entry["site"],
                                         "fold": entry.get("fold"), "pairs": pairs}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
