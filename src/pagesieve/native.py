"""The optional compiled parts (`_fast*.pyx`): one switch and one loader for all of them.

Each compiled part has a pure-Python twin that is the reference; ``PAGESIEVE_PURE=1`` makes every
module use its twin (the equality tests and the benchmarks compare the two this way).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["compiled_part", "pure_requested"]


def pure_requested() -> bool:
    """True when ``PAGESIEVE_PURE`` asks for the pure-Python code everywhere."""
    return os.environ.get("PAGESIEVE_PURE", "") not in ("", "0")


def compiled_part(name: str) -> ModuleType | None:
    """The compiled module ``pagesieve.<name>``, or None: not built, or ``PAGESIEVE_PURE=1``."""
    if pure_requested():
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        return None
