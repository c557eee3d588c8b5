"""The honest figures: pagesieve trained without the sites it is evaluated on.

`evaluate_heldout` splits the sites of the evaluation pages into folds; for each fold a model is
trained with those sites (and every host name their pages go by) left out of the training data,
then run on the fold's pages only.
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .extractors import HELDOUT, run_pages
from .pages import DEFAULT_ANNOTATIONS, EvalPage, host_of, load_eval_pages, registered_domain

__all__ = ["DEFAULT_HELDOUT_FOLDS", "DEFAULT_HELDOUT_SYNTHETIC", "evaluate_heldout"]

#: Held-out folds of `pagesieve evaluate` (`evaluate.evaluate_command`), and synthetic training
#: pages per fold: build_dataset's default, which `make model` trains the shipped model with, so
#: the held-out figures are those of the shipped recipe (~1-3 minutes a fold on two shared cores;
#: `PAGESIEVE_EVAL_SYNTHETIC=400` for a quicker, noisier run).
DEFAULT_HELDOUT_FOLDS = 3
DEFAULT_HELDOUT_SYNTHETIC = 1600


def _fold_sites(sites: Sequence[str], folds: int, seed: int) -> list[list[str]]:
    order = sorted(set(sites))
    random.Random(seed).shuffle(order)
    k = max(1, min(folds, len(order)))
    return [sorted(order[i::k]) for i in range(k)]


def evaluate_heldout(
    shared_data: Path,
    folds: int = 3,
    seed: int = 0,
    *,
    pages: Sequence[EvalPage] | None = None,
    annotations: Mapping[str, Any] | None = None,
    annotations_dir: Path | None = None,
    dataset_kwargs: Mapping[str, Any] | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    on_fold: Callable[[int, Any, list[str]], None] | None = None,
) -> dict[str, Any]:
    """Train one model per fold of sites with those sites held out; evaluate on them only.

    Sites are those of `pages` (default: every evaluation page under `shared_data`), as given by
    `infer_site`; each fold passes its sites (and the hosts the training data gives the same pages)
    to ``build_dataset(exclude_hosts=...)``, and any training page of a held-out page id is dropped
    as well. Returns per-page figures under ``pages`` (extractor name `HELDOUT`) and fold facts.
    `dataset_kwargs` go to ``build_dataset`` (e.g. a smaller synthetic set to bound the runtime).
    `on_fold(k, model, keys)` is called with each fold's model and held-out page keys once the
    fold is evaluated (bench/heldout_recipes.py saves them for bench/posthoc_rules.py).
    """
    from ..annotations import load_annotations
    from ..model import PageModel
    from ..train import reweight
    from ..training.dataset import build_dataset

    shared_data = Path(shared_data)
    ann_dir = annotations_dir if annotations_dir is not None else DEFAULT_ANNOTATIONS
    if annotations is None:
        annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    if pages is None:
        pages = load_eval_pages(shared_data, annotations=annotations)
    pages = list(pages)
    fold_sites = _fold_sites([p.site for p in pages], folds, seed)
    kwargs = dict(dataset_kwargs or {})
    out_pages: dict[str, dict[str, Any]] = {}
    fold_info = []
    for k, sites in enumerate(fold_sites):
        t0 = time.perf_counter()
        held = [p for p in pages if p.site in sites]
        held_keys = {p.key for p in held}
        exclude = set(sites) | {h for p in held for h in (p.aliases or _host_aliases(p))}
        data = build_dataset(shared_data, seed=seed, annotations=annotations,
                             exclude_hosts=frozenset(exclude), **kwargs)
        before = len(data)
        data = reweight(
            [tp for tp in data if tp.page.blocks and not _same_page(tp, held_keys, exclude)]
        )
        dropped = before - len(data)
        if log:
            log(f"fold {k + 1}/{len(fold_sites)}: {len(sites)} sites, {len(held)} pages held out; "
                f"{len(data)} training pages ({dropped} more dropped by page id / host)")
        model = PageModel(random_state=seed)
        with warnings.catch_warnings():  # convergence chatter from the per-fold fits
            warnings.simplefilter("ignore")
            model.fit([tp.page for tp in data], [tp.labels for tp in data],
                      weights=[tp.weights for tp in data], groups=[tp.host for tp in data],
                      progress=log)
        t_train = time.perf_counter() - t0
        res = run_pages(held, model=model, peer_names=(), annotations=annotations,
                        pagesieve_name=HELDOUT, progress=progress,
                        description=f"held-out fold {k + 1}/{len(fold_sites)}")
        for entry in res.values():
            entry["fold"] = k
        out_pages.update(res)
        if on_fold is not None:
            on_fold(k, model, [p.key for p in held])
        fold_info.append({
            "fold": k, "sites": sites, "pages": len(held), "training_pages": len(data),
            "training_real_pages": sum(
                1 for tp in data if not str(getattr(tp, "origin", "")).startswith("synthetic")
            ),
            "dropped_after_build": dropped, "seconds": round(time.perf_counter() - t0, 1),
            "train_seconds": round(t_train, 1),
        })
    return {"folds": fold_info, "pages": out_pages, "seed": seed, "k": len(fold_sites),
            "dataset_kwargs": {k: repr(v) for k, v in kwargs.items()}}


def _host_aliases(page: EvalPage) -> set[str]:
    """Host spellings the training data may use for a page: the URL host, its registered domain."""
    out = {page.site}
    if page.url:
        h = host_of(page.url)
        if h:
            out.add(h)
            out.add(h.removeprefix("www."))
    return out


def _norm_key(key: str) -> str:
    return key.removesuffix(".html").removesuffix(".htm").strip("/")


def _same_page(tp: Any, held_keys: set[str], exclude: set[str]) -> bool:
    pid = _norm_key(str(getattr(tp, "page_id", "") or ""))
    if pid and pid in {_norm_key(k) for k in held_keys}:
        return True
    host = str(getattr(tp, "host", "") or "")
    return bool(host) and (host in exclude or registered_domain(host) in exclude)
