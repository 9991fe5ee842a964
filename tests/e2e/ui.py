"""What the browser tests do to the page: wait for Streamlit, pick in the sidebar, take pictures.

Every wait here waits for something on the page (the app's run state, a drawn chart or
table), never for a fixed time.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# A desktop and a projector-like screen.
SIZES = [(1440, 900), (1280, 720)]
FULL_HEIGHT_CAP = 6000
DEMO_ROUND = "Måling forår 2026"

# A score as the dashboard writes it: one decimal, comma in Danish, point in English.
SCORE_DA = re.compile(r"\b\d{1,3},\d\b")
SCORE_EN = re.compile(r"\b\d{1,3}\.\d\b")


def settle(page: Page) -> None:
    """Wait until the script run is over and every visible chart and table is drawn."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    # Looked up afresh when a look fails: a chart of the page just left may still be listed
    # and then go, and waiting on that one element would wait for nothing (issue 16).
    for attempt in range(3):
        try:
            for chart in page.locator(".vega-embed").filter(visible=True).all():
                expect(chart.locator("svg, canvas").first).to_be_visible(timeout=10_000)
            for table in page.get_by_test_id("stDataFrame").filter(visible=True).all():
                expect(table.locator("canvas").first).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    # Charts and tables resize on the next frames after a layout change.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shoot(page: Page, name: str) -> list[Path]:
    """Screenshots at each size (what the screen shows) and a full-length one at desktop size."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        paths.append(ARTIFACTS / f"{name}-{width}x{height}.png")
        page.screenshot(path=paths[-1])
    paths += shoot_full(page, name, *SIZES[0])
    return paths


def shoot_full(page: Page, name: str, width: int, height: int) -> list[Path]:
    """The whole page at that width, then back to width × height."""
    page.set_viewport_size({"width": width, "height": height})
    settle(page)
    # The page scrolls inside <main>; a window as tall as its content shows all of it.
    full = page.get_by_test_id("stMain").evaluate("m => m.scrollHeight")
    if full <= height:
        return []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{width}-full.png"
    page.set_viewport_size({"width": width, "height": min(full, FULL_HEIGHT_CAP)})
    settle(page)
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": height})
    settle(page)
    return [path]


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def picker(page: Page, label: str) -> Locator:
    """A sidebar selectbox, found by its label."""
    return sidebar(page).get_by_role("combobox", name=label, exact=True)


def choose(page: Page, label: str, option: str, attempts: int = 3) -> None:
    """Pick an option in a sidebar selectbox and wait for the page to run again.

    The open list can be redrawn under the pointer when the app finishes a run (the option
    is detached mid-click): then the list is closed and opened again, a few times."""
    settle(page)
    box = picker(page, label)
    for attempt in range(attempts):
        if box.input_value() == option:
            break
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            settle(page)
    expect(box).to_have_value(option)
    settle(page)


def open_overview(page: Page, workplace: str | None = None, department: str | None = None):
    """The overview of the demo round (Danish), optionally for a workplace and department."""
    expect(picker(page, "Måling")).to_be_visible()
    choose(page, "Måling", DEMO_ROUND)
    if workplace:
        choose(page, "Arbejdsplads", workplace)
    if department:
        choose(page, "Afdeling", department)
    settle(page)


def metrics(page: Page) -> dict[str, str]:
    """Metric label → shown value; "label · group" for a metric in a named group's frame."""
    return page.evaluate(
        """() => Object.fromEntries(
        [...document.querySelectorAll('[data-testid=stMain] [data-testid=stMetric]')].map(m => {
            const label = m.querySelector('[data-testid=stMetricLabel]').innerText.trim();
            const value = m.querySelector('[data-testid=stMetricValue]').innerText.trim();
            const frame = m.closest('[class*="st-key-scope-"]');
            const group = frame
                ? ' · ' + frame.querySelector('[data-testid=stMarkdownContainer]').innerText.trim()
                : '';
            return [label + group, value];
        }))"""
    )


def table(page: Page, nth: int, showing: str) -> Locator:
    """The nth dataframe on the page, once it shows ``showing``.

    A table is redrawn a moment after the script run ends, so waiting for the run is not
    enough: wait for a text that only the new content has.
    """
    found = page.get_by_test_id("stDataFrame").nth(nth)
    expect(found.locator("canvas").first).to_be_visible()
    expect(found.locator("table")).to_contain_text(showing)
    return found


def chart(page: Page, nth: int, showing: str) -> Locator:
    """The nth Vega chart on the page, once its drawing shows ``showing``."""
    found = page.locator(".vega-embed").nth(nth)
    expect(found.locator("svg, canvas").first).to_be_visible()
    expect(found.locator("svg").first).to_contain_text(showing)
    return found


def table_rows(table: Locator) -> list[list[str]]:
    """A dataframe's header and rows, read from the grid's accessible table (the canvas
    has no text)."""
    return [
        [cell.text_content() or "" for cell in row.locator("th, td").all()]
        for row in table.locator("table tr").all()
    ]


def main_text(page: Page) -> str:
    """All text of the page body: prose, metrics, chart labels and table cells."""
    return page.evaluate(_MAIN_TEXT_JS)


_MAIN_TEXT_JS = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    const parts = [main.innerText];
    for (const e of main.querySelectorAll('[data-testid=stDataFrame] table, .vega-embed svg'))
        parts.push(e.textContent);
    return parts.join('\\n');
}"""


def wait_for_text_without(page: Page, strings: list[str], ignore: str = "") -> list[str]:
    """Wait until the page body shows none of ``strings`` (tables and charts are redrawn a
    moment after the run ends); those still there when the wait runs out."""
    if not strings:
        return []
    js = f"""([strings, ignore]) => {{
        const text = ({_MAIN_TEXT_JS})().replaceAll(ignore, '');
        return !strings.some(s => text.includes(s));
    }}"""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(js, arg=[strings, ignore or "\0"], timeout=15_000)
    text = page.evaluate(_MAIN_TEXT_JS).replace(ignore or "\0", "")
    return [s for s in strings if s in text]


def overflowing_charts(page: Page) -> list[str]:
    """Charts drawn wider than the column (or page body) they stand in, by how much."""
    return page.evaluate(
        """() => {
        const found = [];
        for (const chart of document.querySelectorAll('[data-testid=stMain] .vega-embed')) {
            const drawn = chart.querySelector('svg, canvas');
            if (!drawn || chart.offsetParent === null) continue;
            const box = drawn.getBoundingClientRect();
            const room = (chart.closest('[data-testid=stColumn]')
                || chart.closest('[data-testid=stMainBlockContainer]')).getBoundingClientRect();
            const over = Math.max(box.right - room.right, room.left - box.left);
            if (over > 2) found.push(`${(drawn.textContent || '').slice(0, 40)}: ${over} px`);
        }
        return found;
    }"""
    )


def nav(page: Page, title: str) -> None:
    """Open a page from the sidebar navigation."""
    sidebar(page).get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    settle(page)
