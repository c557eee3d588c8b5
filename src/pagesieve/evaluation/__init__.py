"""The evaluation's parts, one job per module; `pagesieve.evaluate` runs them as a whole.

- `metrics`: words, ROUGE-1, line matching, block-label scores (pure functions).
- `pages`: the evaluation pages (`EvalPage`), their data-set loaders, and their sites and types.
- `extractors`: pagesieve and the peer extractors run on the pages, figures per page.
- `summary`: per-page figures aggregated per data set, type and site.
- `goldpages`: block labels on the seed page and our seed-like pages (``data/seedlike``).
- `heldout`: models trained with the evaluated sites held out (the honest figures).
- `heldback`: pages composed from corpus text and site templates that training never saw
  (`bench/heldback_corpora.py`; optimistic, the layouts are our composer's).
- `report`: the targets, the JSON and Markdown files, the figures, the terminal summary.
"""

from __future__ import annotations

from pathlib import Path

#: The repository (its ``data``, ``reports`` and ``notebooks``; the shared data is beside it).
REPO = Path(__file__).resolve().parents[3]
