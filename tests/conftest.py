"""Shared fixtures. Tests that read ../shared skip with a stated reason where it is absent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from pagesieve.native import pure_requested

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAGESIEVE_SHARED", REPO.parent / "shared")).resolve()


def shared_files(folder: Path, pattern: str) -> list[Path]:
    """The shared pages matching `pattern`, sorted; the test is skipped if there are none."""
    files = sorted(folder.glob(pattern))
    if not files:
        pytest.skip(f"no pages match {folder / pattern}")
    return files


def load_bench(name: str) -> Any:
    """The bench script ``bench/<name>.py`` as a module, to call its `main` in-process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def bench_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`load_bench`, with the script's shared folder an empty one under `tmp_path` (the tests
    stub the evaluation it would run)."""

    def load(name: str) -> Any:
        mod = load_bench(name)
        (tmp_path / "shared" / "data").mkdir(parents=True, exist_ok=True)
        monkeypatch.setattr(mod, "SHARED", tmp_path / "shared")
        return mod

    return load


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared data beside the repo); absent in this clone")
    return path


def compiled_or_skip(part: Any, what: str, missing: str) -> Any:
    """The compiled part `part` for the compiled-vs-Python tests: skipped when PAGESIEVE_PURE
    switches the compiled parts off, a failure (`missing` says why) when it was not built."""
    if pure_requested():
        pytest.skip(f"PAGESIEVE_PURE is set: the compiled {what} is switched off")
    assert part is not None, missing
    return part


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def shared_data(shared_dir: Path) -> Path:
    return _need(shared_dir / "data")


@pytest.fixture(scope="session")
def seed_page(shared_dir: Path) -> Path:
    return _need(shared_dir / "examples" / "seed-page.txt")


_XPATH_STEP = st.sampled_from(["div", "div[1]", "div[10]", "p", "ul", "li[1]", "li[2]", "a",
                               "divx", "表", "格", "表格", "span[3]", "td"])

#: Xpaths past 1,024 characters and 64 steps (both are cut), and non-ASCII steps.
LONG_AND_DEEP_XPATHS = [
    "/html/body" + "/div" * 300 + "/p[1]", "/html/body" + "/div" * 300 + "/p[2]",
    "/html/body" + "/div" * 300, "/html/body/ä/b", "/html/body/ö/b",
    "/html/body/" + "x" * 2000, "/html/body/" + "x" * 2000 + "/y",
]


@st.composite
def _xpath(draw: Any) -> str:
    steps = draw(st.lists(_XPATH_STEP, min_size=0, max_size=draw(st.sampled_from([6, 80]))))
    return "/" + "/".join(["html", "body", *steps])


@st.composite
def xpath_pages(draw: Any, min_size: int = 1) -> tuple[list[str], list[int]]:
    """A page's block xpaths and text sizes for the compiled-vs-Python tree tests: neighbours
    often repeat or extend one another, as the blocks of one element do."""
    xpaths = draw(st.lists(_xpath(), min_size=min_size, max_size=40))
    for i in range(1, len(xpaths)):
        if draw(st.booleans()):
            xpaths[i] = xpaths[i - 1] + draw(st.sampled_from(["", "/a", "/p[2]", "[1]"]))
    sizes = draw(st.lists(st.integers(1, 300), min_size=len(xpaths), max_size=len(xpaths)))
    return xpaths, sizes
