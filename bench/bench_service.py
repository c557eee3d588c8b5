"""Bounded load test of `pagesieve serve` on loopback, beside in-process `classify_page` time.

8 concurrent clients (threads, each with its own keep-alive connection) send a few hundred
requests, mixing good pages (JSON text/html, raw GBK HTML, batches, feedback) with bad bodies
(broken JSON, wrong types, missing fields, over-long fields, wrong Content-Type, oversized bodies
declared and chunked, 10k-deep nesting, random bytes). Bounded in count (--requests) and in time
(--time-limit). Counts 5xx answers and dropped connections; reports p50/p99 latency per kind of
request next to the in-process time of the same pages. While the load runs, a separate client
polls ``/healthz`` every half second, and the server's resident memory (RSS, the process and its
children, from /proc) is sampled: at start, after the first fifth of the requests (warm: model,
caches and arenas filled) and at the end. Exit code 1 if any 5xx, drop or failed health check was
seen.

    .venv/bin/python bench/bench_service.py --requests 400 --clients 8 \\
        --out reports/bench_service.json
    # a short run as in tests/test_service_load.py (small body limit, no in-process timing):
    .venv/bin/python bench/bench_service.py --requests 300 --clients 4 --repeat 0 \\
        --max-body-bytes 262144

Only loopback: it starts its own server on 127.0.0.1 (temp SQLite file) unless --url points at
an already running one, which must also be on 127.0.0.1/localhost.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAGESIEVE_SHARED", REPO.parent / "shared"))
DEFAULT_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class Req:
    kind: str
    good: bool
    method: str
    path: str
    body: bytes | Callable[[], Iterator[bytes]] | None = None
    ctype: str | None = None


@dataclass
class Result:
    kind: str
    good: bool
    status: int | None
    seconds: float
    error: str | None = None


def _pages() -> dict[str, str]:
    """Good pages: the built-in example (text, HTML), a 10x longer one, and the seed page."""
    from pagesieve.service.example import EXAMPLE_PAGE, example_html

    pages = {
        "example-text": EXAMPLE_PAGE,
        "example-html": example_html(),
        "long-text": "\n\n".join([EXAMPLE_PAGE] * 10),
    }
    seed = SHARED / "examples" / "seed-page.txt"
    if seed.is_file():
        pages["seed-text"] = seed.read_text(encoding="utf-8")
    return pages


def _requests(pages: dict[str, str], n: int, seed: int, limit: int) -> list[Req]:
    j = "application/json"
    good: list[Req] = []
    for name, text in pages.items():
        key = "html" if name.endswith("html") else "text"
        good.append(
            Req(
                f"json:{name}",
                True,
                "POST",
                "/v1/classify",
                json.dumps({key: text}, ensure_ascii=False).encode(),
                j,
            )
        )
    good += [
        Req(
            "raw-gbk-html",
            True,
            "POST",
            "/v1/classify",
            pages["example-html"].replace('charset="utf-8"', 'charset="gbk"').encode("gb18030"),
            "text/html; charset=gbk",
        ),
        Req("raw-text", True, "POST", "/v1/classify", pages["example-text"].encode(), "text/plain"),
        Req(
            "batch-3",
            True,
            "POST",
            "/v1/classify/batch",
            json.dumps([{"text": pages["example-text"]}] * 3, ensure_ascii=False).encode(),
            j,
        ),
        Req(
            "feedback",
            True,
            "POST",
            "/v1/feedback",
            json.dumps({"text": "加微信买外挂", "label": "ad"}, ensure_ascii=False).encode(),
            j,
        ),
        Req("healthz", True, "GET", "/healthz"),
    ]

    def chunked() -> Iterator[bytes]:
        piece = max(1, limit // 10)
        for _ in range(11):
            yield b"y" * piece

    rng = random.Random(seed)
    bad = [
        Req("broken-json", False, "POST", "/v1/classify", b'{"text": "abc', j),
        Req("wrong-type", False, "POST", "/v1/classify", b'{"text": 5}', j),
        Req("missing-field", False, "POST", "/v1/classify", b"{}", j),
        Req("extra-field", False, "POST", "/v1/feedback", b'{"text":"a","label":"ad","x":1}', j),
        Req("bad-label", False, "POST", "/v1/feedback", b'{"text":"a","label":"spam"}', j),
        Req(
            "url-too-long",
            False,
            "POST",
            "/v1/classify",
            json.dumps({"text": "a", "url": "u" * 9000}).encode(),
            j,
        ),
        Req(
            "wrong-ctype",
            False,
            "POST",
            "/v1/classify",
            b"a=b",
            "application/x-www-form-urlencoded",
        ),
        Req("empty-body", False, "POST", "/v1/classify", b"", j),
        Req("deep-nesting", False, "POST", "/v1/classify", b"[" * 10_000, j),
        Req(
            "random-bytes-html",
            False,
            "POST",
            "/v1/classify",
            bytes(rng.randrange(256) for _ in range(4096)),
            "text/html",
        ),
        Req(
            "png-as-html",
            False,
            "POST",
            "/v1/classify",
            b"\x89PNG\r\n\x1a\n" + bytes(2048),
            "text/html",
        ),
    ]
    oversized = [
        Req("413-declared", False, "POST", "/v1/classify", b"x" * (limit + 1024), "text/plain"),
        Req("413-chunked", False, "POST", "/v1/classify", chunked, "text/plain"),
    ]
    out: list[Req] = []
    for i in range(n):
        r = rng.random()
        if r < 0.6:
            out.append(good[i % len(good)])
        elif r < 0.97:
            out.append(rng.choice(bad))
        else:  # a few oversized bodies: enough to test, not enough to turn this into a copy test
            out.append(oversized[i % 2])
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(model: str | None, workers: int, limit: int) -> Iterator[tuple[str, int]]:
    tmp = tempfile.mkdtemp(prefix="pagesieve-bench-")
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "pagesieve",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--database-url",
        f"sqlite:///{tmp}/feedback.db",
        "--max-body-bytes",
        str(limit),
    ]
    if model:
        cmd += ["--model", model]
    log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: see {tmp}/server.log")
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server not ready after 120 s")
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if proc.returncode in (0, -signal.SIGTERM):  # keep the log of a server that failed
            shutil.rmtree(tmp, ignore_errors=True)


def _client_loop(base: str, work: queue.Queue[Req], out: list[Result], deadline: float) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline:
            try:
                req = work.get_nowait()
            except queue.Empty:
                return
            body = req.body() if callable(req.body) else req.body
            headers = {"content-type": req.ctype} if req.ctype else {}
            t0 = time.perf_counter()
            try:
                r = client.request(req.method, req.path, content=body, headers=headers)
                out.append(Result(req.kind, req.good, r.status_code, time.perf_counter() - t0))
            except httpx.HTTPError as exc:
                out.append(
                    Result(
                        req.kind,
                        req.good,
                        None,
                        time.perf_counter() - t0,
                        f"{type(exc).__name__}: {exc}",
                    )
                )


def _rss_mb(pid: int | None) -> float | None:
    """Resident memory of `pid` and all its descendants in MB (Linux /proc), or None."""
    if pid is None:
        return None
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            status = Path(f"/proc/{p}/status").read_text()
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1) if seen else None


def _health_loop(base: str, stop: threading.Event, out: list[int | None]) -> None:
    """Poll /healthz on its own connection while the load runs; None is a failed check."""
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            try:
                out.append(client.get("/healthz").status_code)
            except httpx.HTTPError:
                out.append(None)
            stop.wait(0.5)


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[k]


def _in_process(pages: dict[str, str], model: str | None, repeat: int) -> dict[str, float]:
    """Median ms of `classify_page` + `to_dict` for the same inputs, warm model, one thread."""
    from pagesieve.classify import classify_page
    from pagesieve.model import load_model

    m = load_model(model)
    gbk = pages["example-html"].replace('charset="utf-8"', 'charset="gbk"').encode("gb18030")
    jobs: dict[str, Callable[[], Any]] = {}
    for name, text in pages.items():
        kind = "html" if name.endswith("html") else "text"
        jobs[f"json:{name}"] = lambda t=text, k=kind: classify_page(t, kind=k, model=m).to_dict()
    jobs["raw-gbk-html"] = lambda: classify_page(
        gbk, kind="html", http_charset="gbk", model=m
    ).to_dict()
    jobs["raw-text"] = lambda: classify_page(
        pages["example-text"].encode(), kind="text", model=m
    ).to_dict()
    jobs["batch-3"] = lambda: [
        classify_page(pages["example-text"], kind="text", model=m).to_dict() for _ in range(3)
    ]
    out = {}
    for name, job in jobs.items():
        job()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            job()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(times)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--url", help="an already running server on loopback (default: start one)")
    ap.add_argument("--model", default=None, help="model file (default: the shipped model)")
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the started server")
    ap.add_argument("--time-limit", type=float, default=180.0, help="seconds; then stop sending")
    ap.add_argument("--repeat", type=int, default=10, help="in-process runs per page")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the JSON report here")
    ap.add_argument("--max-body-bytes", type=int, default=DEFAULT_LIMIT,
                    help="body limit of the started server (oversized requests go just past it)")
    a = ap.parse_args(argv)
    if a.requests > 5000 or a.clients > 64:
        ap.error("bounded test: at most 5000 requests and 64 clients")
    if a.url and urlparse(a.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        ap.error("--url must be on loopback")

    pages = _pages()
    reqs = _requests(pages, a.requests, a.seed, a.max_body_bytes)
    work: queue.Queue[Req] = queue.Queue()
    for r in reqs:
        work.put(r)
    results: list[Result] = []

    @contextmanager
    def target() -> Iterator[tuple[str, int | None]]:
        if a.url:
            yield a.url.rstrip("/"), None
        else:
            with _server(a.model, a.workers, a.max_body_bytes) as started:
                yield started

    health: list[int | None] = []
    with target() as (base, pid):
        rss_start = _rss_mb(pid)
        stop = threading.Event()
        poller = threading.Thread(target=_health_loop, args=(base, stop, health))
        poller.start()
        t0 = time.perf_counter()
        deadline = time.monotonic() + a.time_limit
        threads = [
            threading.Thread(target=_client_loop, args=(base, work, results, deadline))
            for _ in range(a.clients)
        ]
        for t in threads:
            t.start()
        rss_warm = None
        while any(t.is_alive() for t in threads):
            if rss_warm is None and len(results) >= len(reqs) // 5:
                rss_warm = _rss_mb(pid)
            time.sleep(0.05)
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        if rss_warm is None:  # the run ended before the first fifth was counted
            rss_warm = rss_start
        rss_end = _rss_mb(pid)
        stop.set()
        poller.join()
        healthz_after = httpx.get(base + "/healthz", timeout=10).status_code
        metrics_ok = httpx.get(base + "/metrics", timeout=10).status_code == 200

    inproc = _in_process(pages, a.model, a.repeat) if a.repeat > 0 else {}
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    statuses = Counter(str(r.status) if r.status is not None else "dropped" for r in results)
    five = [r for r in results if r.status is not None and r.status >= 500]
    dropped = [r for r in results if r.status is None]
    good = [r.seconds * 1000 for r in results if r.good and r.status is not None]
    bad = [r.seconds * 1000 for r in results if not r.good and r.status is not None]
    kinds = {}
    for kind, rs in sorted(by_kind.items()):
        ms = [r.seconds * 1000 for r in rs if r.status is not None]
        kinds[kind] = {
            "n": len(rs),
            "statuses": dict(Counter(str(r.status) for r in rs)),
            "p50_ms": round(_pct(ms, 50), 1),
            "p99_ms": round(_pct(ms, 99), 1),
            "in_process_ms": round(inproc[kind], 1) if kind in inproc else None,
        }
    report = {
        "requests_planned": len(reqs),
        "requests_sent": len(results),
        "not_sent_time_limit": len(reqs) - len(results),
        "clients": a.clients,
        "server_workers": a.workers if not a.url else None,
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(len(results) / wall, 1) if wall else None,
        "statuses": dict(statuses),
        "5xx": len(five),
        "dropped_connections": len(dropped),
        "drop_errors": sorted({r.error or "" for r in dropped})[:10],
        "good_p50_ms": round(_pct(good, 50), 1),
        "good_p99_ms": round(_pct(good, 99), 1),
        "bad_p50_ms": round(_pct(bad, 50), 1),
        "bad_p99_ms": round(_pct(bad, 99), 1),
        "metrics_endpoint_ok": metrics_ok,
        "healthz_checks": len(health),
        "healthz_failures": sum(1 for h in health if h != 200),
        "healthz_after": healthz_after,
        "rss_mb": {"start": rss_start, "warm": rss_warm, "end": rss_end},
        "rss_growth_after_warmup_mb": (
            round(rss_end - rss_warm, 1) if rss_end is not None and rss_warm is not None else None
        ),
        "by_kind": kinds,
        "cpu_count": os.cpu_count(),
    }
    print(
        f"{report['requests_sent']} requests in {report['wall_seconds']} s with {a.clients} "
        f"clients: statuses {report['statuses']}, 5xx {report['5xx']}, dropped "
        f"{report['dropped_connections']}"
    )
    print(
        f"good p50 {report['good_p50_ms']} ms, p99 {report['good_p99_ms']} ms; "
        f"bad p50 {report['bad_p50_ms']} ms, p99 {report['bad_p99_ms']} ms"
    )
    print(
        f"healthz: {report['healthz_checks']} checks during the load, "
        f"{report['healthz_failures']} failed, {healthz_after} after; server RSS MB "
        f"{report['rss_mb']} (growth after warm-up {report['rss_growth_after_warmup_mb']})"
    )
    print(f"{'kind':<22}{'n':>5}{'p50 ms':>10}{'p99 ms':>10}{'in-proc ms':>12}  statuses")
    for kind, k in kinds.items():
        ip = f"{k['in_process_ms']:.1f}" if k["in_process_ms"] is not None else "-"
        print(
            f"{kind:<22}{k['n']:>5}{k['p50_ms']:>10.1f}{k['p99_ms']:>10.1f}{ip:>12}  "
            f"{k['statuses']}"
        )
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if five or dropped or report["healthz_failures"] or healthz_after != 200 else 0


if __name__ == "__main__":
    sys.exit(main())
