"""_fasttypes: the compiled block records are exactly `LabelledBlock.to_dict`'s, and its
`round6` exactly Python's `round(x, 6)`.

Records are compared by `repr` (every float to the last bit, a 1 for a True would show) and as
JSON text, so key order counts too."""

from __future__ import annotations

import json
import math
import random
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import compiled_or_skip, shared_files
from pagesieve import types
from pagesieve.classify import classify_page
from pagesieve.model import load_model
from pagesieve.types import LABELS, Block, Label, LabelledBlock
from test_segment_html import _SHARED_PAGES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        types._FAST, "block records",
        "pagesieve/_fasttypes is not built; `make install` (pip install -e .) builds it",
    )


def assert_same(blocks: Sequence[Any], fast: Any) -> None:
    for why in (True, False):
        want = [lb.to_dict(why=why) for lb in blocks]
        got = fast.block_dicts(tuple(blocks), why)
        assert repr(got) == repr(want)
        assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
        assert [type(v) for d in got for v in d.values()] == [
            type(v) for d in want for v in d.values()
        ]


def assert_round_same(xs: Sequence[float], fast: Any) -> None:
    for x in xs:
        got, want = fast.round6(x), round(x, 6)
        if math.isnan(want):
            assert math.isnan(got)
        else:
            assert type(got) is type(want) and got.hex() == want.hex(), x


def test_to_dict_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result = classify_page((REPO / "data" / "demo-page.html").read_bytes(), model=load_model())
    got = result.to_dict()
    monkeypatch.setattr(types, "_FAST", None)
    assert repr(got) == repr(result.to_dict())
    assert_same(result.blocks, fast)


def test_round6_random(fast: Any) -> None:
    rng = random.Random(6)
    assert_round_same([rng.random() for _ in range(300_000)], fast)
    assert_round_same([rng.uniform(-1100.0, 1100.0) for _ in range(100_000)], fast)
    assert_round_same([rng.random() * 10.0 ** rng.randint(-12, 3) for _ in range(50_000)], fast)
    bits = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            for _ in range(50_000)]
    for x in bits:  # NaNs and infinities included
        got, want = fast.round6(x), round(x, 6)
        assert repr(got) == repr(want) and math.copysign(1, got) == math.copysign(1, want)


def test_round6_half_way_points(fast: Any) -> None:
    """Around every k + 0.5 millionths the product x * 1e6 rounds either way: Python's `round`
    decides there."""
    xs: list[float] = []
    for k in range(0, 1_000_001, 7):
        h = (k + 0.5) / 1e6
        xs += [h, -h, math.nextafter(h, 0.0), math.nextafter(h, 2.0), k / 1e6]
        xs += [math.nextafter(k / 1e6, 0.0), math.nextafter(k / 1e6, 2.0)]
    assert_round_same(xs, fast)


@pytest.mark.parametrize(
    "x",
    [0.0, -0.0, 1.0, -1.0, 5e-7, -5e-7, 4.9999999e-7, 1.5e-6, 2.5e-6, 0.1234565, 0.0000005,
     1023.9999995, 1024.0, -1024.0, 1e20, 5e-324, 1e-300, 1.7976931348623157e308,
     math.inf, -math.inf, math.nan],
)
def test_round6_edges(x: float, fast: Any) -> None:
    assert_round_same([x], fast)


def test_round6_other_types(fast: Any) -> None:
    for x in (np.float64(0.1234565), np.float32(0.3), 3, True, 10**30):
        assert repr(fast.round6(x)) == repr(round(x, 6))


class _Scores(Mapping[str, Any]):
    """A mapping that is not a dict (the records read it through `items()`)."""

    def __init__(self, d: dict[str, Any]) -> None:
        self._d = d

    def __getitem__(self, k: str) -> Any:
        return self._d[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)


@dataclass(frozen=True)
class _OtherLabelled:
    """Not a `LabelledBlock`: its own `to_dict` is called."""

    n: int

    def to_dict(self, *, why: bool = True) -> dict[str, Any]:
        return {"n": self.n, "why": why}


class _SubLabel(Label):
    __slots__ = ()

    @property
    def junk(self) -> bool:
        return True


