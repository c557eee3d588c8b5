"""Block labels on pages composed from held-back corpus text and site templates.

Trains a model as `make model` does, but with one corpus item in five (by a stable hash of its
text) and one composer family in five held back, then labels pages composed from what was held
back (`pagesieve.evaluation.heldback`). An estimate of the issue's check on "held-back corpora
that are not in ../shared"; optimistic, since the layouts come from our own composer: the
real-page figures (`make evaluate`, `bench/heldout_recipes.py`) are the honest ones.

    .venv/bin/python bench/heldback_corpora.py [--seed 0 1] [--pages 400] [--synthetic 1600] \\
        [--set sgd_average=true] [--json out.json]

Takes ~3 minutes a seed on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pagesieve.evaluation.recipes import model_settings, parse_setting

SHARED = Path(os.environ.get("PAGESIEVE_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def _row(name: str, fig: dict[str, Any]) -> str:
    per = fig["per_label"]
    f1s = " ".join(f"{lab} {per[lab]['f1']:.3f}" for lab in per)
    ad = per["ad"]
    return (f"  {name:10s} blocks {fig['blocks']:6d}  macro-F1 {fig['macro_f1']:.3f}  "
            f"ad P {ad['precision']:.3f} R {ad['recall']:.3f}  ({f1s})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, nargs="+", default=[0], dest="seeds")
    ap.add_argument("--pages", type=int, default=400, help="held-back pages composed per seed")
    ap.add_argument("--synthetic", type=int, default=None,
                    help="synthetic training pages, before the held-back families are dropped "
                         "(default: as make model trains)")
    ap.add_argument("--set", type=parse_setting, action="append", default=[], dest="settings",
                    help="override a PageModel setting, e.g. sgd_average=true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    data = SHARED / "data"
    if not data.is_dir():
        raise SystemExit(f"no shared data at {data}; set PAGESIEVE_SHARED")

    from pagesieve.evaluation.heldback import evaluate_heldback

    results: dict[str, Any] = {}
    with model_settings(args.settings):
        for seed in args.seeds:
            res = evaluate_heldback(data, seed=seed, n_pages=args.pages,
                                    **({"n_synthetic": args.synthetic} if args.synthetic else {}),
                                    log=lambda m: print(m, file=sys.stderr, flush=True))
            results[str(seed)] = res
            print(f"seed {seed}: {res['pages']} pages {res['page_types']}")
            print(_row("all", res["all"]))
            print(_row("seed-like", res["seedlike"]))
            for t, fig in res["by_type"].items():
                print(_row(t, fig))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
