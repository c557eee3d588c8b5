"""_fastwriter: the compiled `dumps_record` writes exactly json's line (`writer._dumps_record`),
and leaves every record it does not write plainly (None) to json."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import compiled_or_skip, shared_files
from pagesieve.batch import writer
from pagesieve.classify import classify_page
from pagesieve.model import load_model
from test_segment_html import _SHARED_PAGES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        writer._FAST, "record writer",
        "pagesieve/_fastwriter is not built; `make install` (pip install -e .) builds it",
    )


def assert_same(record: Any, fast: Any, *, plain: bool = True) -> None:
    """The compiled line is json's; `plain`: it must write the record itself (not None)."""
    got = fast.dumps_record(record)
    if plain:
        assert got is not None
    if got is not None:
        assert got == writer._dumps_record(record)
    assert writer.dumps_record(record) == writer._dumps_record(record)


def test_dumps_record_uses_it(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Spy:
        @staticmethod
        def dumps_record(record: Any) -> str | None:
            calls.append(1)
            return fast.dumps_record(record)  # type: ignore[no-any-return]

    monkeypatch.setattr(writer, "_FAST", Spy)
    assert writer.dumps_record({"text": "中文", "n": 1}) == '{"text":"中文","n":1}'
    assert calls == [1]


def test_rounded_floats(fast: Any) -> None:
    """Six-place values take the digits of round(x * 1e6); others are float.__repr__'s."""
    rng = random.Random(1)
    xs: list[float] = [n / 1e6 for n in range(0, 2_000_000, 7)]
    xs += [round(rng.random(), 6) for _ in range(100_000)]
    xs += [round(rng.uniform(-2e9, 2e9), rng.randint(0, 8)) for _ in range(100_000)]
    xs += [rng.random() * 10.0 ** rng.randint(-9, 18) for _ in range(100_000)]
    xs += [0.0, -0.0, 1e-4, 9.999999e-5, 1e-5, 1e9, 999999999.999999, 999999999.9999995,
           1e16, 1e15, 2.0**53, 5e-324, 1.7976931348623157e308, 0.1, 0.7, 1 / 3]
    for x in xs:
        for y in (x, -x):
            assert_same({"x": y}, fast)
    for y in (math.nan, math.inf, -math.inf):
        assert fast.dumps_record({"x": y}) is None
        with pytest.raises(ValueError):
            writer.dumps_record({"x": y})


def test_ints(fast: Any) -> None:
    rng = random.Random(2)
    ns = [0, 1, -1, 9, 10, 2**63 - 1, -(2**63)] + [rng.randint(-(2**63), 2**63 - 1)
                                                    for _ in range(10_000)]
    for n in ns:
        assert_same({"n": n, "b": [n, True, False, None]}, fast)
    for n in (2**63, -(2**63) - 1, 10**40):
        assert_same({"n": n}, fast, plain=False)


_CHARS = [chr(c) for c in range(0x80)] + [
    "é", "\xa0", "\xff", "中", "\u2028", "\u2029", "\ufeff", "\uffff", "😀", "\U0010ffff",
]


def test_strings(fast: Any) -> None:
    rng = random.Random(3)
    for _ in range(20_000):
        s = "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 30)))
        assert_same({s: s, "l": [s, (s, 1)], "d": {s: {}}}, fast)


@pytest.mark.parametrize(
    "record",
    [
        {"a": "\ud800"}, {"a": {"b": ["x\udfff"]}}, {"\udc80": 1},  # lone surrogates
        {1: 2}, {None: 1}, {"a": {2.5: 1}},  # keys json turns into strings
        {"a": object()}, {"a": {1, 2}}, {"a": b"x"},  # json refuses them
        {"a": 1.5, "b": math.nan},
    ],
)
def test_left_to_json(record: Any, fast: Any) -> None:
    assert fast.dumps_record(record) is None
    try:
        want: Any = writer._dumps_record(record)
    except (TypeError, ValueError) as exc:
        want = type(exc)
    if isinstance(want, str):
        assert writer.dumps_record(record) == want
    else:
        with pytest.raises(want):
            writer.dumps_record(record)


def test_subclasses_and_other_containers_are_left_to_json(fast: Any) -> None:
    class S(str):
        pass

    class F(float):
        pass

    class N(int):
        pass

    class D(dict[str, Any]):
        pass

    class L(list[Any]):
        pass

    for value in (S("x"), F(0.5), N(3), D(a=1), L([1])):
        assert_same({"v": value}, fast, plain=False)
        assert fast.dumps_record({"v": value}) is None
    assert fast.dumps_record(D(a=1)) is None
    assert fast.dumps_record([1]) is None


def test_deep_and_circular_records(fast: Any) -> None:
    deep: Any = "x"
    for _ in range(31):  # a dict and a list each: 62 levels
        deep = {"a": [deep]}
    assert_same(deep, fast)
    for _ in range(2):
        deep = {"a": [deep]}
    assert fast.dumps_record(deep) is None  # past 64 levels: json
    assert_same(deep, fast, plain=False)
    loop: dict[str, Any] = {}
    loop["self"] = [loop]
    assert fast.dumps_record(loop) is None
    with pytest.raises(ValueError):
        writer.dumps_record(loop)


def _records(result: Any) -> list[dict[str, Any]]:
    return [result.to_dict(blocks=b, why=w) for b in (True, False) for w in (True, False)]


def test_demo_page(fast: Any) -> None:
    result = classify_page((REPO / "data" / "demo-page.html").read_bytes(), model=load_model(),
                           source="demo-page.html", extra={"id": 7, "record_id": None})
    for record in _records(result):
        assert_same(record, fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", [*_SHARED_PAGES, "cwced-zh/pages_raw/*.html"])
def test_the_shared_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    model = load_model()
    for f in shared_files(shared_data, pattern):
        result = classify_page(f.read_bytes(), model=model, source=str(f), url="http://x.cn/")
        for record in _records(result):
            assert_same(record, fast)
