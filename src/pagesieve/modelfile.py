"""Where the model file lives and how it is checked: path helpers without numpy.

Split from model.py so that processes which only point workers at the model (the parent of
`pagesieve clean`) need not import numpy, scipy and the tokenizer. model.py re-exports them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_MODEL_PATH",
    "SERIALIZATIONS",
    "default_model_path",
    "manifest_path",
    "sha256_file",
    "shipped_model_path",
]


def shipped_model_path(module_file: str | os.PathLike[str] = __file__) -> Path:
    """The model pagesieve ships: the copy a wheel carries in the package
    (``pagesieve/models/``, put there by setup.py), else ``models/`` of the source checkout this
    module is in (an editable install, whose package has no copy; also the path an error
    names). The package's own copy comes first: with ``pip install --target DIR``, a
    ``models/`` beside DIR is no checkout's."""
    here = Path(module_file).resolve().parent
    packaged = here / "models" / "pagesieve.joblib"
    return packaged if packaged.is_file() else here.parents[1] / "models" / "pagesieve.joblib"


DEFAULT_MODEL_PATH = shipped_model_path()


def default_model_path() -> Path:
    """``PAGESIEVE_MODEL`` if set, else the model pagesieve ships (`shipped_model_path`)."""
    env = os.environ.get("PAGESIEVE_MODEL")
    return Path(env) if env else DEFAULT_MODEL_PATH


#: Model file suffix → serialization. Exported files carry their format in the manifest name,
#: so ``m.joblib``, ``m.skops`` and ``m.onnx`` can sit in one folder.
SERIALIZATIONS = {".joblib": "joblib", ".skops": "skops", ".onnx": "onnx"}


def manifest_path(model_path: Path) -> Path:
    """``m.joblib`` → ``m.manifest.json``; ``m.skops`` → ``m.skops.manifest.json`` (and onnx)."""
    if model_path.suffix in (".skops", ".onnx"):
        return model_path.with_name(model_path.name + ".manifest.json")
    return model_path.with_name(model_path.stem + ".manifest.json")


def sha256_file(path: Path) -> str:
    import hashlib  # not at import: OpenSSL's ~8 ms would delay `clean`'s fork server

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
