"""Prometheus metrics for one app: requests, latency, and the labels the model hands out.

Each app gets its own registry so tests (and anything else) can build several apps in one process
without "duplicated timeseries" errors. With several uvicorn workers, set
``PROMETHEUS_MULTIPROC_DIR`` (``serve_command`` does) and `/metrics` aggregates every worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The counters and histograms the service updates."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "pagesieve_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pagesieve_http_request_duration_seconds",
            "Time from request start to the end of the response, by route template.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.blocks = Counter(
            "pagesieve_blocks",
            "Blocks labelled by the service, by label.",
            ["label"],
            registry=self.registry,
        )
        self.pages = Counter(
            "pagesieve_pages",
            "Pages classified by the service, by verdict (spam or ok).",
            ["verdict"],
            registry=self.registry,
        )
        self.feedback = Counter(
            "pagesieve_feedback",
            "Corrections stored, by the label the moderator chose.",
            ["label"],
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def observe_page(self, labels: Iterable[str], spam: bool) -> None:
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        for label, n in counts.items():
            self.blocks.labels(label).inc(n)
        self.pages.labels("spam" if spam else "ok").inc()

    def render(self) -> bytes:
        """The text exposition; aggregated over workers in multiprocess mode."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return _generate_latest(registry)
        return _generate_latest(self.registry)
