"""_fastcompiled: the compiled token lookups give exactly numpy.fromiter over dict.get."""

from __future__ import annotations

import os
import random
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip
from pagesieve import compiled

#: The compiled part as imported (tests set `compiled._FAST` to None to build the reference).
_BUILT: Any = compiled._FAST


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        compiled._FAST, "lookups", "pagesieve/_fastcompiled is not built; `make install`"
    )


def reference(vocab: dict[str, int], docs: list[list[str]]) -> tuple[Any, list[str], Any]:
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    flat = [t for d in docs for t in d]
    ids = np.fromiter(map(vocab.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    return lengths, flat, ids


def assert_same(vocab: dict[str, int], docs: list[list[str]], fast: Any) -> None:
    want, got = reference(vocab, docs), fast.token_ids(vocab, docs)
    assert got[1] == want[1]
    for g, w in ((got[0], want[0]), (got[2], want[2])):
        assert g.dtype == w.dtype == np.int64 and g.shape == w.shape
        assert np.array_equal(g, w)


def test_edges(fast: Any) -> None:
    vocab = {"a": 0, "b": 7, "中文": 2**40, "": 3}
    assert_same(vocab, [], fast)
    assert_same(vocab, [[]], fast)
    assert_same(vocab, [["a", "x", "中文"], [], ["", "b", "b"]], fast)
    assert_same({}, [["a"]], fast)


def test_compiled_model_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = fast.token_ids

    class Spy:
        @staticmethod
        def token_ids(vocab: dict[str, int], docs: Any) -> Any:
            calls.append(len(docs))
            return real(vocab, docs)

    monkeypatch.setattr(compiled, "_FAST", Spy)
    assert compiled._token_ids({"a": 1}, [["a", "b"]])[2].tolist() == [1, -1]
    assert calls == [1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "中", "文", "x y", ""]), max_size=9),
                max_size=6),
       st.dictionaries(st.sampled_from(["a", "c", "中", "x y", ""]), st.integers(0, 2**50)))
def test_property(docs: list[list[str]], vocab: dict[str, int]) -> None:
    if compiled._FAST is None:
        pytest.skip("compiled lookups not available")
    assert_same(vocab, docs, compiled._FAST)


def test_sparse_products_equal_scipy(fast: Any) -> None:
    from scipy import sparse

    rng = np.random.default_rng(7)
    for seed in range(12):
        n, m, k = 1 + seed * 17, 400, 5
        mat = sparse.random(n, m, density=0.03, format="csr", dtype=np.float32, random_state=seed)
        mat.sort_indices()
        dense = rng.normal(size=(m, k)).astype(np.float32)
        indptr = mat.indptr.astype(np.int32)
        got = fast.csr_dot_f32(mat.data, mat.indices.astype(np.int32), indptr, dense)
        want = mat @ dense
        assert got.dtype == want.dtype == np.float32 and np.array_equal(got, want)
        sq = rng.random(mat.nnz)
        rows = sparse.csr_matrix((sq, np.zeros(mat.nnz, np.int32), indptr), shape=(n, 1))
        assert np.array_equal(fast.row_sums_f64(sq, indptr.astype(np.int64)), rows @ np.ones(1))


def test_expit_equals_scipy_bit_for_bit(fast: Any) -> None:
    from scipy.special import expit

    rng = np.random.default_rng(3)
    edges = [0.0, -0.0, 1e-30, 30.0, -30.0, 88.0, -88.0, 104.0, -104.0, 800.0, -800.0,
             np.inf, -np.inf]
    for dtype, fn in ((np.float64, fast.expit_inplace), (np.float32, fast.expit_inplace_f32)):
        x = np.concatenate([rng.normal(0, 8, 200_000), rng.normal(0, 200, 20_000), edges])
        x = x.astype(dtype)
        got = x.copy()
        fn(got)
        assert np.array_equal(got, expit(x))


def table_lookup(model: compiled.CompiledModel, docs: list[list[str]]) -> Any:
    """`table_ids` over the compiled part's table of `model`'s unigrams."""
    assert model._words_table is not None and _BUILT is not None
    return _BUILT.table_ids(*model._words_table, model._words_lines, docs)


def probes(terms: list[str]) -> list[str]:
    """The terms' unigrams and bigram parts, and near misses of them: one character more,
    one less, one changed (short words sit in the table's slot, long ones are checked against
    their bytes)."""
    words = sorted({w for t in terms for w in t.split(" ")})
    out = list(words)
    for w in words[:20_000]:
        out += [w + "的", w[:-1], w[1:], w[:-1] + chr(ord(w[-1]) + 1) if w else "x"]
    return out


