"""The compiled model (arrays, no scikit-learn) against the scikit-learn path it replaces."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from pagesieve import compiled
from pagesieve.compiled import COMPILED_FORMAT, CompiledModel, compile_pipeline
from pagesieve.features import page_tokens
from pagesieve.model import PageModel, compiled_cache_path, default_model_path, sha256_file
from pagesieve.read import read_page
from pagesieve.types import LABELS
from test_model import make_page


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGESIEVE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def fitted() -> PageModel:
    rng = random.Random(1)
    pages, labels = [], []
    for _ in range(24):
        text, labs = make_page(rng)
        pages.append(read_page(text, kind="text"))
        labels.append(labs)
    return PageModel(min_df=1, n_folds=3).fit(
        pages, labels, groups=[f"host{i % 6}" for i in range(len(pages))]
    )


def assert_same(
    ref: PageModel, fast: PageModel, page_data: bytes | str, kind: str = "auto"
) -> None:
    """Matrix equal element for element, probabilities to 1e-12, labels and reasons equal."""
    page = read_page(page_data, kind=kind)  # type: ignore[arg-type]
    if not page.blocks:
        return
    c = fast.compiled
    assert c is not None
    feats = ref.featurize(page)
    want = ref.pass1_matrix(feats)
    got = c.pass1_matrix(*page_tokens(page, max_block_chars=fast.max_block_chars))
    assert got.shape == want.shape
    assert got.data.dtype == want.data.dtype == np.float32
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)
    p1 = c.pass1_proba(got)
    assert np.abs(p1 - ref.first_pass_proba(feats)).max() <= 1e-12
    assert np.abs(fast.predict_proba(page) - ref.predict_proba(page, feats)).max() <= 1e-12
    for a, b in zip(ref.label_page(page), fast.label_page(page), strict=True):
        assert a.name == b.name and a.why == b.why
        assert abs(a.score - b.score) <= 1e-12


def test_fitted_model_compiles_and_matches_sklearn(fitted: PageModel) -> None:
    assert fitted.compiled is not None
    ref = PageModel(min_df=1, n_folds=3)
    ref._fitted = fitted._fitted  # the same estimators, predicting through scikit-learn
    for seed in range(6):
        assert_same(ref, fitted, make_page(random.Random(100 + seed))[0], kind="text")
    # words unseen in training, a block of one token, an empty-word block
    assert_same(ref, fitted, "全新词汇出现了\n\n单\n\n—\n\n市统计局 今天 发布", kind="text")


def test_bigrams_do_not_cross_blocks(fitted: PageModel) -> None:
    c = fitted.compiled
    assert c is not None
    a, b = c.words_terms[0], c.words_terms[1]
    bigram = f"{a} {b}"
    if bigram not in set(c.words_terms):  # use a vocabulary bigram instead
        a, b = next(t for t in c.words_terms if " " in t).split(" ")
    apart = c.pass1_matrix([[a], [b]], [[], []])
    together = c.pass1_matrix([[a, b], []], [[], []])
    assert apart.indptr.tolist() == [0, 1, 2]
    assert len(together.indices) == 3  # a, b and "a b"


def test_cache_roundtrip_and_lazy_pickle(fitted: PageModel, tmp_path: Path) -> None:
    path = tmp_path / "m.joblib"
    fitted.save(path)
    digest = sha256_file(path)
    cpath = compiled_cache_path(path, digest)
    assert not cpath.exists()
    first = PageModel.load(path)  # reads the pickle, writes the cache
    assert cpath.is_file() and first._fitted is not None
    second = PageModel.load(path)  # reads only the cache
    assert second._fitted is None and second.compiled is not None
    assert second.get_params() == fitted.get_params()
    page = read_page(make_page(random.Random(5))[0], kind="text")
    assert np.array_equal(second.predict_proba(page), fitted.predict_proba(page))
    assert second.fitted.pass1 is not None  # the pickle, read on demand
    ref = PageModel.load(path, compiled=False)
    assert ref.compiled is None
    assert_same(ref, second, make_page(random.Random(6))[0], kind="text")


def test_bad_cache_files_are_ignored(fitted: PageModel, tmp_path: Path) -> None:
    c = fitted.compiled
    assert c is not None
    good = tmp_path / "good.npz"
    c.save(good)
    loaded = CompiledModel.load(good)
    assert loaded is not None and loaded.words_terms == c.words_terms
    assert all(np.array_equal(loaded.arrays[k], v) for k, v in c.arrays.items())
    broken = tmp_path / "broken.npz"
    broken.write_bytes(good.read_bytes()[:1000])
    assert CompiledModel.load(broken) is None
    assert CompiledModel.load(tmp_path / "missing.npz") is None
    other = tmp_path / "other.npz"
    with np.load(good) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["format"] = np.array(-1)
    np.savez(other, **arrays)
    assert CompiledModel.load(other) is None
    # terms that are not UTF-8 (read as bytes now, decoded only where needed) are refused too
    for where in (0, len(arrays["words_terms"]) - 1):  # a unigram's bytes, a bigram's
        terms = arrays["words_terms"].copy()
        terms[where] = 0xFF
        arrays["format"] = np.array(COMPILED_FORMAT)
        np.savez(other, **{**arrays, "words_terms": terms})
        assert CompiledModel.load(other) is None


def test_tampered_cache_is_not_trusted(fitted: PageModel, tmp_path: Path) -> None:
    """The cache lives outside the model's folder: a valid but altered file is ignored, because
    its content hash is not the one in the model's (hash-checked) manifest."""
    path = tmp_path / "m.joblib"
    manifest = fitted.save(path)
    assert manifest["compiled_sha256"] == fitted.compiled.content_sha256()  # type: ignore[union-attr]
    PageModel.load(path)  # writes the cache
    cpath = compiled_cache_path(path, sha256_file(path))
    with np.load(cpath) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["intercept2"] = arrays["intercept2"] + 5.0  # pushes every block to one label
    with open(cpath, "wb") as fh:
        np.savez(fh, **arrays)
    tampered = CompiledModel.load(cpath)
    assert tampered is not None  # still a well-formed cache file
    model = PageModel.load(path)
    assert model._fitted is not None  # the pickle was read instead of the cache
    page = read_page(make_page(random.Random(7))[0], kind="text")
    assert np.array_equal(model.predict_proba(page), fitted.predict_proba(page))
    # a manifest without the hash (an older model) never reads a cache file
    mpath = path.with_name("m.manifest.json")
    import json

    data = json.loads(mpath.read_text())
    del data["compiled_sha256"]
    mpath.write_text(json.dumps(data))
    assert PageModel.load(path)._fitted is not None


