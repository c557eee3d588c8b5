"""Stage 4c — model export: the fitted model in a format that loads without unpickling anything.

Two formats, both with a manifest (sha256, versions, source model) like the joblib file:

* ``.skops``: the same scikit-learn objects, written by skops (JSON schema + .npy arrays) and read
  back with an explicit list of trusted types. The vocabularies, which skops would write one JSON
  entry per word (minutes, ~100 MB), are stored as one UTF-8 byte array each.
* ``.onnx``: the two linear passes as an ONNX graph run by onnxruntime (pass 1 in the dtype
  scikit-learn used, pass 2 in double precision); the
  text → TF-IDF step stays in Python, with the vocabularies and IDF weights stored as tensors in
  the same file, and scikit-learn vectorizers rebuilt from them (so the features are identical).

Either loads as a `PageModel` (`PAGESIEVE_MODEL=m.onnx`), with the same labels and scores.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .model import (
    FORMAT_VERSION,
    PageModel,
    _versions,
    _with_defaults,
    check_sklearn_version,
    check_vectorizers,
    manifest_path,
)
from .types import LABELS

__all__ = [
    "EXPORT_FORMATS",
    "SKOPS_TRUSTED",
    "OnnxPageModel",
    "export_model",
    "load_exported",
]

EXPORT_FORMATS = ("skops", "onnx")

#: The only types a .skops model may contain beyond skops' plain containers and arrays; passed
#: to ``skops.io.loads(trusted=...)`` and checked against the file's schema before loading.
SKOPS_TRUSTED: tuple[str, ...] = (
    "numpy.float32",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.pipeline.Pipeline",
)
_SKOPS_PLAIN = frozenset(
    {
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.NoneType",
        "builtins.slice",
        "numpy.ndarray",
        "numpy.float64",
        "numpy.int64",
        "numpy.uint8",
    }
)
_VECTORIZER_PARTS = ("words", "layout")
_ONNX_OPSET = 18
_SUFFIX = {"skops": ".skops", "onnx": ".onnx"}


# -- vocabularies as byte arrays -----------------------------------------------------------------
def _terms_array(vocabulary: Mapping[str, int]) -> np.ndarray:
    """The vocabulary's terms in column order, newline-joined UTF-8 (terms never hold newlines)."""
    terms = [""] * len(vocabulary)
    for term, i in vocabulary.items():
        terms[int(i)] = term
    if any("\n" in t or not t for t in terms):
        raise ModelError("a vocabulary term is empty or holds a newline; cannot export it")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8).copy()


def _vocabulary(arr: np.ndarray) -> dict[str, int]:
    text = np.asarray(arr, dtype=np.uint8).tobytes().decode("utf-8")
    terms = text.split("\n") if text else []
    vocab = {t: i for i, t in enumerate(terms)}
    if len(vocab) != len(terms):
        raise ModelError("exported vocabulary holds a term twice")
    return vocab