def assert_same_index(got: compiled.CompiledModel, want: compiled.CompiledModel) -> None:
    """The vocabulary and bigram index `words_index` reads from the bytes are the Python
    build's from the terms, and its table finds every word as the Python dict does."""
    assert got._n_words == want._n_words and got.words_vocab == want.words_vocab
    assert want._words_table is None
    docs = [probes(want.words_terms), []]
    have = table_lookup(got, docs)
    ref = reference(want.words_vocab, docs)
    assert have[1] == ref[1]
    for g, w in ((have[0], ref[0]), (have[2], ref[2])):
        assert g.dtype == w.dtype == np.int64 and np.array_equal(g, w)
    g, w = got._bigram_index(), want._bigram_index()
    assert np.array_equal(g[0], w[0]) and np.array_equal(g[1], w[1])
    assert g[0].dtype == w[0].dtype == g[1].dtype == w[1].dtype == np.int64
    assert g[2] == w[2]
    assert got.words_terms == want.words_terms


def test_bigram_index_equals_the_python_build(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    terms = ["a", "b", "中文", "a b", "b a", "中文 a", "a x", "x y", "b 中文", "a  b", " a",
             "ab", "b ab", "ab b", "a", "ba b"]  # a repeated unigram: the last column wins
    model = compiled.CompiledModel(terms, ["k:html"], {}, {})
    from_bytes = compiled.CompiledModel("\n".join(terms).encode(), ["k:html"], {}, {})
    monkeypatch.setattr(compiled, "_FAST", None)
    want = compiled.CompiledModel(terms, ["k:html"], {}, {})
    assert_same_index(model, want)
    assert_same_index(from_bytes, want)
    assert want._bigram_index()[2] == {"a x": 6, "x y": 7, "a  b": 9, " a": 10, "ba b": 15}
    assert want.words_vocab["a"] == 14


_WORD = st.text(st.sampled_from("ab中文字𠀀é\x00"), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_WORD, st.tuples(_WORD, _WORD).map(" ".join)), max_size=40),
       st.lists(st.lists(_WORD, max_size=9), max_size=5))
def test_table_lookups_equal_the_dict(terms: list[str], docs: list[list[str]]) -> None:
    """Any vocabulary (repeated, empty, long, non-BMP terms) and any tokens: `table_ids` gives
    ``vocab.get(token, -1)`` of the dict of unigrams, in which a repeated term's last column
    wins."""
    if compiled._FAST is None:
        pytest.skip("compiled lookups not available")
    if terms == [""]:  # one empty line is no line: the cache's format cannot hold this one
        terms = []
    model = compiled.CompiledModel(terms, [], {}, {})
    vocab = {t: i for i, t in enumerate(terms) if " " not in t}
    queries = [*docs, probes(terms)]
    have, want = table_lookup(model, queries), reference(vocab, queries)
    assert have[1] == want[1]
    assert np.array_equal(have[0], want[0]) and np.array_equal(have[2], want[2])


def test_table_refuses_invalid_utf8(fast: Any) -> None:
    """A unigram that is not UTF-8 is an error, as ``bytes.decode`` makes it (a cache file
    with it is rebuilt, see `CompiledModel.load`); overlong forms and surrogates too."""
    for bad in (b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe4\xb8"):
        with pytest.raises(UnicodeDecodeError):
            fast.words_index(b"a\n" + bad + b"\nb")


def test_shipped_model_index_equals_the_python_build(
    fast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the fork server reads from the cache's bytes is what the terms give."""
    from pagesieve.model import load_model

    got = load_model().compiled
    assert got is not None and got._bigrams is not None  # read with the vocabulary
    monkeypatch.setattr(compiled, "_FAST", None)
    want = compiled.CompiledModel(list(got.words_terms), got.layout_terms, got.arrays, got.params)
    assert_same_index(got, want)
    assert got.content_sha256() == want.content_sha256()


def test_prediction_does_not_import_scipy(fast: Any, tmp_path: Path) -> None:
    """Importing scipy cost every batch run a quarter of a second; with the compiled part
    built, loading the shipped model, warming it and classifying a page must not need it."""
    import subprocess
    import sys

    demo = Path(__file__).resolve().parents[1] / "data" / "demo-page.html"
    code = (
        "import sys\n"
        "from pagesieve.classify import classify_page\n"
        "from pagesieve.model import load_model\n"
        "model = load_model()\n"
        "model.warm()\n"
        f"result = classify_page(open({str(demo)!r}, 'rb').read(), model=model)\n"
        "assert any(b.label.name == 'content' for b in result.blocks)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'sklearn')))\n"
    )
    env = {**os.environ, "PAGESIEVE_CACHE_DIR": str(tmp_path / "cache")}
    # the first load builds the cache (through scikit-learn); the second reads it like a worker
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(0, 40 * 40 - 1), max_size=300),
       st.lists(st.integers(-1, 39), max_size=200))
def test_bigram_table_equals_the_sorted_search(keys: set[int], uni: list[int]) -> None:
    if compiled._FAST is None:
        pytest.skip("compiled lookups not available")
    fast, width = compiled._FAST, 40
    k = np.array(sorted(keys), dtype=np.int64)
    cols = np.arange(len(k), dtype=np.int64) * 3 + 1
    u = np.array(uni, dtype=np.int64)
    got = fast.bigram_columns(*fast.bigram_table(k, cols), u, width)
    want = np.full(max(0, len(u) - 1), -1, dtype=np.int64)
    for i in range(len(want)):
        if u[i] >= 0 and u[i + 1] >= 0:
            hit = np.flatnonzero(k == u[i] * width + u[i + 1])
            want[i] = cols[hit[0]] if len(hit) else -1
    assert np.array_equal(got, want)


