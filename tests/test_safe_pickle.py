from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import joblib
import numpy as np
import pytest

from pagesieve.errors import ModelError
from pagesieve.model import PageModel, manifest_path
from pagesieve.safe_pickle import ALLOWED_GLOBALS, UnsafeModelError, load_joblib_bytes


class Payload:
    """Unpickling this runs a shell command: the classic pickle payload."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def write_with_valid_manifest(obj: object, path: Path) -> None:
    """A joblib file plus a manifest whose sha256 and versions match it (a full takeover)."""
    import sklearn

    joblib.dump(obj, path, compress=3)
    manifest = {
        "model_file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "format": 1,
        "versions": {"scikit-learn": sklearn.__version__},
    }
    manifest_path(path).write_text(json.dumps(manifest))


def test_the_payload_is_live(tmp_path: Path) -> None:
    # Proves the payload below would really run under a plain joblib.load.
    marker = tmp_path / "ran"
    joblib.dump({"x": Payload(marker)}, tmp_path / "p.joblib")
    joblib.load(tmp_path / "p.joblib")
    assert marker.exists()


@pytest.mark.parametrize("where", ["top", "nested", "object_array"])
def test_payload_refused_before_it_runs(tmp_path: Path, where: str) -> None:
    marker = tmp_path / "ran"
    evil = Payload(marker)
    obj: object = {
        "top": evil,
        "nested": {"format": 1, "params": {}, "pass1": [1, 2, {"x": evil}]},
        "object_array": {"format": 1, "arr": np.array([evil, 1], dtype=object)},
    }[where]
    path = tmp_path / "pagesieve.joblib"
    write_with_valid_manifest(obj, path)
    with pytest.raises(UnsafeModelError, match=r"posix\.system|os\.system"):
        PageModel.load(path)
    assert not marker.exists()
    with pytest.raises(ModelError):
        load_joblib_bytes(path.read_bytes())
    assert not marker.exists()


def test_builtins_eval_refused(tmp_path: Path) -> None:
    class Eval:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (eval, ("1 + 1",))

    path = tmp_path / "m.joblib"
    joblib.dump([Eval()], path)
    with pytest.raises(UnsafeModelError, match=r"builtins\.eval"):
        load_joblib_bytes(path.read_bytes())


def test_allowed_data_loads(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1])
    path = tmp_path / "m.joblib"
    joblib.dump({"clf": clf, "a": np.arange(5, dtype=np.float32)}, path, compress=3)
    back = load_joblib_bytes(path.read_bytes())
    assert np.array_equal(back["a"], np.arange(5, dtype=np.float32))
    assert np.array_equal(back["clf"].coef_, clf.coef_)


def test_allow_list_names_no_callables_that_run_code() -> None:
    modules = {m for m, _ in ALLOWED_GLOBALS}
    assert not modules & {"os", "posix", "subprocess", "builtins.eval", "pickle", "importlib"}
    assert {n for m, n in ALLOWED_GLOBALS if m == "builtins"} == {"slice"}
