"""The benchmark page's industry comparison in a real browser, on the demo (issue 18 item 4):
the demo's dairy and packaging firm are the only manufacturers (DB07 C), too few for an
industry comparison, so the page says so, compares with all four workplaces, and offers
NFA's dairy figures as an external reference."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import ui
from tests.e2e.test_analysis_pages import no_error, open_page

pytestmark = pytest.mark.e2e


def test_the_dairy_is_told_its_industry_is_too_small_and_sees_the_dairies(page):
    open_page(page, "benchmark")
    ui.choose(page, "Arbejdsplads", "Vestjysk Mejeri")
    no_error(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Vestjysk Mejeri ved siden af sin branche")).to_be_visible()
    expect(main.get_by_text("C Fremstillingsvirksomhed har 2 arbejdspladser")).to_be_visible()
    expect(main.get_by_text("Alle arbejdspladser i målingen", exact=True)).to_be_visible()
    main.get_by_text("Vis en ekstern reference").click()
    ui.settle(page)
    title = "Ekstern reference: Mejerier i NFA's kortlægning (præsenteret 2016)"
    expect(main.get_by_text(title, exact=True)).to_be_visible()
    expect(main.get_by_text("Disse tal er ikke fra jeres data", exact=False)).to_be_visible()
    ui.shoot(page, "benchmark-industry-da")
