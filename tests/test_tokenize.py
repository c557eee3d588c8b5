from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pagesieve.tokenize import get_segmenter, normalize, tokenize, tokenizer_choice


def test_tokens_of_mixed_text() -> None:
    toks = tokenize("实测教程微乐麻将插件 AI大模型 ２０２５年, Hello")
    assert "麻将" in toks and "插件" in toks
    assert "2025" in toks  # full-width digits folded by NFKC
    assert "hello" in toks and "ai" in toks
    assert all(t.strip() for t in toks)


def test_zero_width_and_max_chars() -> None:
    assert normalize("加\u200b微\u200d信") == "加微信"
    assert len("".join(tokenize("测" * 10_000, max_chars=100))) == 100


def test_rjieba_matches_jieba_on_han_runs(shared_data: Path) -> None:
    """The fast engine gives jieba's words on corpus text (Han runs, as tokenize() feeds it)."""
    jieba = pytest.importorskip("jieba")
    rjieba = pytest.importorskip("rjieba")
    jieba.setLogLevel(60)
    han = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
    runs: list[str] = []
    with open(shared_data / "sina-news-2018" / "articles.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 200:
                break
            runs.extend(han.findall(json.loads(line)["content"]))
    assert len(runs) > 5000
    same = sum(jieba.lcut(r) == list(rjieba.cut(r)) for r in runs)
    # jieba-rs breaks a rare tie in the DAG differently (1 in ~150k runs measured); allow 0.1 %.
    assert same / len(runs) >= 0.999


def test_engine_is_cached() -> None:
    assert get_segmenter() is get_segmenter()


def test_an_unknown_tokenizer_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo (``PAGESIEVE_TOKENIZER=jeiba``) silently ran the default engine."""
    for value, choice in (("", ""), ("  ", ""), ("RJieba", "rjieba"), ("jieba", "jieba")):
        monkeypatch.setenv("PAGESIEVE_TOKENIZER", value)
        assert tokenizer_choice() == choice
    monkeypatch.setenv("PAGESIEVE_TOKENIZER", "jeiba")
    with pytest.raises(ValueError, match=r"PAGESIEVE_TOKENIZER must be jieba or rjieba.*'jeiba'"):
        tokenizer_choice()
    get_segmenter.cache_clear()
    try:
        with pytest.raises(ValueError, match="'jeiba'"):
            get_segmenter()
    finally:
        monkeypatch.delenv("PAGESIEVE_TOKENIZER")
        get_segmenter.cache_clear()
