"""versions.installed_version: what importlib.metadata says, read without it."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest

from pagesieve.versions import installed_version


@pytest.mark.parametrize(("distribution", "module"), [
    ("selectolax", "selectolax"), ("scikit-learn", "sklearn"), ("numpy", "numpy"),
    ("rjieba", "rjieba"),
])
def test_as_importlib_metadata_says(distribution: str, module: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    want = importlib.metadata.version(distribution)
    assert installed_version(distribution, module) == want
    monkeypatch.delitem(sys.modules, module, raising=False)  # read off the .dist-info folder
    assert installed_version(distribution, module) == want


def test_the_first_folder_on_the_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "scikit-learn-0.1.dist-info").mkdir()  # the older spelling
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "scikit_learn-0.2.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "first"), str(tmp_path / "second")])
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    assert installed_version("scikit-learn", "sklearn") == "0.1"
    # a look-alike of another distribution is not it
    (tmp_path / "first" / "scikit-learn-0.1.dist-info").rmdir()
    (tmp_path / "first" / "scikit_learn_extra-9.9.dist-info").mkdir()
    assert installed_version("scikit-learn", "sklearn") == "0.2"


def test_two_in_one_place_ask_importlib_metadata(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "selectolax-0.1.dist-info").mkdir()
    (tmp_path / "selectolax-0.2.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.delitem(sys.modules, "selectolax", raising=False)
    asked: list[str] = []
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: asked.append(name) or "from importlib.metadata")
    assert installed_version("selectolax", "selectolax") == "from importlib.metadata"
    assert asked == ["selectolax"]
