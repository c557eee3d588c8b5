"""Throughput of `pagesieve clean` beside trafilatura and resiliparse, as whole processes.

All tools get the same few hundred real pages (raw bytes, as crawled) from ../shared/data
(gne-testpages, cwced-zh, gerapy-samples, readability-zh, trafilatura-zh), repeated up to
--pages, written to a temporary folder of .html files. Each tool runs as its own process with 1
and with 2 worker processes, reads every file, extracts, and writes JSONL; wall time includes
start-up, like a user's run. The peers decode bytes their own way (trafilatura's `extract` on
bytes; resiliparse's `detect_encoding` + `bytes_to_str`), pagesieve classifies every block.

Wall time is what a user waits; CPU seconds (user + sys of the whole process tree, start-up
included) are printed too, since they hold up when other jobs share the cores.

A second part (--memory-pages, 0 to skip) runs `pagesieve clean` over a longer stream with 2
workers and samples each worker's RSS, to show memory per worker stays flat.

    .venv/bin/python bench/bench_clean.py [--pages 300] [--workers 1,2] [--memory-pages 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("PAGESIEVE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
DATA = SHARED / "data"
PEERS = ("trafilatura", "resiliparse")


# --------------------------------------------------------------------------------------------
# the pages


def real_pages() -> list[Path]:
    """The real pages, raw bytes preferred (cwced-zh keeps its GBK originals in pages_raw)."""
    pages: list[Path] = []
    pages += sorted((DATA / "gne-testpages").rglob("*.html"))
    raw = {p.name: p for p in (DATA / "cwced-zh" / "pages_raw").glob("*.html")}
    pages += [raw.get(p.name, p) for p in sorted((DATA / "cwced-zh" / "pages").glob("*.html"))]
    pages += sorted((DATA / "gerapy-samples").rglob("*.html"))
    pages += sorted((DATA / "readability-zh").rglob("source.html"))
    pages += sorted((DATA / "trafilatura-zh").rglob("*.html"))
    return pages


def stage_pages(n: int, folder: Path) -> tuple[int, int]:
    """Copy the real pages, cycled, to `folder` until there are `n`; (count, total bytes)."""
    pages = real_pages()
    if not pages:
        raise SystemExit(f"no pages under {DATA}; set PAGESIEVE_SHARED to the shared folder")
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        src = pages[i % len(pages)]
        dst = folder / f"{i:06d}.html"
        shutil.copyfile(src, dst)
        total += dst.stat().st_size
    return n, total


# --------------------------------------------------------------------------------------------
# peer processes (this script, re-run with --peer)


def _peer_extract(name: str, data: bytes) -> str:
    if name == "trafilatura":
        import trafilatura

        return trafilatura.extract(data, include_comments=False, include_tables=True) or ""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    html = bytes_to_str(data, detect_encoding(data))
    return extract_plain_text(html, main_content=True)


def _peer_file(args: tuple[str, str]) -> str:
    name, path = args
    try:
        text = _peer_extract(name, Path(path).read_bytes())
        return json.dumps({"source": path, "text": text}, ensure_ascii=False)
    except Exception as exc:  # a failure is a record too, as in pagesieve's rejects
        return json.dumps({"source": path, "error": repr(exc)})


def peer_main(name: str, folder: Path, out: Path, workers: int) -> None:
    files = [(name, str(p)) for p in sorted(folder.glob("*.html"))]
    with out.open("w", encoding="utf-8") as fh:
        if workers <= 1:
            for line in map(_peer_file, files):
                fh.write(line + "\n")
        else:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                for line in pool.imap(_peer_file, files, chunksize=4):
                    fh.write(line + "\n")


# --------------------------------------------------------------------------------------------
# timing


def pagesieve_cmd(folder: Path, out: Path, workers: int) -> list[str]:
    exe = Path(sys.executable).with_name("pagesieve")
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "pagesieve.batch"]
    return [*head, "clean", str(folder), "-o", str(out), "--workers", str(workers)]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys over the whole process tree) of one run.

    CPU is sampled per process every 0.1 s (the last 0.1 s of each process can be missed);
    rusage of children would miss workers that hang off a fork server. The end of the run is
    taken by a thread waiting on the process, not by the sampling loop, which would round
    every wall time up to its next 0.1 s tick (±4% of a 2 s run).
    """
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ended = threading.Event()
    end = [0.0]

    def wait() -> None:
        proc.wait()
        end[0] = time.perf_counter()
        ended.set()

    threading.Thread(target=wait, daemon=True).start()
    cpu: dict[int, float] = {}
    root = psutil.Process(proc.pid)
    while not ended.is_set():
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for p in tree:
            try:
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        ended.wait(0.1)
    wall = end[0] - t0
    _, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode(errors='replace')[-2000:]}")
    return wall, sum(cpu.values())


