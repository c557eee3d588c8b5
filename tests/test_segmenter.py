"""segmenter.py / _fastjieba: jieba's cut of Han runs in C gives jieba's and rjieba's words."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import compiled_or_skip
from pagesieve import segmenter, tokenize

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")  # what tokenize() feeds it


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(segmenter._FAST, "segmenter",
                            "pagesieve/_fastjieba is not built; `make install`")


@pytest.fixture(scope="module")
def seg(fast: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAGESIEVE_CACHE_DIR", str(cache))
        return segmenter.load_segmenter()


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any]:
    jieba = pytest.importorskip("jieba")
    rjieba = pytest.importorskip("rjieba")
    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba, rjieba


def corpus_runs(shared_data: Path, articles: int = 400) -> list[str]:
    runs: list[str] = []
    with open(shared_data / "sina-news-2018" / "articles.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= articles:
                break
            runs.extend(_HAN.findall(json.loads(line)["content"]))
    return runs


@pytest.mark.shared
def test_corpus_runs_are_cut_as_jieba_and_rjieba_cut_them(
    seg: Any, engines: tuple[Any, Any], shared_data: Path
) -> None:
    """Every run as jieba cuts it; as rjieba cuts it too, but for exact ties between two
    splits, which jieba-rs breaks the other way ("太多太多太多": 1 of the 280k runs of 3,000
    articles; 7 of 1.5M runs of every shared corpus, all repeated characters)."""
    jieba, rjieba = engines
    runs = corpus_runs(shared_data)
    assert len(runs) > 30_000
    differ = 0
    for r in runs:
        got = seg.cut(r)
        assert got == jieba.lcut(r, HMM=True), r
        differ += got != list(rjieba.cut(r))
    assert differ <= len(runs) // 10_000


def test_ties_go_as_jieba_breaks_them(seg: Any, engines: tuple[Any, Any]) -> None:
    jieba, _ = engines
    ties = ("赞赞赞赞赞", "差差差差差差评", "我之前经历了太多太多太多的伤病", "哈哈哈哈哈哈")
    for text in ties:
        assert seg.cut(text) == jieba.lcut(text, HMM=True)


def test_random_runs_as_rjieba(seg: Any, engines: tuple[Any, Any]) -> None:
    """Random runs of common, rare (outside jieba's U+4E00..U+9FD5) and unknown characters,
    with newlines (tokenize joins a block's runs with them): rjieba's words, which keep rare
    characters together where jieba splits them one by one (the model learnt rjieba's)."""
    _, rjieba = engines
    rng = random.Random(5)
    pools = [
        [chr(c) for c in range(0x4E00, 0x9FD6)], [chr(c) for c in range(0x3400, 0x4DC0)],
        [chr(c) for c in range(0x9FD6, 0xA000)], [chr(c) for c in range(0xF900, 0xFB00)],
        list("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也"), ["\n"],
    ]
    for _ in range(20_000):
        run = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 12)))
        assert seg.cut(run) == list(rjieba.cut(run)), run
    assert seg.cut("") == []
    assert seg.cut("中\n\n国") == ["中", "\n", "\n", "国"]


def test_a_dictionary_as_jieba_reads_it(fast: Any) -> None:
    """A repeated word keeps its last frequency and the total counts both lines (gen_pfdict);
    prefixes are nodes without a frequency."""
    table, node_freq, total = fast.build_trie(["中国", "中", "中国", "人"], [5, 3, 7, 2])
    assert total == 17
    assert sorted(node_freq.tolist()) == [0, 2, 3, 7]  # root, 人, 中, 中国
    assert table.dtype == np.uint64 and int((table != 0).sum()) == 3
    with pytest.raises(ValueError, match="frequency"):
        fast.build_trie(["中"], [-1])