def _random_blocks(rng: random.Random) -> list[Any]:
    out: list[Any] = []
    for i in range(rng.randint(0, 30)):
        row = [rng.random() ** rng.randint(1, 9) for _ in LABELS]
        if rng.random() < 0.2:
            row[0] = rng.choice([0.5, 1.0, 0.0, 1e-9, 0.0000125, 0.9999995])
        scores: Any = dict(zip(LABELS, row, strict=True))
        if rng.random() < 0.1:
            scores = _Scores(scores)
        elif rng.random() < 0.1:
            scores = {k: rng.choice([np.float64(v), np.float32(v), int(v > 0.5), v])
                      for k, v in scores.items()}
        k = rng.randrange(len(LABELS))
        score: Any = row[k] if rng.random() < 0.9 else np.float64(row[k])
        why = tuple(rng.choice(["w:新闻", "l:a", "ctx:x"]) for _ in range(rng.randint(0, 4)))
        lab = Label(name=LABELS[k], score=score, scores=scores, why=why)
        if rng.random() < 0.5:
            block = Block(index=i, text="段落" * rng.randint(0, 5), xpath=f"/html/body/p[{i}]")
        else:
            block = Block(index=i, text="a\n\"b\"", start=rng.choice([None, i]), end=i + 3)
        r = rng.random()
        if r < 0.05:
            out.append(_OtherLabelled(i))
        elif r < 0.1:
            out.append(LabelledBlock(block, _SubLabel(lab.name, lab.score, lab.scores, lab.why)))
        else:
            out.append(LabelledBlock(block, lab))
    return out


def test_random_blocks(fast: Any) -> None:
    rng = random.Random(14)
    for _ in range(2_000):
        assert_same(_random_blocks(rng), fast)


def test_demo_page(fast: Any) -> None:
    result = classify_page((REPO / "data" / "demo-page.html").read_bytes(), model=load_model())
    assert_same(result.blocks, fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_the_shared_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    model = load_model()
    for f in shared_files(shared_data, pattern):
        for explain in (True, False):
            assert_same(classify_page(f.read_bytes(), model=model, explain=explain).blocks, fast)


def _pure_labels(rows: list[list[float]], chosen: list[int], why: Any) -> tuple[Label, ...]:
    return tuple(
        Label(name=LABELS[k], score=row[k], scores=dict(zip(LABELS, row, strict=True)),
              why=reasons)
        for row, k, reasons in zip(rows, chosen, why, strict=True)
    )


def _same_instances(got: Sequence[Any], want: Sequence[Any], cls: type) -> None:
    assert type(got) is tuple and len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert type(g) is cls
        assert g == w and repr(g) == repr(w)


def test_labels_are_label_page_s(fast: Any) -> None:
    """`make_labels` (compiled) builds the same frozen `Label`s as the reference loop: equal,
    same repr (floats to the last bit), the scores dict in `LABELS` order, and still frozen."""
    rng = np.random.default_rng(0)
    p = rng.random((50, len(LABELS)))
    p[3] = p[3, 0]  # ties: the first maximum
    p[4] = [0.0, -0.0, 1e-300, math.inf, math.nan]
    rows = p.tolist()
    chosen = p.argmax(axis=1).tolist()
    for why in ([()] * len(rows), [(f"word w{i}", "layout x") for i in range(len(rows))]):
        got = types.make_labels(rows, chosen, why)
        want = _pure_labels(rows, chosen, why)
        _same_instances(got, want, Label)
        for g, w in zip(got, want, strict=True):
            assert list(g.scores.items()) == list(w.scores.items())
            assert g.score is w.score and g.why is w.why
    assert types.make_labels([], [], []) == ()
    with pytest.raises(AttributeError):
        got[0].name = "ad"  # type: ignore[misc]
    with pytest.raises(ValueError):
        types.make_labels(rows, chosen[:-1], [()] * len(rows))
    with pytest.raises(ValueError):
        types.make_labels([[0.5, 0.5]], [0], [()])


def test_labelled_blocks_are_the_zip(fast: Any) -> None:
    blocks = [Block(index=i, text=f"t{i}", start=i, end=i + 2) for i in range(7)]
    labs = _pure_labels([[0.2, 0.2, 0.2, 0.2, 0.2]] * 7, [0] * 7, [()] * 7)
    got = types.make_labelled_blocks(blocks, labs)
    want = tuple(LabelledBlock(b, lab) for b, lab in zip(blocks, labs, strict=True))
    _same_instances(got, want, LabelledBlock)
    assert all(g.block is b and g.label is lab
               for g, b, lab in zip(got, blocks, labs, strict=True))
    with pytest.raises(ValueError):
        types.make_labelled_blocks(blocks, labs[:-1])
    with pytest.raises(AttributeError):
        got[0].block = blocks[1]  # type: ignore[misc]


def test_classify_page_uses_them(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """classify_page's result with the compiled builders equals the reference loops'."""
    html = (REPO / "data" / "demo-page.html").read_bytes()
    with_fast = classify_page(html, explain=True)
    monkeypatch.setattr(types, "_FAST", None)
    pure = classify_page(html, explain=True)
    assert with_fast == pure and repr(with_fast) == repr(pure)
