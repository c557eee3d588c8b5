"""pagesieve: label every block of a crawled page content, comment, related, ad or boilerplate.

The public API is what ``__all__`` lists (pinned by tests/test_public_api.py).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .classify import classify_page
from .errors import DecodeError, InputTooLarge, LimitExceeded, ModelError, PagesieveError
from .limits import Limits
from .model import PageModel, load_model
from .read import read_page
from .types import LABELS, Block, Label, LabelledBlock, Page, PageResult

__all__ = [
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
]