def test_uncompilable_pipeline_falls_back(fitted: PageModel) -> None:
    f = fitted.fitted
    assert compile_pipeline(f.pass1, None, len(LABELS), {}) is None
    words = f.pass1.named_steps["features"].named_transformers_["words"]
    words.lowercase = True  # a setting the compiled path does not reproduce
    try:
        assert compile_pipeline(f.pass1, f.pass2, len(LABELS), {}) is None
    finally:
        words.lowercase = False


@pytest.mark.shared
def test_shipped_model_on_real_pages(shared_data: Path) -> None:
    """Every real page of the development sets: same matrix, probabilities, labels, reasons."""
    path = default_model_path()
    ref = PageModel.load(path, compiled=False)
    fast = PageModel.load(path)
    assert fast.compiled is not None
    pages = sorted((shared_data / "gne-testpages").rglob("*.html"))[:25]
    pages += sorted((shared_data / "cwced-zh" / "pages_raw").glob("*.html"))[:15]
    pages += sorted((shared_data / "gerapy-samples").rglob("*.html"))
    assert len(pages) > 30
    for p in pages:
        assert_same(ref, fast, p.read_bytes())


def test_cache_folder_stays_bounded(fitted: PageModel, tmp_path: Path) -> None:
    from pagesieve.model import _CACHE_KEEP

    path = tmp_path / "m.joblib"
    fitted.save(path)
    cache = compiled_cache_path(path, sha256_file(path)).parent
    cache.mkdir(parents=True)
    for i in range(_CACHE_KEEP + 3):  # stale entries of other models
        (cache / f"old{i}-0000-c{COMPILED_FORMAT}.npz").write_bytes(b"x")
    PageModel.load(path)
    left = sorted(f.name for f in cache.glob("*.npz"))
    assert len(left) == _CACHE_KEEP
    assert compiled_cache_path(path, sha256_file(path)).name in left


def test_bigram_columns_equal_the_string_lookup(fitted: PageModel) -> None:
    """Pairs of known unigrams go through the id-pair index, the rest through the text; both
    must give what ``vocabulary.get("a b")`` gives, including bigrams with an unknown part."""
    c = fitted.compiled
    assert c is not None
    terms = ["a", "a b", "a c", "c", "c a", "x c", "d"]  # "b" and "x" are not unigrams
    toy = CompiledModel(terms, [], dict(c.arrays), dict(c.params))
    vocab = {t: i for i, t in enumerate(terms)}
    rng = random.Random(3)
    for _ in range(50):
        flat = [rng.choice("abcdx") for _ in range(rng.randint(0, 12))]
        uni = np.array([vocab.get(t, -1) for t in flat], dtype=np.int64)
        want = [vocab.get(f"{p} {q}", -1) for p, q in pairwise(flat)]
        assert toy._bigram_columns(flat, uni).tolist() == want
    keys, _, other = toy._bigram_index()
    assert len(keys) == 2 and set(other) == {"a b", "x c"}


def test_warm_builds_the_bigram_index_up_front(fitted: PageModel, tmp_path: Path) -> None:
    path = tmp_path / "m.joblib"
    fitted.save(path)
    model = PageModel.load(path)
    assert model.compiled is not None and model.compiled._bigram_table is None
    # the compiled part reads the index with the vocabulary, the Python build waits for a use
    assert (model.compiled._bigrams is None) == (compiled._FAST is None)
    assert model.warm() is model and model.compiled._bigrams is not None
    # with the compiled part, its hash table too (what the fork server shares with workers)
    assert (model.compiled._bigram_table is not None) == (compiled._FAST is not None)
