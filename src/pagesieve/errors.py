"""Errors pagesieve raises on purpose; anything else escaping is a bug.

Every error carries a one-line message meant for a person (the CLI prints it as is, the service
returns it as the 4xx reason, the batch runner writes it to the rejects file).
"""

from __future__ import annotations

__all__ = [
    "EXIT_MODEL",
    "DecodeError",
    "InputTooLarge",
    "LimitExceeded",
    "ModelError",
    "PagesieveError",
]


#: The exit code of every command (classify, clean, spark, serve, model export) when the model
#: is missing or refused: 2 is bad input or usage, 1 a run that stopped.
EXIT_MODEL = 3


class PagesieveError(Exception):
    """Base of all deliberate pagesieve errors."""


class DecodeError(PagesieveError):
    """The bytes are not a text or HTML page pagesieve can read (binary, undecodable)."""


class InputTooLarge(PagesieveError):
    """The input is larger than the configured byte limit."""


class LimitExceeded(PagesieveError):
    """A per-page limit (time, blocks) was hit and the page could not be finished."""


class ModelError(PagesieveError):
    """The model file is missing, tampered with (hash mismatch) or from incompatible versions."""
