"""The import page's mapping step in a real browser: a labelled export maps itself; a
real export of another survey stops in the mapping step and stores nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import shared_path
from tests.e2e import ui
from tests.e2e.test_import import open_import, respondents_in_store, upload
from tests.importers.helpers import FIXTURES

pytestmark = pytest.mark.e2e


def name_new_round(page, name: str) -> None:
    main = page.get_by_test_id("stMain")
    box = main.get_by_role("combobox", name="Måling", exact=True)
    box.click()
    page.get_by_role("option", name="Ny måling …").click()
    expect(box).to_have_value("Ny måling …")
    ui.settle(page)
    field = main.get_by_role("textbox", name="Navn på den nye måling")
    expect(field).to_be_visible()
    field.fill(name)
    field.press("Enter")


def test_a_google_forms_export_is_recognised_mapped_and_stored(page, server):
    before = respondents_in_store(server)
    open_import(page)
    upload(page, "responses.csv", (FIXTURES / "google_forms" / "responses.csv").read_bytes())
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Genkendt: Google Forms, 41 rækker.")
    expect(main).to_contain_text("21 af 21 spørgsmål er fundet i filen (Google Forms)")
    name_new_round(page, "Google-test")
    confirm = main.get_by_role("button", name="Gem i databasen")
    expect(confirm).to_be_enabled()
    ui.settle(page)
    assert ui.metrics(page)["Besvarelser"] == "40"  # 41 rows, one person twice
    expect(main).to_contain_text("1 person har svaret mere end én gang")
    ui.shoot(page, "mapping-google-forms")
    confirm.click()
    expect(main).to_contain_text(re.compile("Gemt: 40 besvarelser|encountered an error"))
    assert "Gemt: 40 besvarelser" in main.inner_text()
    assert respondents_in_store(server) == before + 40


def test_a_real_export_of_another_survey_stops_in_the_mapping_step(page, server):
    path = shared_path("real-exports", "surveymonkey", "StarWars.csv")
    before = respondents_in_store(server)
    open_import(page)
    upload(page, path.name, path.read_bytes())
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Genkendt: SurveyMonkey, 1186 rækker.")
    expect(main).to_contain_text("0 af 21 spørgsmål er fundet i filen (SurveyMonkey)")
    expect(main).to_contain_text("ingen af de 21 spørgsmål blev fundet")
    expect(main.get_by_role("button", name="Gem i databasen")).to_have_count(0)
    ui.shoot(page, "mapping-real-export")
    assert respondents_in_store(server) == before
