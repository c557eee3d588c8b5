"""Limits: read from the environment, and each one enforced and explained through the API, the
CLI, the batch runner and the service (max_bytes in batch sources and the service body limit are
also covered in test_batch_sources.py and test_service_api.py::test_413_*)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pagesieve import InputTooLarge, LimitExceeded, classify_page
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
    monkeypatch.delenv("PAGESIEVE_MAX_BLOCKS")
    for off in ("0", "-1"):  # it would refuse every page: said once, not per page
        monkeypatch.setenv("PAGESIEVE_MAX_BYTES", off)
        with pytest.raises(ValueError, match=r"PAGESIEVE_MAX_BYTES\)? must be a positive"):
            Limits.from_env()


# --- every limit, enforced and explained -------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
PARAS = [f"第{n}段：城市交通改善以后，市民出行更加方便，公交线路也增加了。" for n in range(10)]
LONG = "长" * 300
PAGE = "<html><body>" + "".join(f"<p>{p}</p>" for p in PARAS) + f"<p>{LONG}</p></body></html>"
SMALL = Limits(max_blocks=4, max_block_chars=100)


def _cli(*args: str, env: dict[str, str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pagesieve", *args],
        input=stdin, capture_output=True, timeout=300, env={**os.environ, **env},
    )


def test_block_limits_through_the_api_fold_and_are_recorded() -> None:
    res = classify_page(PAGE, limits=SMALL)
    assert len(res.blocks) == 4
    # nothing lost: the folded text is in the last block
    assert all(p in " ".join(lb.block.text for lb in res.blocks) for p in PARAS)
    assert LONG in res.blocks[-1].block.text
    notes = res.to_dict()["limits"]
    assert any(n.startswith("max_blocks: ") and "4 blocks" in n for n in notes)
    assert any(n.startswith("max_block_chars: 1 block(s) longer than 100") for n in notes)
    # under the limits: no `limits` field at all
    assert "limits" not in classify_page(PAGE).to_dict()


def test_a_page_of_exactly_max_blocks_has_no_note() -> None:
    """Nothing is folded when a page has just as many blocks as the limit: no note (the
    record said the limit was reached and later text folded)."""
    for kind, page in (("text", "第一段。\n\n第二段。\n\n第三段。"),
                       ("html", "<p>第一段。</p><p>第二段。</p><p>第三段。</p>")):
        exact = classify_page(page, kind=kind, limits=Limits(max_blocks=3)).to_dict()  # type: ignore[arg-type]
        assert "limits" not in exact and len(exact["blocks"]) == 3, kind
        over = classify_page(page, kind=kind, limits=Limits(max_blocks=2)).to_dict()  # type: ignore[arg-type]
        assert over["limits"] == ["max_blocks: the page has more than 2 blocks; the text past "
                                  "the limit is folded into the last block"], kind
        assert "第三段" in over["blocks"][-1]["text"]


def test_block_chars_limit_changes_what_the_tokenizer_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pagesieve import features

    seen: list[int] = []
    real = features.tokenize_shaped

    def spy(text: str, shape: Any, *, max_chars: int = 4000, cut: Any = None) -> list[str]:
        seen.append(max_chars)
        return real(text, shape, max_chars=max_chars, cut=cut)

    monkeypatch.setattr(features, "tokenize_shaped", spy)
    features._memo_words.cache_clear()  # short blocks are memoised per (text, cap)
    classify_page(PAGE, limits=Limits(max_block_chars=37))
    assert 37 in seen and 4000 not in seen


def test_bytes_and_time_limits_through_the_api() -> None:
    with pytest.raises(InputTooLarge, match="over the limit of 100"):
        classify_page(PAGE.encode(), limits=Limits(max_bytes=100))
    with pytest.raises(InputTooLarge):  # text is measured in UTF-8 bytes too
        classify_page("汉" * 40, limits=Limits(max_bytes=100))
    with pytest.raises(LimitExceeded, match=r"time limit: .* over the limit of 1e-06s"):
        classify_page(PAGE, limits=Limits(max_seconds=1e-6))
    assert classify_page(PAGE, limits=Limits(max_seconds=0)).blocks  # 0 = no time limit


def test_limits_through_the_cli_from_the_environment() -> None:
    r = _cli("classify", "-", "--format", "json", stdin=PAGE.encode(),
             env={"PAGESIEVE_MAX_BLOCKS": "4", "PAGESIEVE_MAX_BLOCK_CHARS": "100"})
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert len(rec["blocks"]) == 4 and len(rec["limits"]) == 2
    r = _cli("classify", "-", stdin=PAGE.encode(), env={"PAGESIEVE_MAX_BYTES": "100"})
    assert r.returncode == 2 and r.stdout == b""
    assert r.stderr.decode().startswith("pagesieve: error: input is ")
    assert "over the limit of 100" in r.stderr.decode() and b"Traceback" not in r.stderr
    r = _cli("classify", "-", stdin=PAGE.encode(), env={"PAGESIEVE_MAX_BYTES": "-1"})
    assert r.returncode == 2 and "must be a positive number of bytes" in r.stderr.decode()
    r = _cli("classify", "-", stdin=PAGE.encode(), env={"PAGESIEVE_MAX_SECONDS": "0.000001"})
    assert r.returncode == 2 and "time limit" in r.stderr.decode()
    assert len(r.stderr.decode().strip().splitlines()) == 1


def test_limits_in_batch_runs_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastwarc")
    from pagesieve.batch.cli_commands import clean_command

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.html").write_text(PAGE, encoding="utf-8")
    (inp / "big.html").write_text(PAGE * 20, encoding="utf-8")
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCKS", "4")
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCK_CHARS", "100")
    monkeypatch.setenv("PAGESIEVE_MAX_BYTES", str(len(PAGE.encode()) + 10))
    out = tmp_path / "out"
    assert clean_command([inp], out, workers=1, blocks=True) == 0
    recs = [json.loads(x) for p in out.glob("part-*") for x in p.read_text("utf-8").splitlines()]
    assert [Path(r["source"]).name for r in recs] == ["a.html"]
    assert len(recs[0]["blocks"]) == 4 and len(recs[0]["limits"]) == 2
    rejects = [json.loads(x) for x in (out / "_rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(Path(r["source"]).name, r["offset"]) for r in rejects] == [("big.html", 0)]
    assert "over the limit" in rejects[0]["reason"]
    # the time limit: every page becomes a reject that says so, and the run still completes
    monkeypatch.delenv("PAGESIEVE_MAX_BYTES")
    out2 = tmp_path / "out2"
    assert clean_command([inp], out2, workers=1, max_seconds=0.001) == 0
    rejects = [json.loads(x) for x in (out2 / "_rejects.jsonl").read_text("utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in rejects) == ["a.html", "big.html"]
    assert all("time limit" in r["reason"] for r in rejects)


def test_limits_in_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from pagesieve.service import create_app

    monkeypatch.setenv("PAGESIEVE_MAX_BLOCKS", "4")
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCK_CHARS", "100")
    db = f"sqlite:///{tmp_path / 'f.db'}"
    with TestClient(create_app(database_url=db, max_body_bytes=4096),
                    raise_server_exceptions=False) as c:
        r = c.post("/v1/classify", json={"html": PAGE})
        assert r.status_code == 200 and len(r.json()["blocks"]) == 4
        assert len(r.json()["limits"]) == 2
        r = c.post("/v1/classify", content=PAGE.encode() * 3, headers={"content-type": "text/html"})
        assert r.status_code == 413 and "limit" in r.json()["detail"]
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "0.000001")
    with TestClient(create_app(database_url=db), raise_server_exceptions=False) as c:
        r = c.post("/v1/classify", json={"html": PAGE})
        assert r.status_code == 422 and "time limit" in r.json()["detail"]
        assert c.get("/healthz").status_code == 200


def test_cli_interrupts_a_stage_that_runs_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI owns its process, so its time limit stops a stage midway (SIGALRM), where
    classify_page alone could only notice after the stage."""
    from typer.testing import CliRunner

    from pagesieve import classify as classify_mod
    from pagesieve.cli import app

    real_read = classify_mod.read_page
    steps: list[int] = []

    def slow_read(*args: object, **kwargs: object) -> object:
        for i in range(200):  # a stage that would take 20 s
            steps.append(i)
            time.sleep(0.1)
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(classify_mod, "read_page", slow_read)
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "0.5")
    res = CliRunner().invoke(app, ["classify", "-"], input=PAGE)
    assert res.exit_code == 2, res.output
    # the preemptive message ("longer than"), not the between-stages one ("took 20.0s to read")
    assert "time limit: the page took longer than 0.5s" in res.stderr
    assert len(steps) < 200  # interrupted inside the stage
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "0")  # 0: no limit; the alarm is disarmed
    monkeypatch.setattr(classify_mod, "read_page", real_read)
    assert CliRunner().invoke(app, ["classify", "-"], input=PAGE).exit_code == 0


