"""Where the shipped model is found: a source checkout's models/, else the copy in a wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pagesieve.modelfile import manifest_path, sha256_file, shipped_model_path

REPO = Path(__file__).resolve().parents[1]


def _tree(root: Path, *, checkout: bool, packaged: bool) -> Path:
    """A fake install: root/lib/pagesieve/modelfile.py, with models/ beside lib (a checkout's
    layout: src/pagesieve, models) and/or inside the package (a wheel's)."""
    module = root / "lib" / "pagesieve" / "modelfile.py"
    module.parent.mkdir(parents=True)
    module.write_text("")
    for folder, there in ((root / "models", checkout), (module.parent / "models", packaged)):
        if there:
            folder.mkdir()
            (folder / "pagesieve.joblib").write_bytes(b"model")
    return module


@pytest.mark.parametrize(("checkout", "packaged", "expected"), [
    (True, False, "models/pagesieve.joblib"),
    (True, True, "lib/pagesieve/models/pagesieve.joblib"),  # pip install --target: not a checkout
    (False, True, "lib/pagesieve/models/pagesieve.joblib"),
    (False, False, "models/pagesieve.joblib"),  # neither: the error names the checkout's
])
def test_shipped_model_path(tmp_path: Path, checkout: bool, packaged: bool, expected: str) -> None:
    module = _tree(tmp_path, checkout=checkout, packaged=packaged)
    assert shipped_model_path(module) == (tmp_path / expected).resolve()


def test_this_checkout_ships_its_models_folder() -> None:
    assert shipped_model_path() == REPO / "models" / "pagesieve.joblib"


@pytest.mark.slow
def test_a_wheel_carries_the_model_and_runs_without_the_checkout(tmp_path: Path) -> None:
    """`pip install .` (and a venv-pack of it for a Spark cluster) had no model: the default
    path pointed at ``lib/python3.11/models``. The wheel built from an sdist of a copy of this
    checkout holds the model and manifest in the package and every compiled part, and,
    unpacked away from any checkout, classifies a page with them (hash-checked as always)."""
    src = tmp_path / "src-copy"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    if not files or not (REPO / "setup.py").is_file():
        pytest.skip("not a git checkout")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    # the wheel is built from the sdist, as `python -m build` does: so the sdist must carry
    # the model and the Cython sources too (it had neither: its wheel build stopped)
    r = subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", str(tmp_path / "sdist")],
                       capture_output=True, text=True, timeout=600, cwd=src)
    assert r.returncode == 0, r.stderr[-3000:]
    (sdist,) = (tmp_path / "sdist").glob("pagesieve-*.tar.gz")
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(wheels), str(sdist)], capture_output=True, text=True,
                       timeout=1200, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    (wheel,) = wheels.glob("pagesieve-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert {"pagesieve/models/pagesieve.joblib",
                "pagesieve/models/pagesieve.manifest.json"} <= names
        compiled = {n for n in names if n.startswith("pagesieve/_fast") and n.endswith(".so")}
        assert len(compiled) == len(list((REPO / "src" / "pagesieve").glob("_fast*.pyx")))
        assert not [n for n in names if n.endswith(".c")]  # generated C: 12 MB, not needed
        site = tmp_path / "site"
        zf.extractall(site)
    model = site / "pagesieve" / "models" / "pagesieve.joblib"
    assert sha256_file(model) == sha256_file(REPO / "models" / "pagesieve.joblib")
    assert json.loads(manifest_path(model).read_text()) == json.loads(
        manifest_path(REPO / "models" / "pagesieve.joblib").read_text())
    code = ("import pagesieve, pagesieve.modelfile as m; from pagesieve import classify_page\n"
            "print(m.default_model_path())\n"
            "r = classify_page('<p>城市交通改善，市民出行更方便。</p>'.encode(), kind='html')\n"
            "print(pagesieve.__file__, sorted({b.label.name for b in r.blocks}))")
    env = {k: v for k, v in os.environ.items() if k not in ("PAGESIEVE_MODEL", "PYTHONPATH")}
    env.update(PYTHONPATH=str(site), PAGESIEVE_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.splitlines()[0] == str(model.resolve())
    assert str(site) in r.stdout.splitlines()[1]
