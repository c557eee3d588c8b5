"""A bounded coverage-guided fuzz run (atheris) of `classify_page`, as part of `make test`.

The target is tests/fuzz/fuzz_classify.py; its README records the long runs. Here it runs for
``PAGESIEVE_FUZZ_SECONDS`` (default 60) from generated seeds: any crash (an undocumented
exception, a score outside [0, 1], a non-deterministic result) fails the test with libFuzzer's
report and the crashing input's path. Replay a finding with
``PYTHONPATH=src .venv/bin/python tests/fuzz/fuzz_classify.py -runs=3 CRASH_FILE``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

atheris = pytest.importorskip("atheris", reason="atheris (the dev extra) is not installed")

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "fuzz" / "fuzz_classify.py"


def _report(r: subprocess.CompletedProcess[str]) -> str:
    """What explains a finding. atheris prints the Python exception on stdout (the CI log of a
    w3lib panic showed none of it: only stderr was read); stderr holds what a native library
    printed after libFuzzer's last progress line (a Rust panic and its stack), then libFuzzer's
    report."""
    lines = r.stderr.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.startswith("#")), default=-1)
    tail = "".join(lines[last + 1:])
    if len(tail) > 6000:
        tail = tail[:3000] + "\n[...]\n" + tail[-3000:]
    return f"stdout:\n{r.stdout[-4000:]}\nstderr after the last progress line:\n{tail}"


@pytest.mark.slow
def test_fuzz_classify_page_bounded_run(tmp_path: Path) -> None:
    seconds = int(os.environ.get("PAGESIEVE_FUZZ_SECONDS", "60"))
    corpus = tmp_path / "corpus"
    # this checkout's sources first, whatever the venv's editable install points at
    paths = [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    r = subprocess.run(
        [sys.executable, str(TARGET), f"-max_total_time={seconds}", "-max_len=65536",
         "-timeout=120", "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=seconds + 300, env=env, cwd=REPO,
    )
    log = _report(r)
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "oom-",
                                                                             "timeout-")))
    assert r.returncode == 0 and not crashes, f"fuzz found {crashes}:\n{log}"
    done = re.search(r"Done (\d+) runs in (\d+) second", r.stderr)
    assert done, log
    assert int(done.group(1)) > 12, log  # more than the seeds alone: the fuzzer really ran


def test_report_shows_the_python_exception_and_a_native_panic() -> None:
    """The report carries atheris's exception (stdout) and what stderr got after the progress
    lines; the CI run that hit w3lib's panic showed neither, only the stack's last frames."""
    r = subprocess.CompletedProcess(
        args=[], returncode=77,
        stdout="\n === Uncaught Python exception: ===\nPanicException: range start index 54\n",
        stderr="INFO: Seed: 1\n#100\tNEW cov: 5\nthread '<unnamed>' panicked at src/encoding"
               ".rs:250:53:\n" + "  1: frame\n" * 2000
               + "==1== ERROR: libFuzzer: fuzz target exited\n",
    )
    log = _report(r)
    assert "PanicException: range start index 54" in log
    assert "panicked at src/encoding.rs" in log and "fuzz target exited" in log
    assert "NEW cov" not in log and len(log) < 7000
