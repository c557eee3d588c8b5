"""The fitted model as plain arrays: both passes without scikit-learn at prediction time.

`PageModel.load` spent seconds per process on importing scikit-learn and unpickling the
pipeline, and each page paid for joining tokens into strings that the vectorizers split again
and for their per-call validation. Here the fitted vocabularies, IDF weights and coefficients
are read once from the pickle (`compile_pipeline`) and kept in a cache file of plain numpy
arrays (`save` / `load`, no pickle); tokens go straight to the CSR arrays of the pass-1 matrix.

Every step repeats the operation scikit-learn 1.9 performs, in the same dtype and order
(float32 counts, log, IDF product, row L2 norms summed left to right in float64; float32
sparse dot products by scipy's loop; `scipy.special.expit`), so the matrices are equal
element for element and the probabilities equal to the last bit or nearly so
(tests/test_compiled.py checks both against the scikit-learn path).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from .native import compiled_part

__all__ = [
    "COMPILED_FORMAT",
    "CompiledModel",
    "Csr",
    "cache_dir",
    "cache_tmp_path",
    "compile_pipeline",
]

#: Bumped whenever the arrays or their meaning change, so an old cache file is never read.
COMPILED_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Csr:
    """A CSR matrix as its three arrays (scikit-learn's layout: int32 indices, sorted)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


def _row_dot(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n_cols: int,
             dense: np.ndarray) -> np.ndarray:
    """``CSR @ dense`` through scipy's C loop, which adds each row's products left to right
    from zero in the arrays' dtype: exactly what scikit-learn's decision function and its
    row-norm loop compute (numpy's own sums are pairwise and can differ in the last bit).
    The compiled part runs the same loop without importing scipy."""
    if (_FAST is not None and data.dtype == dense.dtype == np.float32
            and indices.dtype == indptr.dtype == np.int32 and dense.ndim == 2):
        out: np.ndarray = _FAST.csr_dot_f32(
            np.ascontiguousarray(data), np.ascontiguousarray(indices),
            np.ascontiguousarray(indptr), np.ascontiguousarray(dense))
        return out
    from scipy import sparse

    return sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, n_cols)) @ dense


_ONE = np.ones(1)


