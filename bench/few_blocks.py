"""First pass against the revision pass on small held-back pages: where `FEW_BLOCKS` comes from.

Trains a model as `bench/heldback_corpora.py` does (one corpus item in five and one composer
family in five held back), composes pages from what was held back (every other one a brief
page, in HTML too, which training never composes: a title and a paragraph or three, perhaps a
footer line), and counts, per number of blocks and page kind, the blocks each pass labels
right. The revision pass is run on every page here, small or not (`PageModel.predict_proba`
keeps the first pass's scores up to `FEW_BLOCKS[page.kind]` blocks).

    .venv/bin/python bench/few_blocks.py [--seed 0 1] [--pages 3000] [--max-blocks 8]

Takes ~4 minutes a seed on 2 cores. Optimistic as every composed-page figure is (our templates),
and the only measure there is: none of the evaluation's real pages has fewer than six blocks.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("PAGESIEVE_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def compare(model: Any, pages: Iterable[tuple[Any, Sequence[str], Sequence[float]]],
            max_blocks: int) -> dict[tuple[int, str], Counter[str]]:
    """Per (blocks, page kind): blocks counted (`n`) and right by pass 1 (`first`) and by the
    revision pass (`revised`), over (page, labels, weights) with weight > 0."""
    from pagesieve.features import page_tokens
    from pagesieve.revise import context_matrix
    from pagesieve.types import LABELS

    c = model.compiled
    out: dict[tuple[int, str], Counter[str]] = {}
    for page, labels, weights in pages:
        n = len(page.blocks)
        if not 0 < n <= max_blocks:
            continue
        X = c.pass1_matrix(*page_tokens(page, max_block_chars=model.max_block_chars))
        p1 = c.pass1_proba(X)
        p2 = c.pass2_proba(context_matrix(p1, page, region=model.region, cards=model.cards))
        row = out.setdefault((n, page.kind), Counter())
        for gold, w, a, b in zip(labels, weights, p1.argmax(1), p2.argmax(1), strict=True):
            if w > 0:
                row["n"] += 1
                row["first"] += LABELS[a] == gold
                row["revised"] += LABELS[b] == gold
    return out


def _composed(seed: int, n_pages: int, log: Any) -> tuple[Any, list[Any]]:
    from pagesieve.evaluation.heldback import held_back_parts, train_without
    from pagesieve.training.compose import compose_page

    data = SHARED / "data"
    train_corp, back_corp, back_fams = held_back_parts(data, seed=seed)
    model = train_without(data, train_corp, back_fams, seed=seed, log=log)
    pages = []
    for i in range(n_pages):
        fam = back_fams[i % len(back_fams)]
        cp = compose_page(fam, back_corp, random.Random(f"few-{seed}-{i}"),
                          "brief" if i % 2 else None)
        pages.append((cp.page, cp.labels, cp.weights))
    return model, pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, nargs="+", default=[0], dest="seeds")
    ap.add_argument("--pages", type=int, default=3000, help="held-back pages composed per seed")
    ap.add_argument("--max-blocks", type=int, default=8)
    args = ap.parse_args(argv)
    if not (SHARED / "data").is_dir():
        raise SystemExit(f"no shared data at {SHARED / 'data'}; set PAGESIEVE_SHARED")
    for seed in args.seeds:
        model, pages = _composed(seed, args.pages, lambda m: print(m, file=sys.stderr, flush=True))
        table = compare(model, pages, args.max_blocks)
        print(f"seed {seed}: blocks right, first pass / revision pass")
        for (n, kind), row in sorted(table.items()):
            print(f"  {n:2d} blocks  {kind:4s}  {row['n']:5d} blocks  "
                  f"{row['first'] / row['n']:.3f} / {row['revised'] / row['n']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