# --- odd time limits: NaN is refused, inf (like 0) means none, a huge one never overflows ------


def test_nan_time_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="max_seconds must be a number of seconds"):
        Limits(max_seconds=float("nan"))
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "nan")
    with pytest.raises(ValueError, match="PAGESIEVE_MAX_SECONDS must be a number of seconds"):
        Limits.from_env()


def test_time_limit_accepts_inf_and_huge_values(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from pagesieve.limits import MAX_ALARM_SECONDS, time_limit

    def boom() -> BaseException:
        return AssertionError("the alarm fired")

    # the timers asked for, not the timer's state: a test runner may hold its own alarm
    asked: list[float] = []
    real = signal.setitimer

    def setitimer(which: int, seconds: float, *rest: float) -> tuple[float, float]:
        asked.append(seconds)
        return real(which, seconds, *rest)

    monkeypatch.setattr(signal, "setitimer", setitimer)
    with time_limit(float("inf"), boom):  # no limit: no alarm at all
        pass
    assert asked == []
    for huge in (1e20, 1e10):  # beyond what setitimer takes: capped, not OverflowError
        asked.clear()
        with time_limit(huge, boom):
            pass
        assert len(asked) == 2 and 0 < asked[0] <= MAX_ALARM_SECONDS and asked[1] == 0
    assert classify_page(PAGE, limits=Limits(max_seconds=float("inf"))).blocks


def test_odd_time_limits_through_classify(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pagesieve.cli import app

    for value in ("inf", "1e20", "-inf"):
        monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", value)
        res = CliRunner().invoke(app, ["classify", "-", "-f", "text"], input=PAGE)
        assert res.exit_code == 0, (value, res.output, res.exception)
        assert PARAS[0] in res.stdout
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "nan")
    res = CliRunner().invoke(app, ["classify", "-"], input=PAGE)
    assert res.exit_code == 2 and res.stdout == ""
    want = "pagesieve: error: PAGESIEVE_MAX_SECONDS must be a number of seconds, not 'nan'\n"
    assert res.stderr == want


def test_odd_time_limits_through_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastwarc")
    from typer.testing import CliRunner

    from pagesieve.cli import app

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.html").write_text(PAGE, encoding="utf-8")
    for i, value in enumerate(("inf", "1e20")):
        out = tmp_path / f"out{i}"
        res = CliRunner().invoke(
            app, ["clean", str(inp), "-o", str(out), "--workers", "1", "--max-seconds", value]
        )
        assert res.exit_code == 0, (value, res.output)
        assert (out / "_rejects.jsonl").read_text("utf-8") == ""  # no OverflowError rejects
        assert len(list(out.glob("part-*"))) == 1
    res = CliRunner().invoke(
        app, ["clean", str(inp), "-o", str(tmp_path / "nan"), "--max-seconds", "nan"]
    )
    assert res.exit_code == 2 and "--max-seconds must be a number of seconds" in res.stderr
    assert not (tmp_path / "nan").exists()
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "nan")  # read before the run; no traceback
    res = CliRunner().invoke(app, ["clean", str(inp), "-o", str(tmp_path / "nan")])
    assert res.exit_code == 2 and "PAGESIEVE_MAX_SECONDS must be" in res.stderr


