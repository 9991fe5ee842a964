"""The overview in a real browser: demo data in Danish, English, filters, a hidden department."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import reference as ref
from tests.e2e import ui
from tests.e2e.reference import close_whole

pytestmark = pytest.mark.e2e

ROUND_FILE = "maaling-foraar-2026.csv"  # the demo file behind ui.DEMO_ROUND
LOCALES = Path(__file__).resolve().parents[2] / "data" / "locales"


def danish_only_strings() -> list[str]:
    """UI strings whose Danish differs from the English; none may show on an English page."""
    da = tomllib.loads((LOCALES / "da.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((LOCALES / "en.toml").read_text(encoding="utf-8"))
    found = []
    for section in ("app", "nav", "overview"):
        for key, value in da.get(section, {}).items():
            english = en.get(section, {}).get(key)
            if isinstance(value, str) and "{" not in value and value != english:
                found.append(value)
    return found


def test_the_dashboard_opens_in_danish_with_demo_data(page, server):
    ui.open_overview(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunens Borgerservice")
    people = ref.answers(server.demo, ROUND_FILE, "Kommunens Borgerservice")
    m = ui.metrics(page)
    overall = m["Social kapital samlet · Hele arbejdspladsen"]
    assert re.fullmatch(r"\d{2}", overall), overall  # a whole number (issue 17)
    assert close_whole(overall, ref.overall(people))
    assert m["Besvarelser · Hele arbejdspladsen"] == str(len(people))
    assert re.fullmatch(r"\d{1,3} %", m["Svarprocent · Hele arbejdspladsen"])
    # Wait for this workplace's n: the grid is redrawn a moment after the run, and a page
    # opened on another round shows the same column heading.
    first_n = ref.form(people, next(iter(ref.FORMS)))[1]
    forms = ui.table_rows(ui.table(page, 0, f"n = {first_n}"))
    assert forms[0] == ["Form", "Hele arbejdspladsen"]
    for (_, cell), key in zip(forms[1:], ref.FORMS, strict=True):
        score, n = ref.form(people, key)
        # The score, its 95 % interval, the n, and maybe the 'uncertain' marker.
        shown = re.fullmatch(r"(\d+) \(\d+–\d+\) · n = (\d+)( · usikker)?", cell)
        assert shown and close_whole(shown[1], score) and int(shown[2]) == n, cell
    expect(ui.sidebar(page)).to_contain_text("Anonymitetsgrænse")
    ui.chart(page, 0, "Inden for teamet")
    ui.table(page, 1, "Tolkebistand")
    ui.shoot(page, "overview-da")


def test_english_changes_the_labels_and_the_decimal_mark(page, server):
    ui.open_overview(page)
    ui.sidebar(page).get_by_role("radio", name="English").click()
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Overview")
    ui.settle(page)
    m = ui.metrics(page)
    overall = m["Overall social capital · Whole workplace"]
    assert re.fullmatch(r"\d{2}", overall), overall  # a whole number in either language
    people = ref.answers(server.demo, ROUND_FILE, "Kommunens Borgerservice")
    assert close_whole(overall, ref.overall(people))
    expect(ui.picker(page, "Workplace")).to_have_value("Kommunens Borgerservice")
    ui.chart(page, 0, "Within the team")
    ui.table(page, 0, "Whole workplace")
    ui.table(page, 1, "Response rate")
    # (The round's name is data, not a UI string.)
    assert not ui.wait_for_text_without(page, danish_only_strings(), ignore=ui.DEMO_ROUND)
    sidebar = ui.sidebar(page).inner_text()
    assert not [s for s in danish_only_strings() if s in sidebar]
    assert not ui.SCORE_DA.search(ui.main_text(page))
    ui.shoot(page, "overview-en")


def test_the_department_picker_follows_the_language(page):
    ui.open_overview(page)
    ui.sidebar(page).get_by_role("radio", name="English").click()
    expect(ui.picker(page, "Department")).to_be_visible()
    ui.settle(page)
    assert ui.picker(page, "Department").input_value() == "Whole workplace"


def test_workplace_and_department_filters_change_the_numbers(page, server):
    ui.open_overview(page)
    first = ui.metrics(page)["Social kapital samlet · Hele arbejdspladsen"]

    ui.choose(page, "Arbejdsplads", "Vestjysk Mejeri")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vestjysk Mejeri")
    m = ui.metrics(page)
    workplace = m["Social kapital samlet · Hele arbejdspladsen"]
    assert workplace != first
    truth = ref.overall(ref.answers(server.demo, ROUND_FILE, "Vestjysk Mejeri"))
    assert close_whole(workplace, truth)
    ui.table(page, 1, "Ostemejeri")
    ui.chart(page, 0, "Inden for teamet")
    ui.shoot(page, "overview-workplace")

    ui.choose(page, "Afdeling", "Ostemejeri")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vestjysk Mejeri: Ostemejeri")
    people = ref.answers(server.demo, ROUND_FILE, "Vestjysk Mejeri", "Ostemejeri")
    m = ui.metrics(page)
    assert close_whole(m["Social kapital samlet · Afdelingen"], ref.overall(people))
    assert m["Besvarelser · Afdelingen"] == str(len(people))
    assert m["Social kapital samlet · Hele arbejdspladsen"] == workplace  # unchanged beside it
    forms = ui.table_rows(ui.table(page, 0, "Afdelingen"))
    assert forms[0] == ["Form", "Afdelingen", "Hele arbejdspladsen"]
    for row, key in zip(forms[1:], ref.FORMS, strict=True):
        score, n = ref.form(people, key)
        assert close_whole(row[1].split(" ")[0], score) and re.search(rf"· n = {n}\b", row[1]), row
    ui.chart(page, 0, "Afdelingen")
    ui.shoot(page, "overview-department")
    page.set_viewport_size({"width": 1280, "height": 720})
    ui.settle(page)
    assert not ui.overflowing_charts(page)


@pytest.mark.parametrize(
    ("workplace", "department"),
    [("Nordlys Emballage A/S", "Direktion"), ("Kommunens Borgerservice", "Tolkebistand")],
)
def test_a_department_below_the_threshold_shows_no_scores(page, server, workplace, department):
    ui.open_overview(page, workplace, department)
    people = ref.answers(server.demo, ROUND_FILE, workplace, department)
    n = len(people)
    assert n < 5  # the demo data keeps these departments small
    expect(page.get_by_test_id("stAlert")).to_contain_text("Færre end 5 besvarelser")

    m = ui.metrics(page)
    assert m["Social kapital samlet · Afdelingen"] == "–"
    forms = ui.table_rows(ui.table(page, 0, "skjult"))
    assert forms[0][1] == "Afdelingen"
    assert all(re.fullmatch(r"skjult \(n = \d\)", row[1]) for row in forms[1:]), forms
    departments = ui.table_rows(ui.table(page, 1, department))
    header = departments[0]
    row = next(r for r in departments[1:] if r[0] == department)
    scores = row[header.index("Samlet") :]
    assert scores == ["–"] * 5, row

    # Nowhere on the page is a score set beside the department's n, and none of its true
    # scores (worked out here from the file) stands in a place that belongs to it.
    text = ui.main_text(page)
    assert not re.search(rf"\b\d+(,\d)? \(n = {n}\)", text)  # the chart's labels
    assert not re.search(rf"\b\d+(,\d)? (\(\d+–\d+\) )?· n = {n}\b", text)  # table cells
    truths = {ref.overall(people)} | {ref.form(people, k)[0] for k in ref.FORMS}
    # Whole numbers (issue 17): any number in a place of the department's scores (its n aside).
    cells = (re.sub(r"\(n = \d+\)", "", r[1]) for r in forms)
    department_places = [m["Social kapital samlet · Afdelingen"], *cells, *scores]
    for place in department_places:
        for found in re.findall(r"\b\d{1,3}(?:,\d)?\b", place):
            assert not any(close_whole(found, truth) for truth in truths), place
    ui.chart(page, 0, "Afdelingen")
    ui.shoot(page, f"overview-hidden-{department.lower()}")
