"""pagesieve: label every block of a crawled page content, comment, related, ad or boilerplate.

The public API is what ``__all__`` lists (pinned by tests/test_public_api.py).
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from .errors import DecodeError, InputTooLarge, LimitExceeded, ModelError, PagesieveError
from .lazy import lazy_getattr

if TYPE_CHECKING:
    from .classify import classify_page
    from .limits import Limits
    from .model import PageModel, load_model
    from .read import read_page
    from .types import LABELS, Block, Label, LabelledBlock, Page, PageResult

#: Imported on first use: the first four pull in numpy, scipy and the tokenizer, which processes
#: that only coordinate (the parent of `pagesieve clean`, `--help`) should not pay for at
#: start-up; the dataclasses of limits.py and types.py (~8 ms with dataclasses' own import) would
#: delay the fork server `pagesieve clean` starts first thing (cli.py).
_LAZY = {
    "classify_page": ".classify",
    "PageModel": ".model",
    "load_model": ".model",
    "read_page": ".read",
    "Limits": ".limits",
    "LABELS": ".types",
    "Block": ".types",
    "Label": ".types",
    "LabelledBlock": ".types",
    "Page": ".types",
    "PageResult": ".types",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())

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
