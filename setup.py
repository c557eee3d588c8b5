"""Builds the optional compiled parts (src/pagesieve/_fast*.pyx); everything else is in
pyproject.toml. Without Cython or a C compiler the package still installs and uses their
pure-Python versions, which give the same results."""

from setuptools import Extension, setup

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

setup(ext_modules=cythonize(extensions, language_level=3) if cythonize else [])