def test_the_cache_is_built_once_then_mapped(
    fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGESIEVE_CACHE_DIR", str(tmp_path))
    built: list[int] = []
    real = segmenter._build
    monkeypatch.setattr(segmenter, "_build", lambda f: built.append(1) or real(f))
    first = segmenter.load_segmenter()
    (folder,) = tmp_path.glob("jieba-*")
    second = segmenter.load_segmenter()
    assert built == [1]
    assert isinstance(np.load(folder / "table.npy", mmap_mode="r"), np.memmap)
    text = "今天的天气真不错，我们去公园散步吧"
    assert first.cut(text) == second.cut(text) == ["今天", "的", "天气", "真不错", "，", "我们",
                                                    "去", "公园", "散步", "吧"]
    # a folder cut short is rebuilt
    (folder / "table.npy").write_bytes(b"\x93NUMPY")
    third = segmenter.load_segmenter()
    assert built == [1, 1] and third.cut(text) == first.cut(text)
    assert segmenter._load(folder) is not None


def test_threads_of_a_first_call_build_the_tables_once(
    fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads making a process's first call each built the tables (seconds each) and
    wrote the folder through one temporary name (the process id's), leaving it cut short in
    6 of 30 tries; one builds now, the others map what it saved."""
    import threading

    monkeypatch.setenv("PAGESIEVE_CACHE_DIR", str(tmp_path))
    built: list[int] = []
    real = segmenter._build
    monkeypatch.setattr(segmenter, "_build", lambda f: built.append(1) or real(f))
    start = threading.Barrier(6)
    cuts: list[list[str]] = []

    def first_call() -> None:
        start.wait()
        cuts.append(segmenter.load_segmenter().cut("今天的天气真不错"))

    threads = [threading.Thread(target=first_call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert built == [1]
    assert cuts == [["今天", "的", "天气", "真不错"]] * 6
    (folder,) = tmp_path.glob("jieba-*")
    assert segmenter._load(folder) is not None
    assert not list(tmp_path.glob(".*.tmp"))


def test_old_table_folders_are_pruned(
    fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One folder per jieba install: beyond `CACHE_KEEP`, the oldest go when one is written."""
    import os

    monkeypatch.setenv("PAGESIEVE_CACHE_DIR", str(tmp_path))
    for k in range(segmenter.CACHE_KEEP + 2):
        old = tmp_path / f"jieba-1-{k}-s{segmenter.FORMAT}"
        old.mkdir()
        os.utime(old, (k, k))
    other = tmp_path / "m-0-c1.npz"
    other.write_bytes(b"")
    segmenter.load_segmenter()
    left = sorted(p.name for p in tmp_path.glob("jieba-*"))
    assert len(left) == segmenter.CACHE_KEEP
    assert "jieba-1-0-s1" not in left and "jieba-1-1-s1" not in left and "jieba-1-2-s1" not in left
    assert segmenter._cache_path(segmenter.dictionary_file()).name in left
    assert other.exists()


def test_a_read_only_cache_still_works(
    fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGESIEVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(segmenter, "_save", lambda *a: (_ for _ in ()).throw(OSError("ro")))
    assert segmenter.load_segmenter().cut("中文分词") == ["中文", "分词"]


def test_tokenize_picks_the_engine(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled engine by default; PAGESIEVE_TOKENIZER names another."""
    try:
        for choice, name in (("", "compiled"), ("rjieba", "rjieba"), ("jieba", "jieba")):
            monkeypatch.setenv("PAGESIEVE_TOKENIZER", choice)
            tokenize.get_segmenter.cache_clear()
            assert tokenize.engine_name() == name
            assert tokenize.tokenize("北京天安门 2025年") == ["北京", "天安门", "2025", "年"]
    finally:
        monkeypatch.delenv("PAGESIEVE_TOKENIZER")
        tokenize.get_segmenter.cache_clear()


def test_no_dictionary_is_a_clear_error(fast: Any, tmp_path: Path) -> None:
    bad = tmp_path / "dict.txt"
    bad.write_text("中国 5\n坏行\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        segmenter.load_segmenter(bad)
