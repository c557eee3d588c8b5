"""End to end: `pagesieve serve` in a subprocess, the moderation page in a real headless Chromium.

Paste a page, see the cheat adverts marked ``data-label="ad"``, correct one block's label,
restart the server on the same SQLite file, and find the correction both in the export and on
the page. Runs on the made-up example page everywhere, and on ../shared's seed page where present.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install -y chromium``) driven by the
Playwright Python package; Playwright's own browser downloads are never used. In CI (``CI=true``)
a missing browser is a failure, elsewhere a skip with the reason.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pagesieve.service.example import EXAMPLE_CHEAT_MARKERS, EXAMPLE_PAGE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Cheat-software words of the seed page's adverts (docs/labels.md: game cheats are `ad`).
SEED_CHEAT_MARKERS = ("助赢神器", "辅助器", "开挂", "外挂")


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required in CI: apt-get install -y chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_sync() -> Any:
    try:
        from playwright import sync_api
    except ImportError:
        _missing("the playwright Python package is not installed")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    return sync_api


@pytest.fixture(scope="module")
def model_path() -> Path:
    env = os.environ.get("PAGESIEVE_MODEL")
    p = Path(env) if env else REPO / "models" / "pagesieve.joblib"
    if not p.is_file():
        pytest.skip(f"needs the trained model at {p} (run `make model`)")
    return p


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(model: Path, db_url: str, log: Path) -> Iterator[str]:
    """`pagesieve serve` on a free loopback port; yields its base URL once /readyz says ready."""
    import httpx

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
        "--model",
        str(model),
        "--database-url",
        db_url,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _classify_in_browser(page: Any, base: str, text: str) -> list[dict[str, str]]:
    page.goto(base + "/")
    page.fill("textarea[name=page]", text)
    page.click("button#classify")
    page.wait_for_selector("li.block")
    blocks: list[dict[str, str]] = page.eval_on_selector_all(
        "li.block",
        "els => els.map(e => ({label: e.dataset.label, corrected: e.dataset.corrected || '',"
        " text: e.querySelector('.text').textContent}))",
    )
    return blocks


def _run_moderation_flow(
    sync_api: Any, model: Path, tmp_path: Path, text: str, ad_markers: tuple[str, ...]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'feedback.db'}"
    log = tmp_path / "server.log"
    problems: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            with _server(model, db_url, log) as base:
                blocks = _classify_in_browser(page, base, text)
                assert len(blocks) >= 5
                ads = [b for b in blocks if any(m in b["text"] for m in ad_markers)]
                assert ads, "the page has cheat adverts"
                wrong = [b for b in ads if b["label"] != "ad"]
                assert not wrong, f"cheat adverts not marked ad: {wrong}"

                # Correct the first non-ad block to `comment` (or `related` if it is a comment).
                target = next(i for i, b in enumerate(blocks) if b["label"] != "ad")
                new_label = "related" if blocks[target]["label"] == "comment" else "comment"
                item = page.locator("li.block").nth(target)
                item.locator("select[name=label]").select_option(new_label)
                # a double click (and a click once saved) stores it once (it stored it twice)
                item.locator("form.correct button[type=submit]").dblclick()
                sync_api.expect(item.locator("output.status")).to_have_text("saved")
                item.locator("form.correct button[type=submit]").click()
                assert item.get_attribute("data-label") == new_label
                assert item.get_attribute("data-corrected") == "true"
                was = blocks[target]["label"]  # the score shown is that label's: say so
                sync_api.expect(item.locator(".corrected")).to_have_text(
                    f"corrected from {was} just now")
                target_text = blocks[target]["text"]

            with _server(model, db_url, log) as base:  # a fresh process on the same database
                export = page.request.get(base + "/v1/feedback/export")
                assert export.ok
                rows = [json.loads(x) for x in export.text().splitlines() if x.strip()]
                assert [(r["text"], r["label"]) for r in rows] == [(target_text, new_label)]
                assert rows[0]["predicted"] == blocks[target]["label"]

                page.goto(base + "/")
                recent = page.locator("section.recent li.correction")
                assert recent.count() == 1
                assert recent.first.get_attribute("data-label") == new_label

                again = _classify_in_browser(page, base, text)
                marked = [b for b in again if b["text"] == target_text]
                assert marked and all(
                    b["label"] == new_label and b["corrected"] == "true" for b in marked
                )
        finally:
            browser.close()
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not csp, f"the page broke its own CSP: {csp}"
    assert not problems, f"browser errors: {problems}"


def test_moderation_in_browser_example_page(
    playwright_sync: Any, model_path: Path, tmp_path: Path
) -> None:
    _run_moderation_flow(playwright_sync, model_path, tmp_path, EXAMPLE_PAGE, EXAMPLE_CHEAT_MARKERS)


@pytest.mark.shared
def test_moderation_in_browser_seed_page(
    playwright_sync: Any, model_path: Path, tmp_path: Path, seed_page: Path
) -> None:
    text = seed_page.read_text(encoding="utf-8")
    _run_moderation_flow(playwright_sync, model_path, tmp_path, text, SEED_CHEAT_MARKERS)
