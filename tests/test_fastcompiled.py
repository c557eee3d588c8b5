"""_fastcompiled: the compiled token lookups give exactly numpy.fromiter over dict.get."""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip
from pagesieve import compiled


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
