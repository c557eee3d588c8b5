"""Stage 4 — the model: two linear passes over block features, saved with a hash-checked manifest.

Pass 1 reads one block (TF-IDF over its jieba words + its layout words) with a logistic
regression. Pass 2 (`revise.py`) re-reads pass-1 probabilities of the block, its neighbours, its
list siblings and the whole page with a second, calibrated logistic regression (a page of a few
blocks, `FEW_BLOCKS`, has too little around them and keeps pass 1's scores, and so does a block
pass 1 is sure is an advert, `SURE_AD`; pass 2 names an advert only on the block's own or its
card's or list's first-pass evidence, `AD_EVIDENCE`). Tokenizing happens before the pipeline,
so the pickle holds only scikit-learn objects and plain containers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from .compiled import COMPILED_FORMAT, CompiledModel, Csr, cache_dir, compile_pipeline
from .errors import ModelError
from .features import page_features, page_tokens
from .limits import DEFAULT_LIMITS
from .modelfile import (
    DEFAULT_MODEL_PATH,
    SERIALIZATIONS,
    default_model_path,
    manifest_path,
    sha256_file,
)
from .revise import CONTEXT_FEATURE_NAMES, context_feature_names, context_matrix
from .script import warm as script_warm
from .types import LABELS, Label, Page, make_labels
from .versions import installed_version

__all__ = [
    "AD_EVIDENCE",
    "DEFAULT_MODEL_PATH",
    "FEW_BLOCKS",
    "FORMAT_VERSION",
    "SERIALIZATIONS",
    "SURE_AD",
    "PageModel",
    "check_sklearn_version",
    "check_vectorizers",
    "compiled_cache_path",
    "default_model_path",
    "load_model",
    "manifest_path",
    "read_manifest",
    "sha256_file",
]

FORMAT_VERSION = 1
#: Whether a new model's pass 2 reads the region features (region.py). On since model
#: 2026-12-07 (README, "Evaluation"): held out by site, over four fold seeds, forum threads'
#: ROUGE-1 0.793 -> 0.836 and third-party ads kept 11.3 -> 8.3 (both better on every seed),
#: block macro-F1 0.664 -> 0.669; the seed-like sets level or ahead. (Off before: with an older
#: recipe they dropped the paragraph of a short text page.)
DEFAULT_REGION = True
#: Pages of at most this many blocks (by page kind) keep their first-pass scores. The revision
#: pass re-reads a block by its neighbours; a snippet has none or a few, and its context columns
#: are unlike those of the pages the pass learnt from (first and last block at once, the page's
#: whole mix). It read a lone news paragraph (first pass: content 0.97) as boilerplate 0.55, and
#: the title above one paragraph as boilerplate. On pages composed from held-back corpora
#: (`bench/few_blocks.py`, README "What changed"), text pages of 2-4 blocks: first pass right on
#: 0.92-1.00 of blocks, the revision pass on 0.86-0.93, on both seeds; HTML pages of 2-3 blocks
#: level or better revised, so an HTML page keeps its first pass only when it is one block. As in
#: jusText, where there is little around a block to revise it by, its own class stands.
FEW_BLOCKS: Mapping[str, int] = MappingProxyType({"text": 4, "html": 1})
#: A block pass 1 gives at least this `ad` score keeps pass 1's scores (an advert), whatever its
#: neighbours are. The revision pass reads a block mostly by its context and turns confident
#: first-pass adverts among teasers or footer links into boilerplate, while on the held-back
#: corpora a first-pass ad score above 0.9 was right 668 times in 669. Measured on the final
#: scores of held-out fold models (`bench/posthoc_rules.py ... adfloor:T`, README "Evaluation"):
#: at 0.8 real pages held out by site level (ads kept 8.3 -> 8.0) and ad recall up or level on
#: every seed-like set at the same precision; 0.7 also caught two adverts of our seed-like pages
#: (pass 1: 0.72, 0.78) but made a long forum post with shopping words an advert.
SURE_AD = 0.8
_AD = LABELS.index("ad")
#: The revision pass calls a block an advert only when pass 1 gave that block, its card mates
#: (``card:ad``) or its list siblings (``siblings:ad``) an ad score of at least this; otherwise
#: the block's next label wins. labels.md defines an advert by what it sells: its words, or for
#: a card's date or user line, its card's. Pass 2's tree-position features alone turned whole
#: comment sections into adverts (a 163.com film board: pass 1 comment 0.5-0.95, ad < 0.1;
#: pass 2 ad 0.6-0.9 from "after the main container, in a comment region"). Measured on the
#: final scores of held-out fold models (`bench/posthoc_rules.py ... adsib:T`, README
#: "Evaluation"), means over four fold seeds: ad precision 0.343 -> 0.389, recall 0.274 ->
#: 0.259, macro-F1 0.669 -> 0.671, site-mean 0.681 -> 0.687; seed-like pages' ad precision
#: 0.927 -> 0.949. At 0.3 recall fell further for no gain.
AD_EVIDENCE = 0.2
_SIBLINGS_AD = CONTEXT_FEATURE_NAMES.index("siblings:ad")
_CARD_AD = CONTEXT_FEATURE_NAMES.index("card:ad")  # card columns follow the base ones


def _founded_ads(p2: np.ndarray, p1: np.ndarray, ctx: np.ndarray, *, cards: bool) -> np.ndarray:
    """`p2` with the ad score of every block it names an advert without first-pass evidence
    (`AD_EVIDENCE`) set to 0 and the row renormalised, so that its next label wins (a row
    with nothing left, where pass 2 put all its weight on ad, takes pass 1's other scores:
    with so little ad evidence they hold most of pass 1's weight)."""
    evidence = np.maximum(p1[:, _AD], ctx[:, _SIBLINGS_AD])
    if cards:
        evidence = np.maximum(evidence, ctx[:, _CARD_AD])
    unfounded = (p2.argmax(axis=1) == _AD) & (evidence < AD_EVIDENCE)
    if unfounded.any():
        p2 = p2.copy()
        p2[unfounded, _AD] = 0.0
        empty = unfounded & (p2.sum(axis=1) <= 0.0)
        p2[empty] = p1[empty]
        p2[empty, _AD] = 0.0
        p2[unfounded] /= p2[unfounded].sum(axis=1, keepdims=True)
    return p2


#: Whether a new model's pass 2 reads the card features (cards.py).
DEFAULT_CARDS = True
#: How many times an `ad` block weighs in the revision pass's fit. Ads are few in training, and
#: at 1 the model was cautious with them on every set of seed-like pages (ad precision 0.92-1.00,
#: recall 0.57-0.91). 1.5 moved recall up and precision down on each, real pages held out by site
#: level (README, "Evaluation"): a choice of operating point, not a better ranking.
DEFAULT_AD_WEIGHT = 1.5


def _versions() -> dict[str, str]:
    import joblib
    import scipy
    import sklearn

    from . import __version__

    out = {
        "python": platform.python_version(),
        "pagesieve": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
    for name in ("jieba", "rjieba"):
        try:
            from importlib.metadata import version

            out[name] = version(name)
        except Exception:
            pass
    return out


@dataclass(frozen=True, slots=True)
class _Fitted:
    pass1: Any
    pass2: Any


class PageModel:
    """Labels every block of a page. Settings in ``__init__``, learning in ``fit``.

    `predict_proba(page)` gives an ``(n_blocks, 5)`` array over `LABELS`; `label_page(page)` gives
    a `Label` (name, score, all scores, why) per block.
    """

    def __init__(
        self,
        *,
        alpha_words: float = 2e-6,
        c_context: float = 1.0,
        min_df: int = 2,
        max_features: int = 300_000,
        n_folds: int = 4,
        random_state: int = 0,
        max_block_chars: int = DEFAULT_LIMITS.max_block_chars,
        region: bool = DEFAULT_REGION,
        words_weight: float = 1.0,
        layout_min_sites: int = 1,
        cards: bool = DEFAULT_CARDS,
        ad_weight: float = DEFAULT_AD_WEIGHT,
    ) -> None:
        self.alpha_words = alpha_words
        self.c_context = c_context
        self.min_df = min_df
        self.max_features = max_features
        self.n_folds = n_folds
        self.random_state = random_state
        self.max_block_chars = max_block_chars
        #: Pass 2 also reads where each block sits in the page's tree (region.py).
        self.region = region
        #: Pass 1 learns on word columns scaled by this (layout columns by 1), so words are
        #: regularised less than layout; the scale is folded into the weights after fitting.
        #: Held out by site (with class words as families only), 3 gave +0.01 pooled macro-F1
        #: but -0.02 site-mean macro-F1 and lower forum ROUGE over two fold seeds: default 1.
        self.words_weight = words_weight
        #: Pass 1 learns a layout token only if blocks of at least this many training sites
        #: (`groups`) carry it; rarer ones get weight 0. A token seen on a handful of real sites
        #: learns their layout, not a rule (`a:p` on 7 hosts weighed +16 towards content).
        #: Synthetic families count as sites, one host each. Held out by site over three fold
        #: seeds, 10 gave site-mean macro-F1 +0.011 but macro-F1 -0.005 and forums -0.048
        #: (README, "Evaluation"): default 1, every token learnt.
        self.layout_min_sites = layout_min_sites
        #: Pass 2 also reads the first-pass scores of the other blocks of each block's card
        #: (cards.py: a teaser card's title, snippet and date; a comment's user line and text).
        self.cards = cards
        #: The revision pass weighs `ad` blocks this many times in its fit (a class weight):
        #: higher trades ad precision for ad recall.
        self.ad_weight = ad_weight
        self._fitted: _Fitted | None = None
        #: Both passes as plain arrays (compiled.py): what predictions use when present.
        self._compiled: CompiledModel | None = None
        #: (model file, its sha256) when loaded from the compiled cache: the pickle is then
        #: read only if something asks for the scikit-learn objects (`fitted`).
        self._source: tuple[Path, str] | None = None
        self._names: np.ndarray | None = None
        self._coefs: tuple[np.ndarray, np.ndarray] | None = None
        #: (feature names, their `_reason_groups`), for the names last explained with.
        self._groups: tuple[np.ndarray, np.ndarray] | None = None
        #: The manifest the model was loaded with (empty for a model fitted in this process).
        self.manifest: dict[str, Any] = {}

    # -- building the estimators -------------------------------------------------------------
    def _make_features(self) -> Any:
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        words = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
            ngram_range=(1, 2),
            dtype=np.float32,
        )
        layout = CountVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            binary=True,
            min_df=self.min_df,
            dtype=np.float32,
        )
        return ColumnTransformer([("words", words, 0), ("layout", layout, 1)])

    def _make_pass1_clf(self) -> Any:
        from sklearn.linear_model import SGDClassifier

        # Logistic loss by SGD: the same linear model as LogisticRegression, ~3x faster to fit
        # on 100k+ blocks; its probabilities feed pass 2, which is calibrated.
        return SGDClassifier(
            loss="log_loss",
            alpha=self.alpha_words,
            max_iter=30,
            tol=1e-4,
            random_state=self.random_state,
        )

    def _make_pass2(self, classes: np.ndarray) -> Any:
        """The revision pass for training labels `classes` (label indices).

        `ad_weight` applies when every label occurs: the calibration's cross-validation hands
        the regression labels re-encoded as 0..k-1, its final fit the indices themselves, and
        only with all labels present do the two agree on which class is `ad`."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        ad = LABELS.index("ad")
        weighted = self.ad_weight != 1.0 and len(classes) == len(LABELS)
        # Context features are already on a [-1, 1] scale (revise.py), so no scaler is needed
        # and sample weights reach the regression directly.
        base = LogisticRegression(
            C=self.c_context, max_iter=1000, tol=1e-4, random_state=self.random_state,
            class_weight={ad: self.ad_weight} if weighted else None,
        )
        # Temperature scaling (one factor on all the regression's logits) calibrates the scores
        # and keeps its ranking of the labels; per-label sigmoids (the earlier choice) could
        # reorder two near-tied labels: they turned the seed page's last teaser card (regression:
        # related 2.67, comment 2.51) into a comment. Held out by site, the two were level.
        return CalibratedClassifierCV(base, method="temperature", cv=3, ensemble=False)

    # -- learning --------------------------------------------------------------------------
    def featurize(self, page: Page, *, max_block_chars: int | None = None) -> np.ndarray:
        """Block features; `max_block_chars` (a `Limits` value) overrides the model's own cap."""
        cap = self.max_block_chars if max_block_chars is None else max_block_chars
        return page_features(page, max_block_chars=cap)

    def fit(
        self,
        pages: Sequence[Page],
        labels: Sequence[Sequence[str]],
        *,
        weights: Sequence[Sequence[float]] | None = None,
        groups: Sequence[str] | None = None,
        features: Sequence[np.ndarray] | None = None,
        progress: Any = None,
    ) -> PageModel:
        """Fit both passes. `groups` (one per page, e.g. the host) keeps folds site-disjoint.

        BLAS runs on one thread meanwhile: the revision pass's solver takes its sums from
        BLAS, whose threads split them by core count, and the last bits they change steer the
        fit, so a file trained on another machine (or under ``OMP_NUM_THREADS=1``) differed."""
        from threadpoolctl import threadpool_limits

        _check_fit_inputs(pages, labels, weights, groups, features)
        with threadpool_limits(limits=1):
            return self._fit(pages, labels, weights=weights, groups=groups, features=features,
                             progress=progress)

    def _fit(
        self,
        pages: Sequence[Page],
        labels: Sequence[Sequence[str]],
        *,
        weights: Sequence[Sequence[float]] | None,
        groups: Sequence[str] | None,
        features: Sequence[np.ndarray] | None,
        progress: Any,
    ) -> PageModel:
        from sklearn.base import clone
        from sklearn.model_selection import GroupKFold

        feats = list(features) if features is not None else [self.featurize(p) for p in pages]
        index: dict[str, int] = {lab: i for i, lab in enumerate(LABELS)}
        y_pages = [np.array([index[lab] for lab in labs], dtype=np.int64) for labs in labels]
        w_pages = (
            [np.asarray(w, dtype=float) for w in weights]
            if weights is not None
            else [np.ones(len(f)) for f in feats]
        )
        page_groups = list(groups) if groups is not None else [str(i) for i in range(len(pages))]
        X = np.vstack([f for f in feats if len(f)])
        y = np.concatenate(y_pages)
        w = np.concatenate(w_pages)
        row_page = np.concatenate([np.full(len(f), i) for i, f in enumerate(feats)])

        from sklearn.pipeline import Pipeline

        # The vectorizers are fitted once on all blocks (vocabulary and IDF only); the pass-1
        # classifier is refitted per fold, so the out-of-fold probabilities pass 2 learns from
        # come from a classifier that never saw those hosts' labels.
        if progress:
            progress(f"vectorizing {len(y)} blocks")
        vectorizer = self._make_features()
        Xt = vectorizer.fit_transform(X)
        row_groups = np.array([page_groups[i] for i in row_page])
        scale = self._column_scale(vectorizer, Xt, row_groups)
        Xs = Xt.multiply(scale.astype(Xt.dtype)).tocsr() if scale is not None else Xt
        oof = np.zeros((len(y), len(LABELS)))
        n_groups = len(set(page_groups))
        folds = min(self.n_folds, n_groups)
        if folds >= 2:
            for k, (tr, te) in enumerate(GroupKFold(n_splits=folds).split(Xt, y, row_groups)):
                if progress:
                    progress(f"pass 1, fold {k + 1}/{folds}")
                est = clone(self._make_pass1_clf()).fit(Xs[tr], y[tr], sample_weight=w[tr])
                oof[te] = self._proba_full(est, Xs[te])
        if progress:
            progress("pass 1, all data")
        clf = self._make_pass1_clf().fit(Xs, y, sample_weight=w)
        if scale is not None:  # the same predictions from unscaled features
            clf.coef_ = clf.coef_ * scale.astype(clf.coef_.dtype)
        pass1 = Pipeline([("features", vectorizer), ("clf", clf)])
        if folds < 2:
            oof = self._proba_full(clf, Xt)
        ctx = []
        for i, page in enumerate(pages):
            rows = row_page == i
            ctx.append(context_matrix(oof[rows], page, region=self.region, cards=self.cards))
        C = np.vstack([c for c in ctx if len(c)])
        if progress:
            progress("pass 2 (context, calibrated)")
        pass2 = self._make_pass2(np.unique(y)).fit(C, y, sample_weight=w)
        self._fitted = _Fitted(pass1, pass2)
        self._compiled = compile_pipeline(pass1, pass2, len(LABELS), self.get_params())
        self._names = None
        self._coefs = None
        return self

    def _column_scale(self, vectorizer: Any, Xt: Any, row_groups: np.ndarray) -> np.ndarray | None:
        """Per-column factors for pass 1's features, or None: `words_weight` on the words, 0 on
        layout tokens seen on fewer than `layout_min_sites` sites."""
        if self.words_weight == 1.0 and self.layout_min_sites <= 1:
            return None
        scale = np.ones(Xt.shape[1])
        scale[vectorizer.output_indices_["words"]] = self.words_weight
        if self.layout_min_sites > 1:
            from scipy import sparse

            cols = vectorizer.output_indices_["layout"]
            _, site = np.unique(row_groups, return_inverse=True)
            n = len(site)
            by_site = sparse.csr_matrix((np.ones(n), (site, np.arange(n))),
                                        shape=(site.max() + 1, n))
            seen = (by_site @ (Xt[:, cols] != 0).astype(np.float64)) > 0
            n_sites = np.asarray(seen.sum(axis=0)).ravel()
            scale[np.arange(Xt.shape[1])[cols][n_sites < self.layout_min_sites]] = 0.0
        return scale

    @staticmethod
    def _proba_full(est: Any, X: Any) -> np.ndarray:
        """Probabilities over all five labels even if a fold lacked one."""
        n = X.shape[0]
        out = np.zeros((n, len(LABELS)))
        if n:
            out[:, est.classes_] = est.predict_proba(X)
        return out

    # -- predicting -----------------------------------------------------------------------
    @property
    def fitted(self) -> _Fitted:
        """The scikit-learn objects (read from the model file on first use after a load from
        the compiled cache)."""
        if self._fitted is None:
            if self._source is None:
                raise ModelError("the model is not fitted")
            path, digest = self._source
            _, pass1, pass2 = _read_payload(_read_checked(path, digest), path)
            self._fitted = _Fitted(pass1, pass2)
        return self._fitted

    def warm(self, *, explain: bool = True) -> PageModel:
        """Build the lookup tables the first page would build (the batch fork server calls
        this, so the workers it forks share them instead of each building its own), the
        Traditional-character table of script.py included, and with `explain` what `why`
        needs (coefficients per label, feature names and their kinds: ~0.08 s for a model of
        254k columns; the batch runner, which writes no reasons, leaves them out)."""
        if self._compiled is not None:
            self._compiled.warm()
            if explain:
                self._reason_groups(self._explain_weights()[2])
        script_warm()
        return self

    @property
    def compiled(self) -> CompiledModel | None:
        """The array form predictions use, or None (then scikit-learn is called)."""
        return self._compiled

    def feature_names(self) -> np.ndarray:
        """Pass-1 column names (``words__…``, ``layout__…``), built on first use."""
        if self._names is None:
            if self._compiled is not None:
                names: Any = self._compiled.feature_names()
            else:
                names = self.fitted.pass1.named_steps["features"].get_feature_names_out()
            self._names = np.asarray(names, dtype=object)
        return self._names

    # The four hooks below are all prediction needs from the fitted estimators; an exported
    # model (export.py) overrides them and reuses everything else.
    def vectorizers(self) -> tuple[Any, Any]:
        """The fitted (words, layout) vectorizers."""
        ct = self.fitted.pass1.named_steps["features"]
        return ct.named_transformers_["words"], ct.named_transformers_["layout"]

    def _pass1_proba(self, X: Any) -> np.ndarray:
        return self._proba_full(self.fitted.pass1.named_steps["clf"], X)

    def _pass2_proba(self, ctx: np.ndarray) -> np.ndarray:
        return self._proba_full(self.fitted.pass2, ctx)

    def _explain_weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-label pass-1 and pass-2 coefficients (zero rows for absent labels), feature names.

        The coefficients are built once per model (10 MB: not per page)."""
        if self._coefs is None:
            self._coefs = self._coefficients()
        coef, ccoef = self._coefs
        return coef, ccoef, self.feature_names()

    def _coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        c = self._compiled
        if c is not None:
            coef = np.zeros((len(LABELS), c.n_features))
            coef[c.arrays["classes1"]] = c.arrays["coef1_t"].T
            ccoef = np.zeros((len(LABELS), c.arrays["coef2"].shape[1]))
            ccoef[c.arrays["classes2"]] = c.arrays["coef2"]
            return coef, ccoef
        f = self.fitted
        clf = f.pass1.named_steps["clf"]
        coef = np.zeros((len(LABELS), clf.coef_.shape[1]))
        coef[clf.classes_] = clf.coef_ if clf.coef_.shape[0] == len(clf.classes_) else 0
        cclf = f.pass2.calibrated_classifiers_[0].estimator
        ccoef = np.zeros((len(LABELS), cclf.coef_.shape[1]))
        ccoef[cclf.classes_] = cclf.coef_
        return coef, ccoef

    def pass1_matrix(self, feats: np.ndarray) -> Any:
        """Pass-1 feature matrix: the fitted vectorizers called directly (the reference
        the compiled path is tested against).

        Same columns as the pipeline's ColumnTransformer (words, then layout), without its
        per-call validation overhead, which dominated small pages.
        """
        from scipy import sparse

        words_vec, layout_vec = self.vectorizers()
        words = words_vec.transform(feats[:, 0])
        layout = layout_vec.transform(feats[:, 1])
        return sparse.hstack([words, layout], format="csr")

    def first_pass_proba(self, feats: np.ndarray) -> np.ndarray:
        if len(feats) == 0:
            return np.zeros((0, len(LABELS)))
        return self._pass1_proba(self.pass1_matrix(feats))

    def _both_passes(self, page: Page, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The revision pass's features and its probabilities for a non-empty page."""
        return self._revise(self.first_pass_proba(feats), page, self._pass2_proba)

    def _revise(self, p1: np.ndarray, page: Page, pass2: Any) -> tuple[np.ndarray, np.ndarray]:
        """Context features and final probabilities from the first pass's; `pass2` maps the
        former to the latter. A page of at most `FEW_BLOCKS` blocks (of its kind) keeps its
        first-pass scores, and no context column counts for it (none is given as a reason); so
        does a block whose first-pass ad score is at least `SURE_AD`. An advert pass 2 names
        without first-pass evidence (`AD_EVIDENCE`) takes its next label."""
        if len(p1) <= FEW_BLOCKS[page.kind]:
            width = len(context_feature_names(region=self.region, cards=self.cards))
            return np.zeros((len(p1), width)), p1
        ctx = context_matrix(p1, page, region=self.region, cards=self.cards)
        p2 = _founded_ads(pass2(ctx), p1, ctx, cards=self.cards)
        sure = p1[:, _AD] >= SURE_AD
        if sure.any():  # its own words decided it: no context column is a reason either
            p2[sure] = p1[sure]
            ctx[sure] = 0.0
        return ctx, p2

    def _compiled_passes(
        self, c: CompiledModel, page: Page, max_block_chars: int | None = None
    ) -> tuple[Csr, np.ndarray, np.ndarray]:
        """Pass-1 matrix, context features and probabilities, without scikit-learn."""
        cap = self.max_block_chars if max_block_chars is None else max_block_chars
        words, layout = page_tokens(page, max_block_chars=cap)
        X = c.pass1_matrix(words, layout)
        return (X, *self._revise(c.pass1_proba(X), page, c.pass2_proba))

    def predict_proba(self, page: Page, feats: np.ndarray | None = None) -> np.ndarray:
        """Pass-2 probabilities (pass 1's on a page of `FEW_BLOCKS` blocks or fewer, and for a
        block pass 1 scores as an advert at `SURE_AD` or more); given `feats` (`featurize`),
        through scikit-learn."""
        if not page.blocks:
            return np.zeros((0, len(LABELS)))
        if feats is None and self._compiled is not None:
            return self._compiled_passes(self._compiled, page)[2]
        feats = self.featurize(page) if feats is None else feats
        return self._both_passes(page, feats)[1]

    def label_page(
        self, page: Page, *, explain: bool = True, max_block_chars: int | None = None
    ) -> tuple[Label, ...]:
        if not page.blocks:
            return ()
        why: list[tuple[str, ...]] = [()] * len(page.blocks)
        c = self._compiled
        if c is not None:
            X, ctx, p2 = self._compiled_passes(c, page, max_block_chars)
            chosen = p2.argmax(axis=1)  # each row's first maximum is its label
            if explain:
                coef, ccoef, names = self._explain_weights()
                why = self._explain_rows(X.data, X.indices, X.indptr, coef, ctx, ccoef,
                                         chosen, names)
        else:
            feats = self.featurize(page, max_block_chars=max_block_chars)
            ctx, p2 = self._both_passes(page, feats)
            chosen = p2.argmax(axis=1)
            if explain:
                why = self._explain(feats, ctx, chosen)
        # Python floats in one go (tolist)
        return make_labels(p2.tolist(), chosen.tolist(), why)

    # -- explaining -----------------------------------------------------------------------
    def _explain(
        self, feats: np.ndarray, ctx: np.ndarray, chosen: np.ndarray, top: int = 4
    ) -> list[tuple[str, ...]]:
        """Per block: the pass-1 features and the context facts that pushed it to its label."""
        X = self.pass1_matrix(feats)
        coef, ccoef, names = self._explain_weights()
        return self._explain_rows(X.data, X.indices, X.indptr, coef, ctx, ccoef, chosen, names, top)

    def _reason_groups(self, feature_names: np.ndarray) -> np.ndarray:
        """Per feature column: 0 a word (``words__``), 1 a layout fact (``layout__``), 2 neither
        (never a reason). Built once per names array, not per page."""
        if self._groups is None or self._groups[0] is not feature_names:
            c = self._compiled
            if c is not None and feature_names is self._names and len(feature_names) == (
                c.n_features
            ):
                # `CompiledModel.feature_names`: every word column, then every layout column
                words = len(c.words_terms)
                groups = np.ones(c.n_features, dtype=np.int8)
                groups[:words] = 0
                self._groups = (feature_names, groups)
                return groups
            (words_prefix, _), (layout_prefix, _) = _REASON_KINDS
            groups = np.fromiter(
                (0 if n.startswith(words_prefix) else 1 if n.startswith(layout_prefix) else 2
                 for n in map(str, feature_names)),
                dtype=np.int8, count=len(feature_names),
            )
            self._groups = (feature_names, groups)
        return self._groups[1]

    def _explain_rows(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        coef: np.ndarray,
        ctx: np.ndarray,
        ccoef: np.ndarray,
        chosen: np.ndarray,
        feature_names: np.ndarray,
        top: int = 4,
    ) -> list[tuple[str, ...]]:
        """`_explain` over a CSR matrix's arrays (either path builds the same ones).

        The products, the context scores and their order are computed for all rows at once.
        Of each row's positive word and layout features, only those that can be among its
        `top` // 2 strongest of their kind (`_at_least_kth`: ties at the cut are kept and
        settled by name, as before) are named and sorted in Python."""
        n = len(indptr) - 1
        k = top // 2
        rows = np.repeat(np.arange(n), np.diff(indptr))
        contrib = data * coef[chosen[rows], indices]
        # only the features that pushed towards the label can be reasons
        pos = np.flatnonzero(contrib > 0)
        group = self._reason_groups(feature_names)[indices[pos]]
        # per kind (words, layout): values, shown names and row bounds of the kept candidates.
        # "word x" / "layout x" sort as "words__x" / "layout__x" do (within a kind the prefix
        # is common; across kinds "l" < "w" in both), so the names are shown before sorting.
        kinds: list[tuple[list[float], list[str], list[int]]] = []
        for g, (raw, shown) in enumerate(_REASON_KINDS):
            kept = pos[group == g]  # row after row (CSR order)
            kept = kept[_at_least_kth(rows[kept], contrib[kept], k)]
            cut = len(raw)
            kinds.append((
                contrib[kept].tolist(),
                [shown + str(name)[cut:] for name in feature_names[indices[kept]].tolist()],
                np.searchsorted(rows[kept], np.arange(n + 1)).tolist(),
            ))
        # the two strongest context facts of each row, kept where they weigh > 0.5 and are not
        # the block's own first-pass scores
        cc = ctx * ccoef[chosen]
        best = np.argsort(-cc, axis=1)[:, :2]
        reasons, reason_ok = _context_reasons(self.region, self.cards)
        shows = (np.take_along_axis(cc, best, axis=1) > 0.5) & reason_ok[best]
        context: dict[int, list[str]] = {}
        for i, j in zip(*np.nonzero(shows), strict=True):
            context.setdefault(int(i), []).append(reasons[best[i, j]])
        out: list[tuple[str, ...]] = []
        for i in range(n):
            # The strongest words and the strongest layout facts, half of `top` each, so a
            # moderator sees what the text says as well as where it sits.
            picked: list[tuple[float, str]] = []
            for values, names, bounds in kinds:
                lo, hi = bounds[i], bounds[i + 1]
                if hi - lo <= k:
                    picked.extend(zip(values[lo:hi], names[lo:hi], strict=True))
                else:
                    picked.extend(
                        sorted(zip(values[lo:hi], names[lo:hi], strict=True), reverse=True)[:k]
                    )
            picked.sort(reverse=True)
            reasons = [name for _, name in picked]
            if i in context:
                reasons.extend(context[i])
            out.append(tuple(reasons))
        return out

    # -- saving and loading ---------------------------------------------------------------
    def save(self, path: Path, *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Write the joblib file and its manifest (sha256, versions, params, `extra`)."""
        import joblib

        path = Path(path)
        check_save_path(path)
        f = self.fitted
        _drop_object_ids(f.pass1)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": FORMAT_VERSION,
            "labels": list(LABELS),
            "params": self.get_params(),
            "pass1": f.pass1,
            "pass2": f.pass2,
        }
        tmp = path.with_suffix(".tmp")
        joblib.dump(payload, tmp, compress=3)
        os.replace(tmp, path)
        manifest: dict[str, Any] = {
            "model_file": path.name,
            "sha256": sha256_file(path),
            "format": FORMAT_VERSION,
            "serialization": "joblib",
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "params": self.get_params(),
            "labels": list(LABELS),
        }
        params = self.get_params()
        fast = self._compiled
        if fast is None or fast.params != params:  # e.g. loaded from a file saved before a setting
            fast = compile_pipeline(f.pass1, f.pass2, len(LABELS), params)
        if fast is not None:
            # what a later load checks the compiled cache against (the cache is not in models/)
            manifest["compiled_sha256"] = fast.content_sha256()
        manifest.update(extra or {})
        manifest_path(path).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return manifest

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The settings given to `__init__` (scikit-learn's contract: `sklearn.base.clone`
        builds an unfitted copy from them; `deep` changes nothing, no setting is an
        estimator)."""
        return {
            "alpha_words": self.alpha_words,
            "c_context": self.c_context,
            "min_df": self.min_df,
            "max_features": self.max_features,
            "n_folds": self.n_folds,
            "random_state": self.random_state,
            "max_block_chars": self.max_block_chars,
            "region": self.region,
            "cards": self.cards,
            "ad_weight": self.ad_weight,
            "words_weight": self.words_weight,
            "layout_min_sites": self.layout_min_sites,
        }

    def set_params(self, **params: Any) -> PageModel:
        """Change settings by name, as scikit-learn's `set_params`; a fitted model keeps what
        it learnt until the next `fit`."""
        known = self.get_params()
        bad = sorted(set(params) - set(known))
        if bad:
            raise ValueError(f"unknown setting(s) {', '.join(bad)}; settings are "
                             f"{', '.join(known)}")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    @classmethod
    def load(cls, path: Path, *, compiled: bool = True) -> PageModel:
        """Load a model after checking its manifest, sha256 and library versions.

        The file is read once; the bytes hashed are the bytes deserialized (no window to swap the
        file in between). A joblib file is unpickled with an allow-list (`safe_pickle`), a .skops
        or .onnx export goes through `export.load_exported`. A joblib model's arrays also go to
        a cache (compiled.py) that later loads read instead, if its content hash is the one the
        manifest records. ``compiled=False`` (or ``PAGESIEVE_COMPILED=0``) predicts through the
        scikit-learn objects, the reference path.
        """
        path = Path(path)
        manifest = read_manifest(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"model file {path} is unreadable: {exc}") from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != manifest.get("sha256"):
            raise ModelError(
                f"model file {path} does not match its manifest (sha256 {digest[:12]}… "
                f"!= {str(manifest.get('sha256'))[:12]}…); refusing to unpickle it"
            )
        kind = SERIALIZATIONS[path.suffix]
        if kind != "joblib":
            from .export import load_exported

            return load_exported(data, path, manifest)
        check_sklearn_version(manifest, path)
        use_compiled = compiled and os.environ.get("PAGESIEVE_COMPILED", "1") != "0"
        want_compiled = manifest.get("compiled_sha256")
        cpath = compiled_cache_path(path, digest)
        if use_compiled and want_compiled:
            fast = CompiledModel.load(cpath)
            # The cache sits outside the model's folder: trust it only if its content is what
            # the (hash-checked) model's manifest says the compiled arrays are.
            if fast is not None and fast.content_sha256() == want_compiled:
                model = cls(**_with_defaults(fast.params))
                model._compiled = fast
                model._source = (path, digest)
                model.manifest = manifest
                return model
        params, pass1, pass2 = _read_payload(data, path)
        model = cls.from_estimators(params, pass1, pass2, manifest)
        if not (use_compiled or want_compiled):
            return model  # neither predicting from the arrays nor caching them
        # the params as saved: a setting added since (its default filled in by `_with_defaults`
        # or `__init__`) must not change the arrays' hash the manifest recorded
        fast = compile_pipeline(model.fitted.pass1, model.fitted.pass2, len(LABELS),
                                dict(params))
        if fast is not None:
            if want_compiled and fast.content_sha256() == want_compiled:
                with contextlib.suppress(OSError):  # a read-only cache: compile again next time
                    fast.save(cpath)
                    _prune_cache(cpath.parent, keep=_CACHE_KEEP)
            if use_compiled:
                model._compiled = fast
        return model

    @classmethod
    def from_estimators(
        cls, params: Mapping[str, Any], pass1: Any, pass2: Any, manifest: Mapping[str, Any]
    ) -> PageModel:
        """A model from its fitted pass-1 pipeline and pass-2 classifier (joblib and skops)."""
        model = cls(**_with_defaults(params))
        check_vectorizers(
            [est for _, est, _ in pass1.named_steps["features"].transformers_ if est != "drop"]
        )
        model._fitted = _Fitted(pass1, pass2)
        model.manifest = dict(manifest)
        return model


def _with_defaults(params: Mapping[str, Any]) -> dict[str, Any]:
    """A saved model's params, with what models saved before a setting existed were fitted with
    (a file without ``region`` was fitted without the region features, one without
    ``layout_min_sites`` learnt every layout token, one without ``ad_weight`` weighed ads as
    any block)."""
    return {"region": False, "layout_min_sites": 1, "cards": False, "ad_weight": 1.0, **params}


def _read_payload(data: bytes, path: Path) -> tuple[dict[str, Any], Any, Any]:
    """Params and both passes from a joblib file's (hash-checked) bytes, allow-list unpickled."""
    from .safe_pickle import load_joblib_bytes

    try:
        payload = load_joblib_bytes(data)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"model file {path} could not be loaded: {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ModelError(f"model file {path} is not a pagesieve model (format mismatch)")
    return payload["params"], payload["pass1"], payload["pass2"]


def check_save_path(path: Path) -> None:
    """`ValueError` unless `path` names a file `PageModel.save` may write: a .joblib (any other
    name would load as nothing, or its manifest would break another model's). `train` checks
    it before training too."""
    if path.suffix != ".joblib":
        raise ValueError(f"a model file must end in .joblib, not {path.name!r}: models are "
                         "saved as .joblib (`pagesieve model export` writes .skops and .onnx)")


def _check_fit_inputs(
    pages: Sequence[Page],
    labels: Sequence[Sequence[str]],
    weights: Sequence[Sequence[float]] | None,
    groups: Sequence[str] | None,
    features: Sequence[np.ndarray] | None,
) -> None:
    """`ValueError` naming what does not line up: a page's labels (or weights) one short or
    one over would shift every label after it onto the wrong block without a word."""
    n = len(pages)
    if n == 0:
        raise ValueError("fit needs at least one page")
    for name, seq in (("labels", labels), ("weights", weights), ("groups", groups),
                      ("features", features)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} pages (one per page)")
    for i, page in enumerate(pages):
        blocks = len(page.blocks)
        if len(labels[i]) != blocks:
            raise ValueError(f"page {i} ({page.source or 'no source'}) has {blocks} blocks but "
                             f"{len(labels[i])} labels")
        bad = sorted(set(labels[i]) - set(LABELS))
        if bad:
            raise ValueError(f"page {i}: unknown label(s) {', '.join(map(repr, bad))}; labels "
                             f"are {', '.join(LABELS)}")
        if weights is not None and len(weights[i]) != blocks:
            raise ValueError(f"page {i} has {blocks} blocks but {len(weights[i])} weights")


def _read_checked(path: Path, digest: str) -> bytes:
    """The model file's bytes, if they still have the sha256 checked at load time."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ModelError(f"model file {path} changed since it was checked; reload it")
    return data


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the model at `path`, after the checks on where the model comes from.

    A model loads only from the path it was asked for: the file and its manifest must be regular
    files (not symlinks, which would load whatever they point to today), and the manifest must
    name this very file (``model_file``) and its serialization.
    """
    if path.suffix not in SERIALIZATIONS:
        raise ModelError(
            f"model file {path} must end in {', '.join(SERIALIZATIONS)} (not {path.suffix!r})"
        )
    if path.is_symlink():
        raise ModelError(f"model file {path} is a symlink; give the real path of the model")
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    mpath = manifest_path(path)
    if mpath.is_symlink():
        raise ModelError(f"model manifest {mpath} is a symlink; refusing to load {path.name}")
    if not mpath.is_file():
        raise ModelError(f"model manifest not found: {mpath} (refusing to load {path.name})")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model manifest {mpath} is unreadable: {exc}") from None
    if not isinstance(manifest, dict):
        raise ModelError(f"model manifest {mpath} is not a JSON object")
    if manifest.get("model_file") != path.name:
        raise ModelError(
            f"model manifest {mpath} describes {manifest.get('model_file')!r}, not {path.name!r}; "
            "refusing to load it"
        )
    kind = SERIALIZATIONS[path.suffix]
    if manifest.get("serialization", "joblib") != kind:
        raise ModelError(
            f"model manifest {mpath} says {manifest.get('serialization')!r}, "
            f"the file name says {kind!r}"
        )
    return manifest


def _drop_object_ids(pass1: Any) -> None:
    """scikit-learn's vectorizers remember ``id(self.stop_words)`` (`_stop_words_id`, only to
    skip re-checking their stop words): a memory address, different in every run, which made
    every `make model` write different bytes for the same model. Dropped before pickling (a
    vectorizer sets it again when it next builds its analyzer)."""
    features = getattr(pass1, "named_steps", {}).get("features")
    for _name, transformer, _cols in getattr(features, "transformers_", ()):
        vars(transformer).pop("_stop_words_id", None)


def check_vectorizers(vectorizers: Sequence[Any]) -> None:
    """A loaded vectorizer's settings are data too: ``input="filename"`` would make block text
    name files to open, a callable analyzer would be code; refuse both."""
    for vec in vectorizers:
        if getattr(vec, "input", None) != "content" or not isinstance(
            getattr(vec, "analyzer", None), str
        ):
            raise ModelError("model has a vectorizer that reads files or runs code; refusing it")


def check_sklearn_version(manifest: Mapping[str, Any], path: Path) -> None:
    """A model pickled by another scikit-learn is an error: its internals may have moved."""
    want = manifest.get("versions", {}).get("scikit-learn")
    have = _sklearn_version()
    if want != have:
        raise ModelError(
            f"model {path.name} was trained with scikit-learn {want}, this is "
            f"{have}; retrain it (`make model`) or install scikit-learn=={want}"
        )


def _sklearn_version() -> str:
    """The installed scikit-learn's version, without importing it (seconds per process)."""
    return installed_version("scikit-learn", "sklearn")


#: Compiled models kept in the cache folder (~10 MB each); the least recently written go first.
_CACHE_KEEP = 8


def _prune_cache(folder: Path, *, keep: int) -> None:
    files = sorted(folder.glob(f"*-c{COMPILED_FORMAT}.npz"), key=lambda f: f.stat().st_mtime)
    for old in files[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def compiled_cache_path(model_path: Path, digest: str) -> Path:
    """Where the compiled form of the model with this sha256 is cached."""
    return cache_dir() / f"{model_path.stem}-{digest[:24]}-c{COMPILED_FORMAT}.npz"


def _at_least_kth(rows: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Which `values` are at least the `k`-th largest of their row (counted with repeats; all
    of a row with fewer than `k`). `rows` is non-decreasing. `k` rounds of per-row maxima: no
    sort (sorting the candidates of a page by row and value cost ~0.9M instructions)."""
    if k <= 0 or not len(values):
        return np.zeros(len(values), dtype=bool)
    starts = np.empty(len(rows), dtype=bool)
    starts[0] = True
    np.not_equal(rows[1:], rows[:-1], out=starts[1:])
    first = np.flatnonzero(starts)
    row_of = np.cumsum(starts) - 1
    need = np.full(len(first), k)  # values still to reach per row
    threshold = np.full(len(first), np.inf)
    left = values.astype(np.float64)  # a copy; taken values become -inf
    for _ in range(k):
        top = np.maximum.reduceat(left, first)
        active = (need > 0) & (top > -np.inf)
        if not active.any():
            break
        threshold[active] = top[active]
        hit = left == top[row_of]
        need -= np.add.reduceat(hit, first, dtype=np.intp)
        left[hit] = -np.inf
    return values >= threshold[row_of]


@lru_cache(maxsize=4)
def _context_reasons(region: bool, cards: bool) -> tuple[list[str], np.ndarray]:
    """Each context column's reason text, and whether it can be one (not the block's own
    scores), for a model with those parts."""
    names = context_feature_names(region=region, cards=cards)
    return ([f"context {name}" for name in names],
            np.array([not name.startswith(("self:", "log_self:")) for name in names]))


#: The kinds of pass-1 column a reason can be (`_reason_groups` numbers them in this order):
#: the column-name prefix and how a reason of that kind is spelled.
_REASON_KINDS = (("words__", "word "), ("layout__", "layout "))


_LOADING = threading.RLock()


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> PageModel:
    return PageModel.load(Path(path))


def load_model(path: str | Path | None = None) -> PageModel:
    """The model at `path` (default: `default_model_path()`), loaded once per process."""
    p = Path(path) if path is not None else default_model_path()
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise ModelError(f"model file not found: {p}") from None
    # The absolute path, not the resolved one: `PageModel.load` refuses symlinks itself.
    # One load at a time: threads making their first call at once each loaded the model (8
    # threads: 8 loads, ~0.6 GB more memory), as lru_cache does not wait for a running call.
    with _LOADING:
        return _load_cached(os.path.abspath(p), mtime)
