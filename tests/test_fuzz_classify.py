"""A bounded coverage-guided fuzz run (atheris) of `classify_page`, as part of `make test`.

The target is tests/fuzz/fuzz_classify.py; its README records the long runs. Here it runs for
``PAGESIEVE_FUZZ_SECONDS`` (default 60) from generated seeds: any crash (an undocumented
exception, a score outside [0, 1], a non-deterministic result) fails the test with libFuzzer's
report and the crashing input's path.
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
    # the Python exception comes first, then libFuzzer's (long, native) stack: show both ends
    at = r.stderr.find("Uncaught Python exception")
    log = (r.stderr[max(0, at - 200):at + 4000] + "\n[...]\n" if at >= 0 else "") + r.stderr[-2000:]
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "oom-",
                                                                             "timeout-")))
    assert r.returncode == 0 and not crashes, f"fuzz found {crashes}:\n{log}"
    done = re.search(r"Done (\d+) runs in (\d+) second", r.stderr)
    assert done, log
    assert int(done.group(1)) > 12, log  # more than the seeds alone: the fuzzer really ran