# -- writing -------------------------------------------------------------------------------------
def export_model(model: PageModel, out: Path, fmt: str) -> dict[str, Any]:
    """Write `model` to `out` as `fmt` (skops or onnx) with its manifest; returns the manifest."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    if isinstance(model, OnnxPageModel):  # its passes live in onnxruntime, not scikit-learn
        raise ValueError("an ONNX model cannot be exported again; export from the .joblib "
                         "(or .skops) model")
    out = Path(out)
    if out.suffix != _SUFFIX[fmt]:
        raise ValueError(f"a {fmt} model file must end in {_SUFFIX[fmt]}, not {out.name!r}")
    data = _skops_bytes(model) if fmt == "skops" else _onnx_bytes(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    source = dict(model.manifest)
    own = {
        "model_file": out.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": FORMAT_VERSION,
        "serialization": fmt,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {**_versions(), **_export_versions(fmt)},
        "params": model.get_params(),
        "labels": list(LABELS),
        "exported_from": {
            "model_file": source.get("model_file"),
            "sha256": source.get("sha256"),
            "created": source.get("created"),
        },
    }
    # Keep the training summary and metrics of the source model; our own keys win.
    manifest = {k: v for k, v in source.items() if k not in own and k != "exported_from"}
    manifest.update(own)
    manifest_path(out).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _export_versions(fmt: str) -> dict[str, str]:
    from importlib.metadata import version

    names = ("skops",) if fmt == "skops" else ("onnx", "onnxruntime")
    return {name: version(name) for name in names}


def _skops_bytes(model: PageModel) -> bytes:
    """The estimators through skops, their vocabularies swapped for byte arrays."""
    import copy

    import skops.io as sio

    f = model.fitted
    ct = copy.copy(f.pass1.named_steps["features"])
    vocab: dict[str, np.ndarray] = {}
    parts = []
    for name, est, cols in ct.transformers_:
        if name in _VECTORIZER_PARTS:
            vocab[name] = _terms_array(est.vocabulary_)
            est = copy.copy(est)
            est.vocabulary_ = {}
        parts.append((name, est, cols))
    ct.transformers_ = parts
    pass1 = copy.copy(f.pass1)
    pass1.steps = [("features", ct), *f.pass1.steps[1:]]
    payload = {
        "format": FORMAT_VERSION,
        "labels": list(LABELS),
        "params": model.get_params(),
        "pass1": pass1,
        "pass2": f.pass2,
        "vocabulary": vocab,
    }
    return bytes(sio.dumps(payload, compression=zipfile.ZIP_DEFLATED))


def _vectorizer_config(vec: Any) -> dict[str, Any]:
    """A vectorizer's settings as JSON, refusing anything that is code (a callable analyzer)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    if type(vec) not in (TfidfVectorizer, CountVectorizer):
        raise ModelError(f"cannot export a {type(vec).__name__} vectorizer to ONNX")
    params: dict[str, Any] = {}
    for key, value in vec.get_params().items():
        if key == "dtype":
            params[key] = np.dtype(value).name
        elif isinstance(value, tuple):
            params[key] = list(value)
        elif value is None or isinstance(value, str | int | float | bool):
            params[key] = value
        else:
            raise ModelError(f"vectorizer setting {key}={value!r} cannot be exported to ONNX")
    return {"class": type(vec).__name__, "params": params}


