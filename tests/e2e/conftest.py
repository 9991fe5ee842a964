"""A real `streamlit run` on a free port with a demo store, and Chromium driving it.

One server serves the whole e2e session (`make test` runs these tests in one process); each
test gets its own browser context, so its own Streamlit session and sidebar state. Tests that
import data add to the shared store, so every test picks the round it reads explicitly.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e import ui

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
DEMO_RESPONDENTS = 600
STARTUP_SECONDS = 60
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Server:
    url: str
    db: Path
    demo: Path  # the demo files that were loaded (for independent reference figures)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    # Bounded polling: each failed probe waits on the process itself, so a server that
    # dies at start-up fails the fixture at once instead of after the whole budget.
    for _ in range(STARTUP_SECONDS * 4):
        if _healthy(url):
            return
        try:
            proc.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        break
    proc.kill()
    raise RuntimeError(f"streamlit did not come up at {url}:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The dashboard on a free port, over a temporary store loaded with the demo data."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make system-deps installs it)")
    pytest.importorskip("playwright.sync_api")
    tmp = tmp_path_factory.mktemp("e2e")
    for old in ui.ARTIFACTS.glob("*.png"):
        old.unlink()  # pictures of this run only
    db, demo = tmp / "e2e.duckdb", tmp / "demo"
    env = {**os.environ, "SOCIALKAPITAL_DB": str(db)}
    for name in [n for n in env if n.startswith("SOCIALKAPITAL_") and n != "SOCIALKAPITAL_DB"]:
        del env[name]  # the default settings (threshold 5), whatever the shell says
    cli = [sys.executable, "-c", "from socialkapital.cli import app; app()"]
    loaded = subprocess.run(
        [*cli, "demo", "--load", "--out", str(demo), "--respondents", str(DEMO_RESPONDENTS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if loaded.returncode:
        raise RuntimeError(f"loading the demo data failed:\n{loaded.stdout}\n{loaded.stderr}")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "streamlit.log"
    command = [
        *[sys.executable, "-m", "streamlit", "run", str(APP)],
        *["--server.port", str(port), "--server.address", "127.0.0.1"],
        # Local use, whatever secrets.toml the developer's machine has.
        *["--secrets.files", "/nonexistent/secrets.toml"],
        *["--server.headless", "true"],
        # Others edit the tree while tests run; a file watcher would put a "source changed"
        # banner over the page.
        *["--server.fileWatcherType", "none"],
        *["--browser.gatherUsageStats", "false"],
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True
        )
    try:
        _wait_until_healthy(proc, url, log)
        yield Server(url, db, demo)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run, shared by every module: Playwright's sync API allows
    one running instance per thread (a second one finds the first one's event loop)."""
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make system-deps installs it)")
    # Streamlit's first run of a page imports polars, DuckDB and Altair: allow for it.
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def browser(server, chromium):
    """The browser for the demo server's tests."""
    return chromium


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(browser, server, request):
    """A fresh browser session on the dashboard, at desktop size; a failure leaves a picture."""
    context = browser.new_context(
        viewport={"width": ui.SIZES[0][0], "height": ui.SIZES[0][1]},
        locale="da-DK",
        accept_downloads=True,
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.goto(server.url)
    yield tab
    if getattr(request.node, "e2e_failed", False):
        ui.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=ui.ARTIFACTS / f"FAILED-{request.node.name}.png")
    context.close()
