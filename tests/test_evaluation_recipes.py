"""Recipe settings: parsed like the bench scripts' --set, applied only inside the block."""

from __future__ import annotations

import argparse

import pytest

from pagesieve.evaluation.recipes import model_settings, parse_setting
from pagesieve.model import PageModel


def test_parse_setting_reads_json_values() -> None:
    assert parse_setting("words_weight=3") == ("words_weight", 3)
    assert parse_setting("region=true") == ("region", True)
    assert parse_setting('name="x=y"') == ("name", "x=y")
    for bad in ("words_weight", "region=yes"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_setting(bad)


def test_model_settings_last_for_the_block_only() -> None:
    with model_settings([("c_context", 0.5), ("words_weight", 2.0)]):
        m = PageModel()
        assert (m.c_context, m.words_weight) == (0.5, 2.0)
        assert PageModel(c_context=3.0).c_context == 3.0  # explicit arguments still win
    assert (PageModel().c_context, PageModel().words_weight) == (1.0, 1.0)
    with pytest.raises(RuntimeError), model_settings([("c_context", 9.0)]):
        raise RuntimeError("a failed run")
    assert PageModel().c_context == 1.0  # restored after a failure too


def test_unknown_setting_changes_nothing() -> None:
    with pytest.raises(SystemExit, match="no setting 'nonsense'"), \
            model_settings([("c_context", 0.5), ("nonsense", 1)]):
        pass
    assert PageModel().c_context == 1.0
