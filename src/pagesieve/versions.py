"""The installed version of a library, without importing importlib.metadata.

Each batch worker's start checks two versions (selectolax's, against the Lexbor layout the
compiled walk was checked with; scikit-learn's, against the model's manifest). importlib.metadata's
import and its scan of every installed distribution cost a process ~20 ms; a loaded module's
``__version__``, or the name of the distribution's ``.dist-info`` folder, say the same.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["installed_version"]


def installed_version(distribution: str, module: str) -> str:
    """`distribution`'s version: `module`'s ``__version__`` if it is imported, else read off its
    ``.dist-info`` folder, the first on ``sys.path`` as importlib.metadata finds it; anything
    unusual (an egg, no such folder, two of them in one place) asks importlib.metadata."""
    loaded = sys.modules.get(module)
    if loaded is not None and isinstance(getattr(loaded, "__version__", None), str):
        return str(loaded.__version__)
    name = re.sub(r"[-_.]+", "_", distribution).lower()
    prefixes = (name + "-", name.replace("_", "-") + "-")  # wheel's spelling, and the older one
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found = [n for n in names if n.lower().startswith(prefixes)]
        if len(found) == 1 and found[0].endswith(".dist-info"):
            return found[0][len(prefixes[0]):-len(".dist-info")]
        if found:
            break
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return str(__import__(module).__version__)
