"""Builds the optional compiled walk (src/pagesieve/_fastsegment.pyx); everything else is in
pyproject.toml. Without Cython or a C compiler the package still installs and uses the
pure-Python walk, which gives the same blocks."""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # pragma: no cover - Cython is a build requirement
    cythonize = None

extensions = [
    Extension("pagesieve._fastsegment", ["src/pagesieve/_fastsegment.pyx"], optional=True)
]

setup(ext_modules=cythonize(extensions, language_level=3) if cythonize else [])
