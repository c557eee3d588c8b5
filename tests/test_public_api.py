"""The public API is pinned: changing it must be a deliberate edit of this list."""

from __future__ import annotations

import pagesieve

EXPECTED = {
    "LABELS",
    "Block",
    "DecodeError",
    "InputTooLarge",
    "Label",
    "LabelledBlock",
    "LimitExceeded",
    "Limits",
    "ModelError",
    "Page",
    "PageModel",
    "PageResult",
    "PagesieveError",
    "__version__",
    "classify_page",
    "load_model",
    "read_page",
}


def test_all_is_pinned() -> None:
    assert set(pagesieve.__all__) == EXPECTED
    for name in pagesieve.__all__:
        assert hasattr(pagesieve, name), name


def test_labels_order() -> None:
    assert pagesieve.LABELS == ("content", "comment", "related", "ad", "boilerplate")