def run_tool(tool: str, folder: Path, tmp: Path, workers: int, run: int) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `tool` over `folder`."""
    out = tmp / f"out-{tool}-{workers}-{run}"
    if tool == "pagesieve":
        cmd = pagesieve_cmd(folder, out, workers)
    else:
        cmd = [sys.executable, __file__, "--peer", tool, "--input", str(folder),
               "--out", str(out) + ".jsonl", "--workers", str(workers)]
    try:
        return timed(cmd)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def count_output(out: Path) -> int:
    return sum(sum(1 for _ in p.open(encoding="utf-8")) for p in out.glob("part-*.jsonl"))


# --------------------------------------------------------------------------------------------
# memory per worker


def memory_check(n: int, tmp: Path, workers: int = 2) -> dict[str, Any]:
    import psutil

    folder = tmp / "mem-pages"
    stage_pages(n, folder)
    out = tmp / "mem-out"
    proc = subprocess.Popen(pagesieve_cmd(folder, out, workers), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    main = psutil.Process(proc.pid)
    samples: dict[int, list[tuple[float, float, float, float]]] = {}
    t0 = time.monotonic()
    while proc.poll() is None:
        try:
            kids = main.children(recursive=True)
        except psutil.Error:
            break
        # workers are the children of the fork server, itself a child of the run
        servers = set()
        for k in kids:
            try:
                if k.ppid() == main.pid and "forkserver" in " ".join(k.cmdline()):
                    servers.add(k.pid)
            except psutil.Error:
                pass
        for k in kids:
            try:
                if k.ppid() in servers:
                    m = k.memory_full_info()  # uss: only this worker's; pss: shared pages split
                    samples.setdefault(k.pid, []).append(
                        (time.monotonic() - t0, m.rss / 2**20, m.uss / 2**20, m.pss / 2**20))
            except psutil.Error:
                pass
        time.sleep(0.5)
    elapsed = time.monotonic() - t0
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    report = {}
    for pid, s in samples.items():
        if len(s) < 4:
            continue
        warm = [x for x in s if x[0] > 0.2 * elapsed] or s
        report[pid] = {
            "rss_mb_at_20pct": round(warm[0][1], 1),
            "rss_mb_at_end": round(s[-1][1], 1),
            "rss_mb_max": round(max(x[1] for x in s), 1),
            "rss_growth_mb_20pct_to_end": round(s[-1][1] - warm[0][1], 1),
            "uss_mb_at_20pct": round(warm[0][2], 1),
            "uss_mb_at_end": round(s[-1][2], 1),
            "pss_mb_at_end": round(s[-1][3], 1),
            "samples": len(s),
        }
    return {"pages": n, "workers": workers, "elapsed_s": round(elapsed, 1),
            "pages_per_s": round(n / elapsed, 1), "per_worker": report}


# --------------------------------------------------------------------------------------------


def compile_bytecode() -> int:
    """Write pagesieve's bytecode (.pyc) where it is missing or stale; the modules compiled.

    A wheel install compiles every module at install time (pip does, as it did for the peers),
    but an editable install (``make install``: ``pip install -e``) under
    ``PYTHONDONTWRITEBYTECODE=1`` never writes any, so each process would compile pagesieve's
    sources again at start-up (~70 ms, measured), a cost no installed copy has."""
    import compileall
    import importlib.util
    import io
    from contextlib import redirect_stdout

    spec = importlib.util.find_spec("pagesieve")
    if spec is None or not spec.submodule_search_locations:
        return 0
    out = io.StringIO()
    with redirect_stdout(out):
        ok = all([compileall.compile_dir(f, quiet=0) for f in spec.submodule_search_locations])
    if not ok:
        print(out.getvalue(), file=sys.stderr)
        raise SystemExit("could not compile pagesieve's modules (above)")
    return sum(1 for line in out.getvalue().splitlines() if line.startswith("Compiling"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of runs, every setting once a round (median taken)")
    ap.add_argument("--memory-pages", type=int, default=3000, help="0 skips the memory check")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--workdir", type=Path, help="where the staged pages go (default: a temp dir)")
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        peer_main(args.peer, args.input, args.out, int(args.workers))
        return

    worker_counts = [int(w) for w in args.workers.split(",")]
    print(f"pagesieve bytecode: {compile_bytecode()} modules compiled (the rest were current)")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-clean-", dir=args.workdir))
    try:
        n, size = stage_pages(args.pages, tmp / "pages")
        print(f"{n} pages ({len(real_pages())} distinct real pages, {size / 2**20:.1f} MB), "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
        # sanity: pagesieve writes one record per page
        check = tmp / "check"
        subprocess.run(pagesieve_cmd(tmp / "pages", check, 2), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rejects = sum(1 for _ in (check / "_rejects.jsonl").open())
        print(f"pagesieve: {count_output(check)} records, {rejects} rejects")
        shutil.rmtree(check)

        # Rounds: every setting once per round, so a machine that slows down or speeds up
        # during the benchmark (shared hosts do) moves all tools alike; medians per setting.
        settings = [(tool, w) for w in worker_counts for tool in ("pagesieve", *PEERS)]
        runs: dict[tuple[str, int], list[tuple[float, float]]] = {k: [] for k in settings}
        for r in range(args.repeat):
            for tool, workers in settings:
                runs[(tool, workers)].append(run_tool(tool, tmp / "pages", tmp, workers, r))
                if args.repeat > 1:
                    wall, cpu = runs[(tool, workers)][-1]
                    print(f"  round {r + 1}: {tool} {workers}w {wall:.2f} s wall, {cpu:.2f} s cpu",
                          flush=True)
        rate: dict[tuple[str, int], float] = {}
        cpu_rate: dict[tuple[str, int], float] = {}
        print(f"\n{'tool':<14}{'workers':>8}{'wall s':>10}{'pages/s':>10}{'cpu s':>10}"
              f"{'pages/cpu-s':>13}")
        for tool, workers in settings:
            secs = statistics.median(t[0] for t in runs[(tool, workers)])
            cpu = statistics.median(t[1] for t in runs[(tool, workers)])
            rate[(tool, workers)] = n / secs
            cpu_rate[(tool, workers)] = n / cpu if cpu > 0 else 0.0
            print(f"{tool:<14}{workers:>8}{secs:>10.2f}{n / secs:>10.1f}{cpu:>10.2f}"
                  f"{cpu_rate[(tool, workers)]:>13.1f}")
        print()
        ratios: dict[str, float] = {}
        for workers in worker_counts:
            for peer in PEERS:
                if ("pagesieve", workers) in rate and (peer, workers) in rate:
                    r = rate[("pagesieve", workers)] / rate[(peer, workers)]
                    ratios[f"pagesieve/{peer} ({workers}w)"] = r
                    c = cpu_rate[("pagesieve", workers)] / cpu_rate[(peer, workers)]
                    ratios[f"pagesieve/{peer} ({workers}w, per cpu-s)"] = c
        if 1 in worker_counts and 2 in worker_counts:
            for tool in ("pagesieve", *PEERS):
                ratios[f"{tool} 2w/1w"] = rate[(tool, 2)] / rate[(tool, 1)]
        for k, v in ratios.items():
            print(f"{k:<34}{v:>8.2f}x")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")

        mem = None
        if args.memory_pages:
            print(f"\nmemory per worker over {args.memory_pages} pages, 2 workers:")
            mem = memory_check(args.memory_pages, tmp)
            print(json.dumps(mem, indent=1))
        if args.json:
            args.json.write_text(json.dumps({
                "pages": n, "cores": os.cpu_count(),
                "pages_per_s": {f"{t} {w}w": round(v, 2) for (t, w), v in rate.items()},
                "pages_per_cpu_s": {f"{t} {w}w": round(v, 2) for (t, w), v in cpu_rate.items()},
                "ratios": {k: round(v, 3) for k, v in ratios.items()},
                "memory": mem,
            }, indent=1) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
