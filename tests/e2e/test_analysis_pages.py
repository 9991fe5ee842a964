"""Every analysis page in dashboard/app.py opens in a real browser and draws its chart, in
Danish and in English; the reports page gives a PDF."""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import reference as ref
from tests.e2e import ui
from tests.e2e.reference import close, close_whole

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Pages without a chart of their own, covered by the other e2e modules (or below).
NOT_ANALYSIS = {
    "overview",
    "import_data",
    "kit",
    "rules",
    "reports",
    "plans",
    "reliability",
    "admin",
}
ROUND_FILE = "maaling-foraar-2026.csv"  # the demo file behind ui.DEMO_ROUND


def pages_in_app() -> list[str]:
    """The views dashboard/app.py routes to, by file stem (which is also the URL path)."""
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    return re.findall(r"st\.Page\(\s*\"views/(\w+)\.py\"", source)


PAGES = pages_in_app()
ANALYSIS = [p for p in PAGES if p not in NOT_ANALYSIS]


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
    assert not ui.wait_for_text_without(
        page, danish_only(stem), ignore="Måling forår 202"
    )  # the demo rounds: data, not UI text
    assert not ui.SCORE_DA.search(ui.main_text(page))  # no decimal comma on an English page
    ui.shoot(page, f"{stem}-en")


# Charts found wider than their column at 1280×720, reported to the lead; remove a page from
# here when its chart fits (strict: the test then says so).
KNOWN_OVERFLOW = {}


@pytest.mark.parametrize(
    "stem",
    [
        pytest.param(
            stem,
            marks=pytest.mark.xfail(
                stem in KNOWN_OVERFLOW,
                reason=KNOWN_OVERFLOW.get(stem, ""),
                raises=AssertionError,
                strict=True,
            ),
        )
        for stem in ANALYSIS
    ],
)
def test_charts_fit_their_columns_on_a_projector(page, stem):
    # English labels are the longer ones; a 1280×720 projector gives the least room.
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, stem)
    assert charts_drawn(page) >= 1
    danish = ui.overflowing_charts(page)
    ui.sidebar(page).get_by_role("radio", name="English").click()
    expect(ui.picker(page, "Workplace")).to_be_visible()
    ui.settle(page)
    ui.wait_for_text_without(
        page, danish_only(stem), ignore="Måling forår 202"
    )  # the demo rounds: data, not UI text
    ui.settle(page)
    english = ui.overflowing_charts(page)
    ui.shoot_full(page, f"{stem}-en", 1280, 720)
    assert (danish, english) == ([], [])


def downloaded(page: Page, button) -> tuple[bytes, str]:
    """Click a download button; the file's bytes and suggested name."""
    with page.expect_download() as download:
        button.click()
    return Path(download.value.path()).read_bytes(), download.value.suggested_filename


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


# A workplace report's section on how the forms go together: correlations have two decimals.
CORRELATIONS = {
    "da": ("Hvordan hænger de fire former sammen?", "sammenlignet med sig selv."),
    "en": ("How do the four forms hang together?", "set against itself."),
}


def correlations(text: str, lang: str) -> str:
    start, end = CORRELATIONS[lang]
    return text[text.index(start) : text.index(end, text.index(start))]


def without_correlations(text: str, lang: str) -> str:
    return text.replace(correlations(text, lang), "")


