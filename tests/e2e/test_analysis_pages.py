"""Every analysis page in dashboard/app.py opens in a real browser and draws its chart, in
Danish and in English; the reports page gives a PDF."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parents[2]
# Pages without a chart of their own, covered by the other e2e modules (or below).
NOT_ANALYSIS = {"overview", "import_data", "rules", "reports"}


def pages_in_app() -> list[str]:
    """The views dashboard/app.py routes to, by file stem (which is also the URL path)."""
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    return re.findall(r"st\.Page\(\s*\"views/(\w+)\.py\"", source)


ANALYSIS = [p for p in pages_in_app() if p not in NOT_ANALYSIS]


def locale(lang: str) -> dict:
    return tomllib.loads((ROOT / "data" / "locales" / f"{lang}.toml").read_text("utf-8"))


def danish_only(section: str) -> list[str]:
    """The page's own strings whose Danish differs from the English (placeholders aside)."""
    da, en = locale("da").get(section, {}), locale("en").get(section, {})
    return [v for k, v in da.items() if isinstance(v, str) and "{" not in v and v != en.get(k)]


def open_page(page: Page, stem: str) -> None:
    """Pick the demo round on the overview, then follow the sidebar link to the page."""
    ui.open_overview(page)
    ui.sidebar(page).locator(f"[data-testid='stSidebarNavLink'][href$='/{stem}']").click()
    expect(page).to_have_url(re.compile(rf"/{stem}$"))
    ui.settle(page)


def no_error(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)


def charts_drawn(page: Page) -> int:
    """Every visible chart has drawn its svg or canvas; how many there are."""
    charts = page.get_by_test_id("stMain").locator(".vega-embed").filter(visible=True)
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        drawn = chart.locator("svg, canvas").first
        expect(drawn).to_be_visible()
        box = drawn.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, box
    return charts.count()


@pytest.mark.parametrize("stem", ANALYSIS)
def test_an_analysis_page_draws_its_chart_in_both_languages(page, stem):
    open_page(page, stem)
    no_error(page)
    assert charts_drawn(page) >= 1
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.shoot(page, f"{stem}-da")

    ui.sidebar(page).get_by_role("radio", name="English").click()
    expect(ui.picker(page, "Workplace")).to_be_visible()
    ui.settle(page)
    no_error(page)
    assert charts_drawn(page) >= 1
    text = ui.main_text(page).replace(ui.DEMO_ROUND, "")
    untranslated = [s for s in danish_only(stem) if s in text]
    assert not untranslated
    assert not ui.SCORE_DA.search(text)  # no decimal comma on an English page
    ui.shoot(page, f"{stem}-en")


@pytest.mark.skipif(
    "reports" not in pages_in_app(), reason="no reports page in dashboard/app.py yet"
)
def test_the_reports_page_gives_a_pdf(page):
    open_page(page, "reports")
    no_error(page)
    main = page.get_by_test_id("stMain")
    pdf_button = main.get_by_test_id("stDownloadButton").filter(has_text="PDF").first
    expect(pdf_button).to_be_visible(timeout=60_000)  # the report is built on the server
    ui.shoot(page, "reports-da")
    with page.expect_download() as download:
        pdf_button.get_by_role("button").click()
    data = Path(download.value.path()).read_bytes()
    assert len(data) > 1000
    assert data.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