def _onnx_bytes(model: PageModel) -> bytes:
    from onnx import TensorProto, helper, numpy_helper
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    f = model.fitted
    clf = f.pass1.named_steps["clf"]
    if type(clf) is not SGDClassifier or clf.loss != "log_loss":
        raise ModelError("ONNX export needs pass 1 to be an SGDClassifier with log_loss")
    if len(clf.classes_) < 3 or clf.coef_.shape[0] != len(clf.classes_):
        raise ModelError("ONNX export needs a pass-1 model over three or more labels")
    cal = f.pass2
    if type(cal) is not CalibratedClassifierCV or len(cal.calibrated_classifiers_) != 1:
        raise ModelError("ONNX export needs pass 2 to be one calibrated classifier")
    cc = cal.calibrated_classifiers_[0]
    lr = cc.estimator
    if (
        cc.method != "temperature"
        or type(lr) is not LogisticRegression
        or lr.coef_.shape[0] != len(lr.classes_)
        or not np.array_equal(lr.classes_, cal.classes_)
        or len(cal.classes_) < 3
    ):
        raise ModelError(
            "ONNX export needs pass 2 = temperature-calibrated multiclass regression "
            "(a model trained before temperature calibration: retrain it)"
        )

    words, layout = model.vectorizers()
    k1, k2 = len(clf.classes_), len(cal.classes_)
    # Pass 1 runs in the classifier's own dtype (float32 when fitted on float32 TF-IDF), summing
    # each row's products in column order as scipy does, and its sigmoid and normalisation
    # in the same order of operations as scipy and numpy: its probabilities come out identical
    # but for a rare one-ulp difference in exp.
    t1 = np.dtype(clf.coef_.dtype).type
    if t1 not in (np.float32, np.float64):
        raise ModelError(f"cannot export pass-1 coefficients of dtype {clf.coef_.dtype}")
    p1_type = TensorProto.FLOAT if t1 is np.float32 else TensorProto.DOUBLE
    f64 = TensorProto.DOUBLE
    i64 = TensorProto.INT64

    def const(name: str, value: Any) -> Any:
        return numpy_helper.from_array(np.asarray(value), name)

    inits = [
        const("p1_coef_t", np.ascontiguousarray(clf.coef_.T, dtype=t1)),
        const("p1_intercept", np.asarray(clf.intercept_, dtype=t1)),
        const("p1_classes", np.asarray(clf.classes_, dtype=np.int64)),
        const("p2_coef_t", np.ascontiguousarray(lr.coef_.T, dtype=np.float64)),
        const("p2_intercept", np.asarray(lr.intercept_, dtype=np.float64)),
        const("p2_beta", np.array(cc.calibrators[0].beta_, dtype=np.float64)),
        const("p2_classes", np.asarray(cal.classes_, dtype=np.int64)),
        const("axis1", np.array([1], dtype=np.int64)),
        *[const(f"col{j}", np.array([j], dtype=np.int64)) for j in range(k1)],
        const("k1", np.array([k1], dtype=np.int64)),
        const("zero1", np.array(0.0, dtype=t1)),
        const("one1", np.array(1.0, dtype=t1)),
        const("one", np.array(1.0)),
        const("k1_f", np.array(float(k1), dtype=t1)),
        const("near_one", np.array(1.0 + 1e-5)),
        # Not used by the graph: read back by `load_exported` to rebuild the vectorizers.
        const("words_terms", _terms_array(words.vocabulary_)),
        const("words_idf", np.asarray(words.idf_)),
        const("layout_terms", _terms_array(layout.vocabulary_)),
    ]
    N = helper.make_node
    nodes = [
        # pass 1: decision = X @ coef.T + intercept, X given as (row, column, value) triples
        N("Gather", ["p1_coef_t", "p1_indices"], ["g"], axis=0),
        N("Unsqueeze", ["p1_values", "axis1"], ["v"]),
        N("Mul", ["g", "v"], ["contrib"]),
        N("Unsqueeze", ["p1_rows", "axis1"], ["r"]),
        N("Shape", ["contrib"], ["contrib_shape"]),
        N("Expand", ["r", "contrib_shape"], ["r_wide"]),
        N("Concat", ["p1_nrows", "k1"], ["d_shape"], axis=0),
        N("ConstantOfShape", ["d_shape"], ["d0"], value=const("d0_value", np.zeros(1, t1))),
        N("ScatterElements", ["d0", "r_wide", "contrib"], ["d"], axis=0, reduction="add"),
        N("Add", ["d", "p1_intercept"], ["d1"]),
        # one-vs-rest logistic probabilities, normalised (scikit-learn's _predict_proba_lr)
        # scipy's expit is 1 / (1 + exp(-x)) in the array's dtype; exp is taken in float64
        # and rounded (as a correctly rounded expf would be), the rest in that dtype.
        N("Neg", ["d1"], ["nd1"]),
        N("Cast", ["nd1"], ["nd1_64"], to=f64),
        N("Exp", ["nd1_64"], ["e_64"]),
        N("Cast", ["e_64"], ["e"], to=p1_type),
        N("Add", ["e", "one1"], ["e1"]),
        N("Div", ["one1", "e1"], ["s"]),
        # numpy sums a row of k1 values left to right; so do these Adds (ReduceSum may not)
        *[N("Gather", ["s", f"col{j}"], [f"s_col{j}"], axis=1) for j in range(k1)],
        *[
            N("Add", [f"s_acc{j - 1}" if j > 1 else "s_col0", f"s_col{j}"], [f"s_acc{j}"])
            for j in range(1, k1)
        ],
        N("Identity", [f"s_acc{k1 - 1}"], ["s_sum"]),
        N("Equal", ["s_sum", "zero1"], ["s_zero"]),
        N("Where", ["s_zero", "one1", "s"], ["s_safe"]),
        N("Where", ["s_zero", "k1_f", "s_sum"], ["s_sum_safe"]),
        N("Div", ["s_safe", "s_sum_safe"], ["p1_t"]),
        N("Cast", ["p1_t"], ["pass1_proba"], to=f64),
        # pass 2: logistic regression decision, times the inverse temperature, softmax
        N("MatMul", ["ctx", "p2_coef_t"], ["l0"]),
        N("Add", ["l0", "p2_intercept"], ["l"]),
        N("Mul", ["l", "p2_beta"], ["lb"]),
        N("ReduceMax", ["lb", "axis1"], ["lb_max"], keepdims=1),
        N("Sub", ["lb", "lb_max"], ["lb0"]),
        N("Exp", ["lb0"], ["c"]),
        N("ReduceSum", ["c", "axis1"], ["c_sum"], keepdims=1),
        N("Div", ["c", "c_sum"], ["q"]),
        N("Greater", ["q", "one"], ["q_gt"]),
        N("LessOrEqual", ["q", "near_one"], ["q_le"]),
        N("And", ["q_gt", "q_le"], ["q_clip"]),
        N("Where", ["q_clip", "one", "q"], ["pass2_proba"]),
    ]
    n_ctx = lr.coef_.shape[1]
    graph = helper.make_graph(
        nodes,
        "pagesieve",
        inputs=[
            helper.make_tensor_value_info("p1_indices", i64, ["nnz"]),
            helper.make_tensor_value_info("p1_values", p1_type, ["nnz"]),
            helper.make_tensor_value_info("p1_rows", i64, ["nnz"]),
            helper.make_tensor_value_info("p1_nrows", i64, [1]),
            helper.make_tensor_value_info("ctx", f64, ["blocks", n_ctx]),
        ],
        outputs=[
            helper.make_tensor_value_info("pass1_proba", f64, ["rows", k1]),
            helper.make_tensor_value_info("pass2_proba", f64, ["blocks", k2]),
        ],
        initializer=inits,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _ONNX_OPSET)],
        producer_name="pagesieve",
        ir_version=8,
    )
    meta = {
        "pagesieve.format": str(FORMAT_VERSION),
        "pagesieve.labels": json.dumps(list(LABELS)),
        "pagesieve.params": json.dumps(model.get_params()),
        "pagesieve.vectorizers": json.dumps(
            {"words": _vectorizer_config(words), "layout": _vectorizer_config(layout)}
        ),
    }
    helper.set_model_props(onnx_model, meta)
    import onnx

    onnx.checker.check_model(onnx_model)
    return bytes(onnx_model.SerializeToString())