@pytest.mark.skipif("reports" not in PAGES, reason="no reports page in dashboard/app.py yet")
def test_the_reports_page_gives_a_pdf_with_the_right_numbers(page, server):
    people = ref.answers(server.demo, ROUND_FILE, "Kommunens Borgerservice")
    expected = ref.overall(people)
    open_page(page, "reports")
    no_error(page)
    main = page.get_by_test_id("stMain")
    button = main.get_by_role("button", name="Hent PDF")
    expect(button).to_be_visible(timeout=60_000)  # the report is built on the server
    ui.shoot(page, "reports-da")
    data, name = downloaded(page, button)
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert name.endswith(".pdf")
    text = pdf_text(data)
    assert "Kommunens Borgerservice" in text
    # The two numbers on the front, whole (issue 17): the workplace's own overall score.
    front = re.search(r"Social kapital samlet\s+Kommunens Borgerservice\s+(\d+)\s", text)
    assert front and close_whole(front[1], expected), (front, expected)
    # No decimals in the report, but in its table of how the forms go together (0,62).
    assert re.search(r"0,\d\d", correlations(text, "da"))
    assert not ui.SCORE_DA.search(without_correlations(text, "da"))

    # Every report of the workplace as one ZIP file: one PDF per department with enough
    # answers, and one for the whole workplace.
    main.get_by_role("button", name="Lav ZIP-fil").click()
    zip_button = main.get_by_role("button", name="Hent ZIP-fil")
    # Nine PDFs with charts: slow when the other test worker is busy too.
    expect(zip_button).to_be_visible(timeout=120_000)
    data, name = downloaded(page, zip_button)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)
    sizes = ref.departments(server.demo, ROUND_FILE, "Kommunens Borgerservice")
    departments = {n.rpartition("/")[2].removesuffix(".pdf") for n in pdfs}
    assert {d for d, n in sizes.items() if n >= 5} < departments
    assert not {d for d, n in sizes.items() if n < 5} & departments
    assert len(pdfs) == 1 + sum(1 for n in sizes.values() if n >= 5)  # and the workplace's
    ui.shoot(page, "reports-zip")

    # A department below the threshold gets no report, and says why.
    ui.choose(page, "Afdeling", "Tolkebistand")
    expect(main.get_by_role("button", name="Hent PDF")).to_have_count(0)
    expect(main.get_by_test_id("stAlert").first).to_be_visible()
    ui.shoot(page, "reports-hidden-department")

    # In English the report is English (whole numbers there too).
    ui.choose(page, "Afdeling", "Hele arbejdspladsen")
    ui.sidebar(page).get_by_role("radio", name="English").click()
    button = main.get_by_role("button", name="Download PDF")
    expect(button).to_be_visible(timeout=60_000)
    data, _ = downloaded(page, button)
    text = pdf_text(data)
    assert data.startswith(b"%PDF")
    front = re.search(r"Overall social capital\s+Kommunens Borgerservice\s+(\d+)\s", text)
    assert front and close_whole(front[1], expected), (front, expected)
    assert re.search(r"0\.\d\d", correlations(text, "en"))
    rest = without_correlations(text, "en")
    assert not ui.SCORE_DA.search(rest) and not ui.SCORE_EN.search(rest)


@pytest.mark.skipif("heatmap" not in PAGES, reason="no heatmap page in dashboard/app.py yet")
def test_the_heatmap_table_downloads_with_the_right_numbers(page, server, ins):
    open_page(page, "heatmap")
    panel = page.get_by_role("tabpanel").filter(visible=True)
    data, name = downloaded(page, panel.get_by_role("button", name="CSV", exact=True).first)
    assert name.endswith(".csv")
    # Danish CSV: semicolons and decimal commas, as a Danish spreadsheet expects.
    rows = {
        r["Afdeling"]: r
        for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    }
    forms = {d.key: d.short["da"] for d in ins.dimensions}
    people = ref.answers(server.demo, ROUND_FILE, "Kommunens Borgerservice", "Telefonservice")
    for key, label in forms.items():
        score, n = ref.form(people, key)
        assert close(rows["Telefonservice"][label], score), (label, rows["Telefonservice"])
        assert rows["Telefonservice"][f"{label} (n)"] == str(n)
    # A department below the threshold: its row has no scores.
    assert all(rows["Tolkebistand"][label] == "" for label in forms.values())


OTHER = [p for p in PAGES if p in {"rules", "plans", "reliability"}]


@pytest.mark.parametrize("stem", OTHER)
def test_a_page_without_charts_opens_in_both_languages(page, stem):
    open_page(page, stem)
    no_error(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.shoot(page, f"{stem}-da")
    ui.sidebar(page).get_by_role("radio", name="English").click()
    expect(ui.picker(page, "Workplace")).to_be_visible()
    ui.settle(page)
    no_error(page)
    ui.shoot(page, f"{stem}-en")
