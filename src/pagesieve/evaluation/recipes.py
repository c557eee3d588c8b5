"""`PageModel` settings overridden for one recipe comparison (`--set NAME=VALUE` of the bench
scripts `heldout_recipes.py` and `heldback_corpora.py`).

The evaluations build their models themselves (one a fold), so a setting reaches them as the
default of `PageModel.__init__`, for the duration of a ``with`` block only: tests run the
scripts in-process, and a later model must get the shipped defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["model_settings", "parse_setting"]


def parse_setting(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` with a JSON value (a number, true/false, a string in quotes); an argparse
    type, so a bad one is a usage error."""
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number or true/false") from None


@contextlib.contextmanager
def model_settings(settings: Iterable[tuple[str, Any]]) -> Iterator[None]:
    """Every `PageModel()` built inside the block takes these settings as its defaults; the
    shipped defaults are back afterwards. An unknown name is a `SystemExit` before anything
    changes."""
    from ..model import PageModel

    settings = list(settings)
    defaults = PageModel.__init__.__kwdefaults__ or {}
    for name, _ in settings:
        if name not in defaults:
            raise SystemExit(f"PageModel has no setting {name!r}")
    saved = dict(defaults)
    defaults.update(settings)
    try:
        yield
    finally:
        defaults.clear()
        defaults.update(saved)
