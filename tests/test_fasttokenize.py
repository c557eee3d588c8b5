"""_fasttokenize: the compiled run scan gives exactly the `_RUN` regex loop's tokens."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip
from pagesieve import tokenize as tok
from pagesieve.features import shape_word
from pagesieve.read import read_page


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        tok._FAST, "scan", "pagesieve/_fasttokenize is not built; `make install` builds it"
    )


def reference(text: str, cut: Any) -> list[str]:
    out: list[str] = []
    for m in tok._RUN.finditer(tok.normalize(text)):
        if m.lastgroup == "han":
            out.extend(cut(m.group()))
        elif m.lastgroup == "num":
            out.append(shape_word(m.group()))
        else:
            out.append(m.group())
    return out


def assert_same(text: str, fast: Any) -> None:
    cut = tok.get_segmenter()
    assert fast.scan(tok.normalize(text), shape_word, cut) == reference(text, cut)


def test_character_classes_are_the_regex_classes() -> None:
    """``\\d`` and ``\\s`` in `re` are `str.isdecimal` / `str.isspace`, for every code point."""
    digit, space = re.compile(r"\d"), re.compile(r"\s")
    for c in map(chr, range(0x110000)):
        assert bool(digit.match(c)) == c.isdecimal(), hex(ord(c))
        assert bool(space.match(c)) == c.isspace(), hex(ord(c))


TEXTS = [
    "", " \u3000\n", "O'Brien's don’t 'quoted' a'", "it''s x’", "3.14.15 1,000,000 12:30:45 99%",
    "1. 2, 3: 4.% 5%%", "٣٤٥.٦ ١٢%", "abc123def", "中文English混合123数字",
    "\u3400\u4dbf\u4e00\u9fff\uf900\ufaff\ua000", "全角ＡＢＣ１２３％", "a\u200bb",
    "😀🇨🇳 ★☆", "end.", "x-y_z", "ǅ Σ ß",
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_edge_texts(text: str, fast: Any) -> None:
    assert_same(text, fast)


def test_tokenize_shaped_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = fast.scan

    class Spy:
        nfkc_known = fast.nfkc_known

        @staticmethod
        def scan(s: str, shape: Any, cut: Any) -> list[str]:
            calls.append(s)
            return real(s, shape, cut)

    monkeypatch.setattr(tok, "_FAST", Spy)
    want = reference("中文 ABC 12", tok.get_segmenter())
    assert tok.tokenize_shaped("中文 ABC 12", shape_word) == want
    assert calls == ["中文 abc 12"]


def test_han_runs_are_cut_in_one_call(fast: Any) -> None:
    """All Han runs of a text go to the segmenter in one call, joined by newlines; the words
    are those of cutting run by run (the segmenter splits at non-Han characters first)."""
    calls: list[str] = []
    cut = tok.get_segmenter()

    def spy(s: str) -> list[str]:
        calls.append(s)
        return cut(s)

    text = "中文 ABC 世界，你好12再见。研究生命起源"
    assert fast.scan(tok.normalize(text), shape_word, spy) == reference(text, cut)
    assert calls == ["中文\n世界\n你好\n再见\n研究生命起源"]


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_one_call_gives_the_words_of_each_engine(engine: str, fast: Any) -> None:
    lib = pytest.importorskip(engine)
    cut = (lambda s: lib.lcut(s, HMM=True)) if engine == "jieba" else (lambda s: list(lib.cut(s)))
    texts = [
        *TEXTS,
        "我来到北京清华大学，他来到了网易杭研大厦。小明硕士毕业于中国科学院计算所",
        "一 二 三",
        "长江大桥\n\n南京市长",
        "结婚的和尚未结婚的 ok 工信处女干事每月经过下属科室",
    ]
    for text in texts:
        assert fast.scan(tok.normalize(text), shape_word, cut) == reference(text, cut), text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"中文字a'’b1.,:%９٣ \u3000-_|", "\u3400", "😀"]))
       | st.text(max_size=30))
def test_property_same_tokens(text: str) -> None:
    if tok._FAST is None:
        pytest.skip("compiled scan not available")
    assert_same(text, tok._FAST)


@pytest.mark.shared
def test_real_blocks(shared_data: Path, fast: Any) -> None:
    files = sorted(shared_data.glob("cwced-zh/pages/*.html"))[:80]
    if not files:
        pytest.skip("no cwced-zh pages")
    for f in files:
        for b in read_page(f.read_bytes()).blocks:
            assert_same(b.text, fast)


def nfkc_reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(tok._ZERO_WIDTH)


def test_known_nfkc_forms_are_unicodedatas(fast: Any) -> None:
    """Every character `nfkc_known` knows gets unicodedata's form (zero-width ones: ""), and
    the forms hold no character NFKC could combine with a neighbour (one with a combining
    class, or the second part of a composition), so a text's form is its characters' forms
    joined."""
    seconds = {0x1161 + i for i in range(21)} | {0x11A8 + i for i in range(27)}  # Hangul V, T
    for c in map(chr, range(0x110000)):
        parts = unicodedata.decomposition(c).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    known = 0
    for c in map(chr, range(0x10000)):
        form = fast.nfkc_known(c)
        if form is None:
            continue
        known += 1
        assert form == nfkc_reference(c), hex(ord(c))
        for o in form:
            assert unicodedata.combining(o) == 0 and ord(o) not in seconds, (hex(ord(c)), o)
    assert known > 28000


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"中文Ａ，。、：“”…—·\u3000\u00a0\u200b\u00adaZ1 ¨é\ufeff\u0301",
                                  "\uff76\uff9e", "\u1100\u1161"])).map("".join)
       | st.text(max_size=30))
def test_property_normalize_is_unicodedatas(text: str) -> None:
    assert tok.normalize(text) == nfkc_reference(text).lower()


@pytest.mark.shared
def test_real_blocks_normalize(shared_data: Path) -> None:
    for f in sorted(shared_data.rglob("*.html"))[:150]:
        for b in read_page(f.read_bytes()).blocks:
            assert tok.normalize(b.text) == nfkc_reference(b.text).lower()


def test_numbers_with_shape_word_and_with_another_shape(fast: Any) -> None:
    """shape_word's number rule is applied inside the scan (features.py registers it); any
    other shape is called as it is."""
    cut = tok.get_segmenter()
    text = "1 22 333 4444 55555 666666 7777777 8.5% ٣٤٥ 1,000.5 12:30"
    assert fast.scan(text, shape_word, cut) == [shape_word(t) for t in text.split()]
    assert fast.scan(text, str.upper, cut) == text.split()
    assert fast.scan("12 a 3%", lambda t: f"<{t}>", cut) == ["<12>", "a", "<3%>"]
