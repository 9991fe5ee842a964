"""The trends page in a real browser on the demo: the dairy's packing department, split
between the rounds and linked by the demo, is followed as one group. (Linking itself is
checked by AppTest in tests/dashboard/test_trends_page.py; here the shared demo store is
only read.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui

pytestmark = pytest.mark.e2e

DAIRY = "Vestjysk Mejeri"
SPLIT = "Pakkeri → Pakkeri Dag + Pakkeri Nat"


def open_trends(page: Page) -> None:
    ui.open_overview(page, DAIRY)
    ui.nav(page, "Udvikling")
    expect(page.get_by_role("heading", level=1)).to_have_text("Udvikling fra måling til måling")


def test_a_split_department_is_followed_and_the_chart_draws(page):
    open_trends(page)
    main = page.get_by_test_id("stMain")
    table = main.get_by_test_id("stTable")
    expect(table).to_contain_text(SPLIT)
    expect(table).to_contain_text("Hele arbejdspladsen")
    # Each row reads its change: better, worse, within chance, hidden, or not comparable.
    expect(table).to_contain_text("kan skyldes tilfældigheder")
    chart = main.locator(".vega-embed").first
    expect(chart.locator("svg, canvas").first).to_be_visible()
    ui.shoot(page, "trends-da")
