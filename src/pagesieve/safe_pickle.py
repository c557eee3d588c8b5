"""Unpickling a joblib model with an allow-list: a pickle that names anything else is refused.

The sha256 in the manifest only proves the file is the one the manifest describes; whoever can
write the model folder can write both. So the unpickler itself resolves only the exact classes a
`PageModel` is made of (scikit-learn estimators, numpy arrays and scalars): a pickle that asks
for ``os.system``, ``builtins.eval`` or any other callable fails at that lookup, before anything
it would call exists. Object arrays nested in joblib files go through the same lookup.
"""

from __future__ import annotations

import io
from typing import Any

from .errors import ModelError

__all__ = ["ALLOWED_GLOBALS", "UnsafeModelError", "load_joblib_bytes"]

#: Every (module, name) a pickled `PageModel` payload may name. Both numpy module layouts are
#: listed (``numpy.core`` before 2.0, ``numpy._core`` after).
ALLOWED_GLOBALS: frozenset[tuple[str, str]] = frozenset(
    {
        ("builtins", "slice"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy", "float32"),
        ("numpy", "float64"),
        ("numpy", "int32"),
        ("numpy", "int64"),
        ("numpy", "bool_"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("sklearn._loss._loss", "CyHalfBinomialLoss"),
        ("sklearn.calibration", "CalibratedClassifierCV"),
        ("sklearn.calibration", "_CalibratedClassifier"),
        # models saved before temperature calibration: loadable, run through scikit-learn
        ("sklearn.calibration", "_SigmoidCalibration"),
        ("sklearn.calibration", "_TemperatureScaling"),
        ("sklearn.compose._column_transformer", "ColumnTransformer"),
        ("sklearn.feature_extraction.text", "CountVectorizer"),
        ("sklearn.feature_extraction.text", "TfidfTransformer"),
        ("sklearn.feature_extraction.text", "TfidfVectorizer"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        ("sklearn.linear_model._stochastic_gradient", "SGDClassifier"),
        ("sklearn.pipeline", "Pipeline"),
    }
)


class UnsafeModelError(ModelError):
    """The model file names a class or function outside the allow-list (a pickle payload)."""


def _unpickler_class() -> type:
    from joblib.numpy_pickle import NumpyUnpickler

    class _AllowListUnpickler(NumpyUnpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) not in ALLOWED_GLOBALS:
                raise UnsafeModelError(
                    f"model file names {module}.{name}, which is not part of a pagesieve model; "
                    "refusing to unpickle it"
                )
            return super().find_class(module, name)

    return _AllowListUnpickler


def load_joblib_bytes(data: bytes) -> Any:
    """Unpickle a joblib file already read into memory (the bytes whose hash was checked)."""
    from joblib.numpy_pickle_utils import _validate_fileobject_and_memmap

    unpickler_cls = _unpickler_class()
    with _validate_fileobject_and_memmap(io.BytesIO(data), "", None) as (fobj, _):
        if isinstance(fobj, str):  # joblib < 0.10 layout with companion files: never ours
            raise ModelError("model file uses joblib's pre-0.10 layout; refusing it")
        return unpickler_cls("", fobj, True).load()
