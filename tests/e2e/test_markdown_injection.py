"""Issue 16 in a real browser: names written as Markdown links and images fetch nothing and
link nowhere. A store of its own (the demo store's names are harmless), served by its own
`streamlit run`; every request to evil.example is caught by Playwright and refused.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import expect

from queries import plan_store
from queries.store import Store
from socialkapital import plans
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv
from tests.e2e import ui
from tests.e2e.conftest import APP, ROOT, Server, _free_port, _wait_until_healthy

pytestmark = pytest.mark.e2e

WORKPLACE = "![x](http://evil.example/x.png)"
LINK = "[klik](http://evil.example)"
BOLD = "**fed**"
ROUND = "Forår ![r](http://evil.example/r.png)"
STEMS = [  # after the overview, the default page
    "heatmap",
    "items",
    "correlations",
    "benchmark",
    "response",
    "reliability",
    "trends",
    "reports",
    "plans",
    "rules",
    "import_data",
    "admin",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """This module's own dashboard, over a store whose every name is Markdown."""
    tmp = tmp_path_factory.mktemp("e2e-markdown")
    db = tmp / "evil.duckdb"
    store = Store(db)
    rows = [(WORKPLACE, LINK, [4] * 21)] * 6 + [(WORKPLACE, BOLD, [2] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", store.instrument)
    store.replace_responses(parsed.responses, ROUND, date(2026, 3, 1), "svar.csv", "template")
    saved = plan_store.save(
        store,
        plans.Plan(
            workplace=WORKPLACE,
            department=LINK,
            round=ROUND,
            dimension="team",
            items=[1],
            focus_area="[fokus](http://evil.example/f)",
            description="![d](http://evil.example/d.png)",
            responsible="Holdleder",
            start_date=date(2026, 4, 1),
            deadline=date(2026, 6, 1),
        ),
    )
    plan_store.add_note(store, saved.plan_id, date(2026, 5, 1), "[note](http://evil.example/n)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALKAPITAL_")}
    env["SOCIALKAPITAL_DB"] = str(db)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "streamlit.log"
    command = [
        *[sys.executable, "-m", "streamlit", "run", str(APP)],
        *["--server.port", str(port), "--server.address", "127.0.0.1"],
        *["--server.headless", "true", "--server.fileWatcherType", "none"],
        *["--browser.gatherUsageStats", "false"],
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(proc, url, log)
        yield Server(url, db, tmp)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def title(page) -> str:
    """The page's title as read (the word joiners that break bare addresses are invisible)."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("evil.example")
    return heading.inner_text().replace("\u2060", "").strip()


def links(page) -> list[str]:
    """The addresses at evil.example that the page links to or shows an image from."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a[href], img[src]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src'))
            .filter(u => u.includes('evil.example'))"""
    )


def test_no_page_fetches_or_links_a_name(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="da-DK")
    context.set_default_timeout(30_000)
    fetched: list[str] = []

    def refuse(route) -> None:
        fetched.append(route.request.url)
        route.abort()

    # Set before the first page: the overview's title names the workplace at once.
    context.route(re.compile(r"^https?://([^/]*\.)?evil\.example"), refuse)
    page = context.new_page()
    try:
        page.goto(server.url)
        ui.settle(page)
        assert title(page) == WORKPLACE  # as typed
        linked = {"whole workplace": links(page)}
        ui.choose(page, "Afdeling", LINK)
        expect(page.get_by_role("heading", level=1)).to_contain_text("klik")
        assert title(page) == f"{WORKPLACE}: {LINK}"
        linked["overview"] = links(page)
        for stem in STEMS:
            ui.sidebar(page).locator(f"[data-testid='stSidebarNavLink'][href$='/{stem}']").click()
            expect(page).to_have_url(re.compile(rf"/{stem}$"))
            ui.settle(page)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            linked[stem] = links(page)
        linked = {where: found for where, found in linked.items() if found}
        assert linked == {}
        assert fetched == []
    finally:
        context.close()
