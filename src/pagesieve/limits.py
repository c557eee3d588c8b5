"""Per-page limits: every one configurable (environment or arguments), every hit recorded."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .environ import signal_set

__all__ = ["DEFAULT_LIMITS", "Limits", "check_seconds", "env_int", "time_limit"]

#: Longest alarm `time_limit` sets (about 68 years): setitimer refuses much larger values, and a
#: limit this long is no limit for a page anyway.
MAX_ALARM_SECONDS = float(2**31 - 1)


def env_int(name: str, default: int) -> int:
    """The whole number in environment variable `name` (`default` when unset or blank), or a
    ValueError naming it."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def check_seconds(value: float, name: str = "max_seconds") -> float:
    """`value` as a time limit; NaN is refused, because it compares false with everything and
    would pass as "no limit" unnoticed (0, negative or ``inf`` are how to say that)."""
    if math.isnan(value):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}")
    return value


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return check_seconds(float(raw), name)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one monster page from stalling a worker (README: Hardening).

    - `max_bytes`: larger inputs are refused with `InputTooLarge` (env ``PAGESIEVE_MAX_BYTES``).
    - `max_blocks`: blocks past this are folded into the last block, labelled with it
      (env ``PAGESIEVE_MAX_BLOCKS``); the record's ``limits`` says so.
    - `max_block_chars`: only this many characters of a block are fed to the tokenizer
      (env ``PAGESIEVE_MAX_BLOCK_CHARS``); the block keeps all of its text; recorded likewise.
    - `max_seconds`: wall time per page (env ``PAGESIEVE_MAX_SECONDS``): `LimitExceeded`,
      checked between stages by `classify_page`, and interrupting the page in batch runs.

    A value of 0 or less turns `max_blocks`, `max_block_chars` or `max_seconds` off; so does
    ``inf`` for `max_seconds`. NaN is refused (`ValueError`), and so is a `max_bytes` of 0 or
    less: it would refuse every page, and a byte limit is not one to switch off.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_blocks: int = 5000
    max_block_chars: int = 4000
    max_seconds: float = 30.0

    def __post_init__(self) -> None:
        check_seconds(self.max_seconds)
        for name in ("max_bytes", "max_blocks", "max_block_chars"):
            if getattr(self, name) > sys.maxsize:  # no limit in effect; the C parts need a size
                object.__setattr__(self, name, sys.maxsize)
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes (PAGESIEVE_MAX_BYTES) must be a positive number of "
                             f"bytes, not {self.max_bytes}")

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            max_bytes=env_int("PAGESIEVE_MAX_BYTES", d.max_bytes),
            max_blocks=env_int("PAGESIEVE_MAX_BLOCKS", d.max_blocks),
            max_block_chars=env_int("PAGESIEVE_MAX_BLOCK_CHARS", d.max_block_chars),
            max_seconds=_env_float("PAGESIEVE_MAX_SECONDS", d.max_seconds),
        )


DEFAULT_LIMITS = Limits()


@contextlib.contextmanager
def time_limit(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise `error()` in this thread after `seconds` (SIGALRM), interrupting a stage midway.

    Only for code that owns its process and main thread (the CLI, batch workers); a no-op
    elsewhere or where the platform has no SIGALRM, so a library caller's signals are left alone.
    Also a no-op for 0, negative or infinite `seconds` (no limit); longer ones are cut to
    `MAX_ALARM_SECONDS`, which setitimer accepts.
    """
    if not (0 < seconds < math.inf and hasattr(signal, "setitimer")):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise error()

    with signal_set(signal.SIGALRM, on_alarm) as handled:
        if not handled:  # not the main thread
            yield
            return
        signal.setitimer(signal.ITIMER_REAL, min(seconds, MAX_ALARM_SECONDS))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