def test_odd_time_limits_in_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from pagesieve.service import create_app
    from pagesieve.service.cli_commands import serve_command

    db = f"sqlite:///{tmp_path / 'f.db'}"
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "inf")
    with TestClient(create_app(database_url=db), raise_server_exceptions=False) as c:
        assert c.post("/v1/classify", json={"html": PAGE}).status_code == 200
    monkeypatch.setenv("PAGESIEVE_MAX_SECONDS", "nan")
    with pytest.raises(ValueError, match="PAGESIEVE_MAX_SECONDS"):
        create_app(database_url=db)
    assert serve_command(database_url=db) == 2  # one line, before uvicorn starts


def test_huge_block_limits_mean_no_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block limit past what a C size holds is no limit in effect: it used to be an
    OverflowError in the compiled walk and tokenizer (a traceback in `classify`, a reject for
    every HTML page in `clean`, a 500 in the service)."""
    huge = 10**25
    lim = Limits(max_blocks=huge, max_block_chars=huge, max_bytes=huge)
    assert (lim.max_blocks, lim.max_block_chars, lim.max_bytes) == (sys.maxsize,) * 3
    html = "<html><body>" + "".join(f"<p>第{i}段。</p>" for i in range(30)) + "</body></html>"
    want = classify_page(html, limits=Limits(max_blocks=0, max_block_chars=0)).to_dict()
    assert classify_page(html, limits=lim).to_dict() == want
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCKS", str(huge))
    monkeypatch.setenv("PAGESIEVE_MAX_BLOCK_CHARS", str(huge))
    assert Limits.from_env().max_blocks == sys.maxsize
    proc = subprocess.run([sys.executable, "-m", "pagesieve", "classify", "-", "--kind", "html"],
                          input=html.encode(), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert [b["text"] for b in json.loads(proc.stdout)["blocks"]] == [
        b["text"] for b in want["blocks"]]
