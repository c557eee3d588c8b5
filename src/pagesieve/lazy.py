"""Package attributes imported on first use (PEP 562), so importing a package stays cheap.

`pagesieve` must not pull numpy and the tokenizer into processes that only coordinate (the
parent of `pagesieve clean`, ``--help``), and `pagesieve.batch` must let its fork-server module
be imported before the runner; both name their heavy attributes in a table and hand it here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(
    package: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for `package`: a name in `table` (name -> relative module) is
    imported from its module on first use and kept in `namespace` (the package's globals)."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    return __getattr__
