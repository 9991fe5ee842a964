"""Making an action plan from the overview in a real browser: the plans page opens
pre-filled, and the sidebar still shows the department the meeting was looking at.
(Saving, editing and follow-up are checked by AppTest in tests/dashboard/test_plans_page.py;
here the shared demo store is only read.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import ui

pytestmark = pytest.mark.e2e


def test_a_plan_from_the_overview_keeps_the_sidebar_on_the_department(page):
    ui.open_overview(page, "Vestjysk Mejeri", "Ostemejeri")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Lav en handleplan").first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_role("button", name="Lav en handleplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Handleplaner")
    ui.settle(page)
    expect(ui.picker(page, "Arbejdsplads")).to_have_value("Vestjysk Mejeri")
    expect(ui.picker(page, "Afdeling")).to_have_value("Ostemejeri")
    # The new plan's form is open and filled in from where the user came.
    new = main.get_by_test_id("stExpanderDetails").first
    expect(new.get_by_role("combobox", name="Afdeling")).to_have_value("Ostemejeri")
    ui.shoot(page, "plans-from-overview")
