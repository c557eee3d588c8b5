from __future__ import annotations

import pytest

from pagesieve.limits import DEFAULT_LIMITS, Limits


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGESIEVE_MAX_BYTES", "1234")
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "2.5")
    lim = Limits.from_env()
    assert lim.max_bytes == 1234 and lim.max_seconds == 2.5
    assert lim.max_blocks == DEFAULT_LIMITS.max_blocks
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCKS", "not a number")
    with pytest.raises(ValueError, match="PAGESIEVE_MAX_BLOCKS must be a whole number"):
        Limits.from_env()