def _row_sums(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's float64 values added left to right from zero (`_row_dot` with ones)."""
    if _FAST is not None:
        sums: np.ndarray = _FAST.row_sums_f64(
            np.ascontiguousarray(data, dtype=np.float64),
            np.ascontiguousarray(indptr, dtype=np.int64))
        return sums
    return _row_dot(data, np.zeros(len(data), dtype=np.int32), indptr, 1, _ONE)


def _expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit(x, out=x)`` of a float32 or float64 array."""
    if _FAST is not None and x.flags.c_contiguous:
        if x.dtype == np.float64:
            _FAST.expit_inplace(x.reshape(-1))
            return x
        if x.dtype == np.float32:
            _FAST.expit_inplace_f32(x.reshape(-1))
            return x
    from scipy.special import expit

    out: np.ndarray = expit(x, out=x)
    return out


#: numpy's float32 ``log(k)`` of the counts k = 1, 2, ... (`_FAST.pass1_csr` looks the
#: sublinear tf up here, so that it is numpy's log, whatever SIMD loop numpy picked).
_LOG_COUNTS = np.log(np.arange(1, 4097, dtype=np.float32))


def _rows_of(lengths: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def _sorted_unique(rows: np.ndarray, cols: np.ndarray, width: int) -> tuple[Any, ...]:
    """Distinct (row, col) pairs in CSR order (row, then column), with their counts."""
    keys, counts = np.unique(rows * width + cols, return_counts=True)
    return keys // width, keys % width, counts


def _token_ids(
    vocab: dict[str, int], docs: Sequence[Sequence[str]]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(tokens per doc, all tokens in order, the column of each in `vocab` or -1)."""
    if _FAST is not None:
        return _FAST.token_ids(vocab, docs)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    flat: list[str] = [t for d in docs for t in d]
    ids = np.fromiter(map(vocab.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    return lengths, flat, ids


def _terms_bytes(terms: Sequence[str]) -> bytes:
    return "\n".join(terms).encode("utf-8")


def _bytes_terms(lines: bytes) -> list[str]:
    return lines.decode("utf-8").split("\n") if lines else []


def _uint8(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


class CompiledModel:
    """Pass 1 (TF-IDF words + binary layout words → SGD logistic) and pass 2 (logistic
    regression + temperature calibration) as arrays. Immutable after construction."""

    __slots__ = (
        "_bigram_table",
        "_bigrams",
        "_layout_vocab",
        "_n_words",
        "_words_lines",
        "_words_table",
        "_words_terms",
        "_words_vocab",
        "arrays",
        "layout_terms",
        "params",
    )

    def __init__(self, words_terms: Sequence[str] | bytes, layout_terms: list[str],
                 arrays: dict[str, np.ndarray], params: dict[str, Any]) -> None:
        """`words_terms`: the words vocabulary in column order, or its UTF-8 lines as the
        cache holds them (then the compiled part builds the lookups from the bytes, and the
        list of terms, which predictions never need, is decoded on first use)."""
        #: The `PageModel` settings the model was fitted with (max_block_chars matters here).
        self.params = params
        self.layout_terms = layout_terms
        self.arrays = arrays
        if isinstance(words_terms, bytes):
            self._words_lines, self._words_terms = words_terms, None
        else:
            self._words_terms = list(words_terms)
            self._words_lines = _terms_bytes(self._words_terms)
        self._layout_vocab = dict(zip(layout_terms, range(len(layout_terms)), strict=True))
        self._bigrams: tuple[np.ndarray, np.ndarray, dict[str, int]] | None = None
        self._bigram_table: tuple[np.ndarray, np.ndarray] | None = None
        # Unigrams only: tokens never hold a space (they are regex matches of non-space runs,
        # or jieba's cuts of Han runs), so a bigram term ("a b") is never looked up by text here;
        # `_bigram_index` finds bigrams by their parts. A fifth of the entries: a worker starts
        # ~0.1 s sooner, and the parts' lookups hit a smaller table.
        # With the compiled part, the unigrams are a table of code points rather than a dict:
        # built without a string per term, and one cache miss per token looked up (see
        # `_fastcompiled.words_index`); the dict is built only if asked for (`words_vocab`).
        self._words_vocab: dict[str, int] | None = None
        self._words_table: tuple[np.ndarray, np.ndarray] | None = None
        if _FAST is not None:  # both from the bytes in one pass: ~0.1 s off every run's start
            self._n_words, table, starts, k, c, other = _FAST.words_index(self._words_lines)
            self._words_table = (table, starts)
            order = np.argsort(k, kind="stable")
            self._bigrams = (k[order], c[order], other)
        else:
            self._n_words = len(self.words_terms)

    # -- pass 1 -----------------------------------------------------------------------------
    @property
    def words_terms(self) -> list[str]:
        """The words vocabulary in column order (decoded from the cache's bytes on first use)."""
        if self._words_terms is None:
            self._words_terms = _bytes_terms(self._words_lines)
        return self._words_terms

    @property
    def words_vocab(self) -> dict[str, int]:
        """{unigram: column} (the Python path's lookup; built on first use with the compiled
        part, which looks words up in its own table)."""
        if self._words_vocab is None:
            self._words_vocab = {t: i for i, t in enumerate(self.words_terms) if " " not in t}
        return self._words_vocab

    @property
    def n_features(self) -> int:
        return self._n_words + len(self.layout_terms)

    def feature_names(self) -> list[str]:
        """The pipeline's `get_feature_names_out()`, built from the vocabularies."""
        return [f"words__{t}" for t in self.words_terms] + [
            f"layout__{t}" for t in self.layout_terms
        ]

    def _word_ids(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, ...]:
        """(tokens per doc, each token's unigram column, each adjacent pair's bigram column;
        -1 where unknown). Bigrams over the whole page at once: the caller drops the pairs
        across a block boundary."""
        if self._words_table is not None and _FAST is not None:
            lengths, flat, uni = _FAST.table_ids(*self._words_table, self._words_lines, docs)
        else:
            lengths, flat, uni = _token_ids(self.words_vocab, docs)
        return lengths, uni, self._bigram_columns(flat, uni)

    def _words(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, ...]:
        """Rows, columns and float32 TF-IDF values (unigrams + bigrams, sublinear tf, L2)."""
        lengths, uni, bi = self._word_ids(docs)
        rows = _rows_of(lengths)
        same = rows[:-1] == rows[1:]
        all_rows = np.concatenate([rows, rows[:-1][same]])
        all_cols = np.concatenate([uni, bi[same]])
        keep = all_cols >= 0
        r, c, counts = _sorted_unique(all_rows[keep], all_cols[keep], self._n_words)
        data = counts.astype(np.float32)
        np.log(data, data)
        data += 1.0
        data *= self.arrays["idf"][c]
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=len(docs)), out=indptr[1:])
        # sklearn's loop: float32 squares added into a float64 sum, row by row
        sq = (data * data).astype(np.float64)
        norms = np.sqrt(_row_sums(sq, indptr))
        per = np.repeat(norms, np.diff(indptr))
        nz = per != 0.0
        data = data.copy()
        data[nz] = (data[nz].astype(np.float64) / per[nz]).astype(np.float32)
        return r, c, data

    def warm(self) -> None:
        """Build the lazily built tables now, and predict one empty row so that whatever the
        prediction imports (scipy, when the compiled part is not built) is imported here too
        (see `PageModel.warm`)."""
        self._bigram_index()
        if _FAST is not None:
            self._bigram_hash_table()
        empty = Csr(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(2, np.int32),
                    (1, self.n_features))
        self.pass1_proba(empty)
        self.pass2_proba(np.zeros((1, self.arrays["coef2"].shape[1])))

    def _bigram_index(self) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
        """Bigram columns keyed by their two unigram ids (sorted ``a * V + b``), and the few
        bigrams with a part outside the unigram vocabulary by their text. Built on first use
        (with the compiled part, by `__init__`)."""
        if self._bigrams is None:
            vocab, width = self.words_vocab, self._n_words
            keys: list[int] = []
            cols: list[int] = []
            other: dict[str, int] = {}
            for col, term in enumerate(self.words_terms):
                a, sep, b = term.partition(" ")
                if not sep:
                    continue
                ia, ib = vocab.get(a), vocab.get(b)
                if ia is None or ib is None:
                    other[term] = col
                else:
                    keys.append(ia * width + ib)
                    cols.append(col)
            k = np.asarray(keys, dtype=np.int64)
            order = np.argsort(k, kind="stable")
            self._bigrams = (k[order], np.asarray(cols, dtype=np.int64)[order], other)
        return self._bigrams

    def _bigram_hash_table(self) -> tuple[np.ndarray, np.ndarray]:
        """`_bigram_index`'s keys and columns as the compiled part's hash table (built on
        first use; only with the compiled part)."""
        if self._bigram_table is None:
            keys, cols, _ = self._bigram_index()
            self._bigram_table = _FAST.bigram_table(keys, cols)
        return self._bigram_table

    def _bigram_columns(self, flat: list[str], uni: np.ndarray) -> np.ndarray:
        """``vocab.get(f"{flat[i]} {flat[i + 1]}", -1)`` for every adjacent pair, without
        building the strings where both words have unigram ids (nearly all pairs)."""
        n = max(0, len(flat) - 1)
        out = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return out
        keys, cols, other = self._bigram_index()
        a, b = uni[:-1], uni[1:]
        if _FAST is not None:
            out = _FAST.bigram_columns(*self._bigram_hash_table(), np.ascontiguousarray(uni),
                                       self._n_words)
        elif len(keys):
            known = (a >= 0) & (b >= 0)
            pair = a[known] * self._n_words + b[known]
            pos = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
            out[known] = np.where(keys[pos] == pair, cols[pos], -1)
        if other:
            known = (a >= 0) & (b >= 0)
            for i in np.flatnonzero(~known).tolist():
                out[i] = other.get(f"{flat[i]} {flat[i + 1]}", -1)
        return out

    def _layout(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, ...]:
        lengths, _, cols = _token_ids(self._layout_vocab, docs)
        rows = _rows_of(lengths)
        keep = cols >= 0
        r, c, _ = _sorted_unique(rows[keep], cols[keep], len(self.layout_terms))
        return r, c, np.ones(len(r), dtype=np.float32)

    def pass1_matrix(self, words: Sequence[Sequence[str]], layout: Sequence[Sequence[str]]) -> Csr:
        """The pipeline's ``hstack([words.transform, layout.transform])`` from token lists."""
        n = len(words)
        if _FAST is not None:
            got = self._pass1_fast(words, layout)
            if got is not None:
                return got
        wr, wc, wd = self._words(words)
        lr, lc, ld = self._layout(layout)
        rows = np.concatenate([wr, lr])
        order = np.argsort(rows, kind="stable")  # per row: its words, then its layout columns
        cols = np.concatenate([wc, lc + self._n_words])[order]
        data = np.concatenate([wd, ld])[order]
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return Csr(data, cols.astype(np.int32), indptr, (n, self.n_features))

    def _pass1_fast(self, words: Sequence[Sequence[str]],
                    layout: Sequence[Sequence[str]]) -> Csr | None:
        """`pass1_matrix` with the compiled part: the lookups as in `_words` / `_layout`, then
        the distinct columns, TF-IDF values, L2 norms and the rows' joining in one C loop
        (`_fastcompiled.pass1_csr`, the same float operations in the same order) instead of
        numpy's unique/argsort/concatenate on a page's few hundred entries. None (the numpy
        path) in the unlikely case that a column occurs more often in a block than the table
        of float32 logs reaches."""
        idf = self.arrays["idf"]
        if idf.dtype != np.float32 or not idf.flags.c_contiguous:
            return None
        lengths, uni, bi = self._word_ids(words)
        llen, _, lids = _token_ids(self._layout_vocab, layout)
        got = _FAST.pass1_csr(lengths, uni, bi, idf, _LOG_COUNTS, llen, lids, self._n_words)
        if got is None:
            return None
        data, indices, indptr = got
        return Csr(data, indices, indptr, (len(words), self.n_features))

    def pass1_proba(self, X: Csr) -> np.ndarray:
        """``_proba_full(SGDClassifier)``: float32 decision, expit, OvR normalisation."""
        a = self.arrays
        prob = _row_dot(X.data, X.indices, X.indptr, X.shape[1], a["coef1_t"]) + a["intercept1"]
        _expit(prob)
        prob_sum = prob.sum(axis=1)
        all_zero = prob_sum == 0
        if np.any(all_zero):
            prob[all_zero, :] = 1
            prob_sum[all_zero] = prob.shape[1]
        prob /= np.reshape(prob_sum, (prob.shape[0], -1))
        out = np.zeros((X.shape[0], int(a["n_labels"])))
        out[:, a["classes1"]] = prob
        return out

    # -- pass 2 -----------------------------------------------------------------------------
    def pass2_proba(self, ctx: np.ndarray) -> np.ndarray:
        """``_proba_full(CalibratedClassifierCV(LogisticRegression, temperature))``: the
        softmax of the regression's logits times the fitted inverse temperature, in
        scikit-learn's order of operations."""
        a = self.arrays
        pred = ctx @ a["coef2"].T + a["intercept2"]
        classes = a["classes2"]
        proba = a["beta"][0] * pred
        proba -= proba.max(axis=1).reshape(-1, 1)
        np.exp(proba, out=proba)
        proba /= proba.sum(axis=1).reshape(-1, 1)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        out = np.zeros((ctx.shape[0], int(a["n_labels"])))
        out[:, classes] = proba
        return out

    # -- the cache file ---------------------------------------------------------------------
    def content_sha256(self) -> str:
        """A hash of what the arrays hold (names, dtypes, shapes, bytes; terms; params), so a
        cached file can be checked against the model's manifest whatever zip metadata it has."""
        h = hashlib.sha256()
        h.update(f"format {COMPILED_FORMAT}\n".encode())
        h.update(json.dumps(self.params, sort_keys=True).encode("utf-8"))
        for lines in (self._words_lines, _terms_bytes(self.layout_terms)):
            h.update(b"\0terms\0")
            h.update(lines)
        for name in sorted(self.arrays):
            a = np.ascontiguousarray(self.arrays[name])
            h.update(f"\0{name} {a.dtype.str} {a.shape}\0".encode())
            h.update(a.data)  # its bytes, without copying them
        return h.hexdigest()

    def save(self, path: Path) -> None:
        """Write the arrays (no pickle) atomically; `load` reads them back."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_tmp_path(path)
        arrays: dict[str, Any] = {
            "format": np.array(COMPILED_FORMAT),
            "words_terms": _uint8(self._words_lines),
            "layout_terms": _uint8(_terms_bytes(self.layout_terms)),
            "params": _uint8(json.dumps(self.params, sort_keys=True).encode("utf-8")),
            **self.arrays,
        }
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> CompiledModel | None:
        """The model cached at `path`, or None if it is missing, unreadable or of another format."""
        try:
            with np.load(path, allow_pickle=False) as z:
                if int(z["format"]) != COMPILED_FORMAT:
                    return None
                arrays = {k: z[k] for k in z.files if k not in _NOT_ARRAYS}
                words = z["words_terms"].tobytes()
                layout = _bytes_terms(z["layout_terms"].tobytes())
                params = json.loads(z["params"].tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        n_words = words.count(b"\n") + 1 if words else 0
        if set(arrays) != _ARRAY_KEYS or len(arrays["idf"]) != n_words:
            return None
        if not isinstance(params, dict):
            return None
        try:
            return cls(words, layout, arrays, params)
        except UnicodeDecodeError:
            return None


_NOT_ARRAYS = frozenset({"format", "words_terms", "layout_terms", "params"})
_ARRAY_KEYS = frozenset({
    "idf", "coef1_t", "intercept1", "classes1", "coef2", "intercept2", "classes2",
    "beta", "n_labels",
})


def _plain_vectorizer(v: Any, *, ngrams: tuple[int, int]) -> bool:
    return (
        v.analyzer == "word" and v.token_pattern == r"\S+" and v.lowercase is False
        and tuple(v.ngram_range) == ngrams and v.preprocessor is None and v.tokenizer is None
        and v.stop_words is None and v.strip_accents is None and v.input == "content"
        and np.dtype(v.dtype) == np.float32
    )


def _terms(vocabulary: dict[str, Any]) -> list[str] | None:
    terms: list[str | None] = [None] * len(vocabulary)
    for term, j in vocabulary.items():
        if not 0 <= j < len(terms) or terms[j] is not None or "\n" in term:
            return None
        terms[j] = term
    return terms  # type: ignore[return-value]


def compile_pipeline(
    pass1: Any, pass2: Any, n_labels: int, params: dict[str, Any]
) -> CompiledModel | None:
    """The arrays of a fitted pagesieve pipeline, or None if it is not the shape this module
    reproduces exactly (then the caller keeps using scikit-learn)."""
    try:
        ct = pass1.named_steps["features"]
        words = ct.named_transformers_["words"]
        layout = ct.named_transformers_["layout"]
        clf = pass1.named_steps["clf"]
        ok = (
            _plain_vectorizer(words, ngrams=(1, 2)) and words.binary is False
            and words.use_idf and words.sublinear_tf and words.norm == "l2"
            and _plain_vectorizer(layout, ngrams=(1, 1)) and layout.binary is True
            and type(layout).__name__ == "CountVectorizer"
            and [t[0] for t in ct.transformers_[:2]] == ["words", "layout"]
            and type(clf).__name__ == "SGDClassifier" and clf.loss == "log_loss"
            and clf.coef_.shape[0] == len(clf.classes_) > 2
            and len(pass2.calibrated_classifiers_) == 1
        )
        cal = pass2.calibrated_classifiers_[0]
        est = cal.estimator
        ok = ok and cal.method == "temperature" and type(est).__name__ == "LogisticRegression"
        ok = ok and [type(c).__name__ for c in cal.calibrators] == ["_TemperatureScaling"]
        ok = ok and np.array_equal(est.classes_, pass2.classes_) and est.coef_.shape[0] > 2
        if not ok:
            return None
        wt = _terms(words.vocabulary_)
        lt = _terms(layout.vocabulary_)
        if wt is None or lt is None:
            return None
        arrays = {
            "idf": np.ascontiguousarray(words.idf_, dtype=np.float32),
            "coef1_t": np.ascontiguousarray(clf.coef_.T),
            "intercept1": np.asarray(clf.intercept_),
            "classes1": np.asarray(clf.classes_, dtype=np.int64),
            "coef2": np.asarray(est.coef_),
            "intercept2": np.asarray(est.intercept_),
            "classes2": np.asarray(pass2.classes_, dtype=np.int64),
            "beta": np.array([cal.calibrators[0].beta_], dtype=np.float64),
            "n_labels": np.array(n_labels),
        }
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if arrays["coef1_t"].dtype != np.float32:
        return None
    return CompiledModel(wt, lt, arrays, dict(params))


def cache_tmp_path(path: Path) -> Path:
    """A temporary name beside cache entry `path`, of this process and thread only, to write
    under and then rename: threads of one first call each wrote the same name (the process
    id alone), leaving an entry cut short."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def cache_dir() -> Path:
    """``PAGESIEVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/pagesieve`` (``~/.cache/pagesieve``)."""
    env = os.environ.get("PAGESIEVE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pagesieve"


#: The compiled lookups, bigram table, sparse products and sigmoid when built, else None
#: (numpy, scipy and the Python loops above).
_FAST: Any = compiled_part("_fastcompiled")
