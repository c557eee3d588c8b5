"""_fastscript: the compiled sample count gives exactly script.py's regex counts, so the same
pages are judged Traditional."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from conftest import compiled_or_skip, shared_files
from pagesieve import script
from pagesieve.read import read_page
from pagesieve.types import Block, Page
from test_segment_html import _SHARED_PAGES


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        script._FAST, "script detector",
        "pagesieve/_fastscript is not built; `make install` (pip install -e .) builds it",
    )


def reference_counts(page: Page) -> tuple[int, int]:
    sample = script._sample(page)
    return len(script._traditional_only().findall(sample)), len(script._HAN.findall(sample))


def assert_same(page: Page, fast: Any) -> None:
    table = script._traditional_table()
    got = fast.han_counts(page.blocks, table, script.SAMPLE_CHARS)
    assert got == reference_counts(page)
    assert script._judged(*got) is script.is_traditional(script._sample(page))


def _page(texts: list[str]) -> Page:
    blocks = tuple(Block(index=i, text=t) for i, t in enumerate(texts))
    return Page(text="\n".join(texts), kind="text", encoding="utf-8", blocks=blocks)


def test_simplified_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = fast.han_counts

    class Spy:
        @staticmethod
        def han_counts(*args: Any) -> tuple[int, int]:
            calls.append(1)
            return real(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(script, "_FAST", Spy)
    script.simplified(_page(["颱風接近東部海面"]))
    assert calls == [1]


def test_the_table_is_the_reference_class() -> None:
    table = script._traditional_table()
    changed = {chr(script._FIRST + i) for i, on in enumerate(table) if on}
    assert changed == set(script._changed_chars())
    assert all(script._traditional_only().fullmatch(c) for c in changed)


def test_the_sample_edge(fast: Any) -> None:
    """Counts stop at `SAMPLE_CHARS` characters of the joined text, inside a block if need be."""
    trad = "颱風網友"
    for size in (0, 1, 3_999, 4_000, 4_001):
        filler = "a" * size
        for texts in ([filler, trad * 10], [filler + trad * 10], [trad * 1_000, "x"], []):
            assert_same(_page(texts), fast)
    assert fast.han_counts((), script._traditional_table(), 10) == (0, 0)


def test_random_texts(fast: Any) -> None:
    rng = random.Random(4)
    changed = script._changed_chars()
    pools = [
        changed, "中文的了是在有我他这为之大来以个中上们国", "abc ,.\n", "\u4dff\u4e00\u9fff\ua000",
        "é\u3000", "😀𠀀",
    ]
    for _ in range(2_000):
        texts = [
            "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 900)))
            for _ in range(rng.randint(0, 12))
        ]
        assert_same(_page(texts), fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_the_shared_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    for f in shared_files(shared_data, pattern):
        assert_same(read_page(f.read_bytes()), fast)
