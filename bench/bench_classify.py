"""Latency of `classify_page` on one large real page, after start-up, beside the peers.

Picks the real page closest to 200 KB from ../shared/data (or takes --page PATH), warms every
extractor up once, then times N runs of each in this process and prints the median and the
ratio to each peer. Stage timings (decode, segment, features, model) show where time goes.

    .venv/bin/python bench/bench_classify.py [--page PATH] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pick_page(target: int = 200_000) -> Path:
    pages = [
        p
        for d in ("gne-testpages", "cwced-zh/pages", "gerapy-samples", "trafilatura-zh")
        for p in (SHARED / d).rglob("*.htm*")
    ]
    if not pages:
        raise SystemExit(f"no pages under {SHARED}; pass --page PATH")
    return min(pages, key=lambda p: abs(p.stat().st_size - target))


def timeit(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", type=Path)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    path = args.page or pick_page()
    data = path.read_bytes()

    from pagesieve import classify_page, load_model
    from pagesieve.decode import decode
    from pagesieve.features import page_features
    from pagesieve.segment_html import segment_html

    model = load_model()
    results: dict[str, float] = {}
    results["pagesieve"] = timeit(lambda: classify_page(data, model=model), args.runs)
    results["pagesieve (no why)"] = timeit(
        lambda: classify_page(data, model=model, explain=False), args.runs
    )
    text = decode(data).text
    page = __import__("pagesieve").read_page(data)
    feats = page_features(page)
    stages = {
        "decode": timeit(lambda: decode(data), args.runs),
        "segment": timeit(lambda: segment_html(text), args.runs),
        "features": timeit(lambda: page_features(page), args.runs),
        "model": timeit(lambda: model.label_page(page, explain=False), args.runs),
        "model+why": timeit(lambda: model.label_page(page), args.runs),
    }
    del feats
    try:
        import trafilatura

        results["trafilatura"] = timeit(lambda: trafilatura.extract(text), args.runs)
    except ImportError:
        pass
    try:
        from resiliparse.extract.html2text import extract_plain_text

        results["resiliparse"] = timeit(
            lambda: extract_plain_text(text, main_content=True), args.runs
        )
    except ImportError:
        pass
    try:
        from readability import Document

        results["readability"] = timeit(lambda: Document(text).summary(), args.runs)
    except ImportError:
        pass

    print(
        f"page: {path} ({len(data) / 1024:.0f} KB, {len(page.blocks)} blocks), "
        f"median of {args.runs} runs after a warm-up"
    )
    ours = results["pagesieve"]
    for name, sec in results.items():
        ratio = (
            "" if name.startswith("pagesieve") else f"  pagesieve is {sec / ours:.2f}x its speed"
        )
        print(f"  {name:20s} {sec * 1000:8.1f} ms{ratio}")
    print("  stages:")
    for name, sec in stages.items():
        print(f"    {name:18s} {sec * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
