"""A short bounded load test of the real server on loopback (bench/bench_service.py).

300 requests from 4 clients, good pages mixed with bad bodies (broken JSON, wrong types, binary
bytes, 10k-deep nesting, oversized declared and chunked): no 5xx, no dropped connection, /healthz
answering throughout, and the server's memory after warm-up growing by less than a generous
bound. Counts and memory, not speed: nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

REPO = Path(__file__).resolve().parents[1]
RSS_GROWTH_BOUND_MB = 150  # generous: a leak of even 0.5 MB a request would pass 150


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RSS is read from /proc")
def test_short_load_run_no_5xx_healthz_up_memory_flat(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    paths = [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    r = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_service.py"), "--requests", "300",
         "--clients", "4", "--repeat", "0", "--max-body-bytes", "262144", "--time-limit", "600",
         "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
    )
    assert out.exists(), r.stdout + r.stderr
    rep = json.loads(out.read_text(encoding="utf-8"))
    assert rep["requests_sent"] == 300, rep
    assert rep["5xx"] == 0 and rep["dropped_connections"] == 0, rep
    statuses = rep["statuses"]
    assert statuses.get("200", 0) > 100, statuses  # good pages answered
    assert statuses.get("400", 0) and statuses.get("422", 0), statuses  # bad bodies refused
    assert statuses.get("413", 0), statuses  # oversized bodies (the seed sends a few)
    for kind in ("413-declared", "413-chunked"):
        k = rep["by_kind"].get(kind)
        assert k is None or k["statuses"] == {"413": k["n"]}, k
    assert rep["healthz_checks"] > 0 and rep["healthz_failures"] == 0
    assert rep["healthz_after"] == 200
    rss = rep["rss_mb"]
    assert rss["start"] and rss["warm"] and rss["end"], rss
    assert rep["rss_growth_after_warmup_mb"] < RSS_GROWTH_BOUND_MB, rss
    assert r.returncode == 0, r.stdout + r.stderr