def _both(c: Any, words: list[list[str]], layout: list[list[str]]) -> tuple[Any, Any]:
    """`pass1_matrix` with the compiled CSR build and with the numpy reference."""
    got = c.pass1_matrix(words, layout)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(compiled.CompiledModel, "_pass1_fast", lambda self, w, lay: None)
        want = c.pass1_matrix(words, layout)
    return got, want


def assert_same_csr(c: Any, words: list[list[str]], layout: list[list[str]]) -> None:
    got, want = _both(c, words, layout)
    assert got.shape == want.shape
    for name in ("data", "indices", "indptr"):
        g, w = getattr(got, name), getattr(want, name)
        assert g.dtype == w.dtype and g.shape == w.shape, name
        assert np.array_equal(g, w), name


@pytest.fixture(scope="module")
def shipped() -> Any:
    from pagesieve.model import PageModel, default_model_path

    c = PageModel.load(default_model_path()).compiled
    assert c is not None
    return c


def test_pass1_csr_equals_numpy_on_token_lists(fast: Any, shipped: Any) -> None:
    """Empty page, empty rows, unknown tokens only, repeated tokens and bigrams, long rows."""
    c = shipped
    words_vocab = [t for t in c.words_terms if " " not in t][::7][:300]
    bigram_parts = [t.split(" ") for t in c.words_terms if " " in t][:100]
    layout_vocab = c.layout_terms
    assert_same_csr(c, [], [])
    assert_same_csr(c, [[]], [[]])
    assert_same_csr(c, [[], [], []], [[], [], []])
    assert_same_csr(c, [["未知词x", "zzqqxx"]], [["no-such-layout"]])
    w = words_vocab[0]
    assert_same_csr(c, [[w] * 5000, [w, w], []], [layout_vocab[:1] * 9, [], layout_vocab])
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(0, 8))
        words, layout = [], []
        for _ in range(n):
            row: list[str] = []
            for _ in range(int(rng.integers(0, 60))):
                r = rng.random()
                if r < 0.3:
                    row.extend(bigram_parts[int(rng.integers(len(bigram_parts)))])
                elif r < 0.9:
                    row.append(words_vocab[int(rng.integers(20 if r < 0.5 else len(words_vocab)))])
                else:
                    row.append("未知" + str(int(rng.integers(3))))
            words.append(row)
            layout.append([layout_vocab[int(rng.integers(len(layout_vocab)))]
                           if rng.random() < 0.9 else "?" for _ in range(int(rng.integers(6)))])
        assert_same_csr(c, words, layout)


@pytest.mark.shared
def test_pass1_csr_equals_numpy_on_real_pages(fast: Any, shipped: Any, shared_data: Path) -> None:
    from pagesieve.features import page_tokens
    from pagesieve.read import read_page

    pages = sorted((shared_data / "gne-testpages").rglob("*.html"))[:25]
    pages += sorted((shared_data / "cwced-zh" / "pages_raw").glob("*.html"))[:15]
    pages += sorted((shared_data / "gerapy-samples").rglob("*.html"))
    assert len(pages) > 30
    for p in pages:
        words, layout = page_tokens(read_page(p.read_bytes()))
        assert_same_csr(shipped, words, layout)


def test_pass1_csr_counts_beyond_the_log_table(fast: Any, shipped: Any) -> None:
    """A column counted more often than `_LOG_COUNTS` reaches: the numpy path, same matrix."""
    w = next(t for t in shipped.words_terms if " " not in t)
    n = len(compiled._LOG_COUNTS) + 1
    one, none = np.ones(1, np.int64), np.zeros(0, np.int64)
    assert fast.pass1_csr(one, one, none, shipped.arrays["idf"], compiled._LOG_COUNTS[:0],
                          one, none, 1) is None
    assert_same_csr(shipped, [[w] * n], [[]])


def test_sort_ids_sorts(fast: Any) -> None:
    """pass1_csr's sort (insertion sort, introsort past 24 columns, heapsort past its depth)
    gives `sorted` on random, sorted, reversed, equal, few-valued, organ-pipe and extreme
    columns of every length up to 80 and a few longer."""
    rng = random.Random(1)
    for n in [*range(81), 100, 257, 1000, 5000]:
        for kind in range(7):
            if kind == 0:
                a = [rng.randrange(1 << 40) for _ in range(n)]
            elif kind in (1, 2):
                a = sorted((rng.randrange(100) for _ in range(n)), reverse=kind == 2)
            elif kind == 3:
                a = [7] * n
            elif kind == 4:
                a = [rng.randrange(3) for _ in range(n)]
            elif kind == 5:
                a = list(range(n // 2)) + list(range(n // 2, 0, -1))
            else:
                a = [rng.choice([-(2**63), 2**63 - 1, -1, 0, 1]) for _ in range(n)]
            for depth in (-1, 0, 1, 3):
                v = np.array(a, dtype=np.int64)
                fast.sort_ids(v, depth)
                assert v.tolist() == sorted(a), (n, kind, depth)