# -- reading -------------------------------------------------------------------------------------
def load_exported(data: bytes, path: Path, manifest: Mapping[str, Any]) -> PageModel:
    """A `PageModel` from the (hash-checked) bytes of a .skops or .onnx file."""
    kind = manifest.get("serialization")
    try:
        if kind == "skops":
            return _load_skops(data, path, manifest)
        if kind == "onnx":
            return _load_onnx(data, path, manifest)
    except ModelError:
        raise
    except ImportError as exc:
        raise ModelError(
            f"loading {path.name} needs the export extra ({exc}); pip install 'pagesieve[export]'"
        ) from None
    except Exception as exc:
        raise ModelError(f"model file {path} could not be loaded: {exc}") from None
    raise ModelError(f"model file {path} has unknown serialization {kind!r}")


def _skops_types(data: bytes) -> set[str]:
    """Every ``module.class`` named in a .skops file's schema."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        schema = json.loads(zf.read("schema.json"))
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__')}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def _load_skops(data: bytes, path: Path, manifest: Mapping[str, Any]) -> PageModel:
    import skops.io as sio

    check_sklearn_version(manifest, path)
    unknown = _skops_types(data) - set(SKOPS_TRUSTED) - _SKOPS_PLAIN
    unknown |= set(sio.get_untrusted_types(data=data)) - set(SKOPS_TRUSTED)
    if unknown:
        raise ModelError(
            f"model file {path} holds types outside the trusted list: {', '.join(sorted(unknown))}"
        )
    payload = sio.loads(data, trusted=list(SKOPS_TRUSTED))
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ModelError(f"model file {path} is not a pagesieve model (format mismatch)")
    ct = payload["pass1"].named_steps["features"]
    for name, est, _ in ct.transformers_:
        if name in _VECTORIZER_PARTS:
            est.vocabulary_ = _vocabulary(payload["vocabulary"][name])
    return PageModel.from_estimators(
        payload["params"], payload["pass1"], payload["pass2"], manifest
    )


def _rebuild_vectorizer(config: Mapping[str, Any], terms: np.ndarray, idf: Any) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    classes = {"TfidfVectorizer": TfidfVectorizer, "CountVectorizer": CountVectorizer}
    cls = classes.get(str(config.get("class")))
    params = dict(config.get("params", {}))
    if cls is None or params.get("dtype") not in ("float32", "float64"):
        raise ModelError("exported vectorizer settings are not ones pagesieve writes")
    params["dtype"] = np.dtype(params["dtype"]).type
    if isinstance(params.get("ngram_range"), list):
        params["ngram_range"] = tuple(params["ngram_range"])
    vec = cls(**params)
    vec.vocabulary_ = _vocabulary(terms)
    vec.fixed_vocabulary_ = False
    if idf is not None:
        vec.idf_ = idf
    return vec


def _load_onnx(data: bytes, path: Path, manifest: Mapping[str, Any]) -> PageModel:
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    proto = onnx.load_model_from_string(data)
    for node in proto.graph.node:
        if node.domain not in ("", "ai.onnx"):
            raise ModelError(f"model file {path} uses a custom operator domain {node.domain!r}")
    if proto.functions:
        raise ModelError(f"model file {path} defines its own functions; refusing it")
    tensors: dict[str, np.ndarray] = {}
    for init in proto.graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL:
            raise ModelError(f"model file {path} points to external data; refusing it")
        tensors[init.name] = numpy_helper.to_array(init)
    meta = {p.key: p.value for p in proto.metadata_props}
    if meta.get("pagesieve.format") != str(FORMAT_VERSION):
        raise ModelError(f"model file {path} is not a pagesieve model (format mismatch)")
    params = json.loads(meta["pagesieve.params"])
    vec_config = json.loads(meta["pagesieve.vectorizers"])
    words = _rebuild_vectorizer(vec_config["words"], tensors["words_terms"], tensors["words_idf"])
    layout = _rebuild_vectorizer(vec_config["layout"], tensors["layout_terms"], None)
    check_vectorizers((words, layout))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # the vocabulary tensors are unused by the graph, by design
    session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    return OnnxPageModel(
        params=params,
        manifest=manifest,
        session=session,
        vectorizers=(words, layout),
        tensors=tensors,
    )


class OnnxPageModel(PageModel):
    """A `PageModel` whose two linear passes run in onnxruntime (float64) instead of sklearn."""

    def __init__(
        self,
        *,
        params: Mapping[str, Any],
        manifest: Mapping[str, Any],
        session: Any,
        vectorizers: tuple[Any, Any],
        tensors: Mapping[str, np.ndarray],
    ) -> None:
        super().__init__(**_with_defaults(params))
        self.manifest = dict(manifest)
        self._session = session
        self._vectorizers = vectorizers
        self._classes1 = np.asarray(tensors["p1_classes"], dtype=np.int64)
        self._classes2 = np.asarray(tensors["p2_classes"], dtype=np.int64)
        self._coef1 = np.zeros((len(LABELS), tensors["p1_coef_t"].shape[0]))
        self._coef1[self._classes1] = tensors["p1_coef_t"].T
        self._coef2 = np.zeros((len(LABELS), tensors["p2_coef_t"].shape[0]))
        self._coef2[self._classes2] = tensors["p2_coef_t"].T
        words, layout = vectorizers
        self._names = np.asarray(
            [f"words__{t}" for t in words.get_feature_names_out()]
            + [f"layout__{t}" for t in layout.get_feature_names_out()],
            dtype=object,
        )
        self._n_ctx = int(tensors["p2_coef_t"].shape[0])
        self._p1_dtype = tensors["p1_coef_t"].dtype

    def save(self, path: Path, *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        raise ModelError("an ONNX model cannot be saved again; export from the joblib model")

    def vectorizers(self) -> tuple[Any, Any]:
        return self._vectorizers

    def _run(self, output: str, X: Any | None, ctx: np.ndarray | None) -> np.ndarray:
        if X is None:
            rows = cols = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0, dtype=self._p1_dtype)
            n_rows = 0
        else:
            X = X.tocsr()
            n_rows = X.shape[0]
            rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(X.indptr))
            cols = X.indices.astype(np.int64)
            vals = X.data.astype(self._p1_dtype)
        feed = {
            "p1_indices": cols,
            "p1_values": vals,
            "p1_rows": rows,
            "p1_nrows": np.array([n_rows], dtype=np.int64),
            "ctx": np.zeros((0, self._n_ctx)) if ctx is None else np.asarray(ctx, np.float64),
        }
        return np.asarray(self._session.run([output], feed)[0])

    def _pass1_proba(self, X: Any) -> np.ndarray:
        out = np.zeros((X.shape[0], len(LABELS)))
        if X.shape[0]:
            out[:, self._classes1] = self._run("pass1_proba", X, None)
        return out

    def _pass2_proba(self, ctx: np.ndarray) -> np.ndarray:
        out = np.zeros((ctx.shape[0], len(LABELS)))
        if ctx.shape[0]:
            out[:, self._classes2] = self._run("pass2_proba", None, ctx)
        return out

    def _explain_weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._coef1, self._coef2, self.feature_names()
