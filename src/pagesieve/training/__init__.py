"""Training data for the block model, built by code from ``shared/data`` at train time.

- `corpora`: loaders for the text corpora (content, teasers, comments, ads, hard negatives).
- `templates`: hand-written furniture, ad formats and hard negatives for synthetic pages.
- `compose`: realistic synthetic pages (plain text and HTML) with a label per block.
- `realpages`: real pages with gold main text aligned to blocks, weak labels for the rest.
- `dataset`: `TrainingPage` and `build_dataset()`, the one entry point for the trainer
  (``python -m pagesieve.training.dataset ../shared/data`` prints its summary).

Nothing from ``shared/data`` is copied into the repository: every text is read when training.
"""
