"""Builds the optional compiled parts (src/pagesieve/_fast*.pyx) and puts the shipped model in
wheels; everything else is in pyproject.toml. Without Cython or a C compiler the package still
installs and uses their pure-Python versions, which give the same results."""

from collections.abc import Iterable
from pathlib import Path

from setuptools import Command, Extension, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

try:
    from Cython.Build import cythonize
except ImportError:  # pragma: no cover - Cython is a build requirement
    cythonize = None

extensions = [
    Extension(f"pagesieve.{name}", [f"src/pagesieve/{name}.pyx"], optional=True)
    for name in (
        "_fastsegment", "_fastfeatures", "_fasttokenize", "_fastcompiled", "_fastrevise",
        "_fastlinks", "_fastscript", "_fasttypes", "_fastwriter", "_fastjieba", "_fastcards",
        "_fastregion",
    )
]

#: The shipped model and its manifest. A source checkout reads them from models/; a wheel
#: carries them in the package (pagesieve/models/), where modelfile.py looks outside a checkout:
#: without them, `pip install .` (or a venv-pack of it for a Spark cluster) had no model.
MODEL_FILES = ("models/pagesieve.joblib", "models/pagesieve.manifest.json")


def _copy_beside(command: Command, names: Iterable[str], root: str) -> None:
    """Copy each of `names` (paths from the checkout's root) that exists to the same path under
    `root`, through `command`'s file operations (they log and honour --dry-run)."""
    for name in names:
        if Path(name).is_file():
            target = Path(root, name)
            command.mkpath(str(target.parent))
            command.copy_file(name, str(target))


class BuildPyWithModel(build_py):
    """build_py, then the model files copied into the built package (not for editable
    installs, which read models/ in place)."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            _copy_beside(self, MODEL_FILES, str(Path(self.build_lib, "pagesieve")))


class SdistWithModel(sdist):
    """sdist with the model files and the Cython sources, so that a wheel built from it (what
    `python -m build` does) carries the model and compiles: without the .pyx files the build
    stopped at `cythonize` ("doesn't match any files")."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        cython = sorted(str(p) for pattern in ("*.pyx", "*.pxi")
                        for p in Path("src/pagesieve").glob(pattern))
        _copy_beside(self, (*MODEL_FILES, *cython), base_dir)


setup(
    ext_modules=cythonize(extensions, language_level=3) if cythonize else [],
    cmdclass={"build_py": BuildPyWithModel, "sdist": SdistWithModel},
)
