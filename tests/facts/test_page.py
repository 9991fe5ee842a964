"""The Import page's 'Arbejdspladsen' tab: a workplace's facts edited, checked and saved
(issue 18 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import facts_store, user_store
from queries.store import Store
from socialkapital import facts
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv
from tests.dashboard.test_roles import AUTH

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch, ins):
    path = tmp_path / "facts.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Plejehjem Å", "Dagvagt", [3] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(parsed.responses, "Forår 2026", None, "svar.csv", "template")
    return path


def facts_tab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"unrelated": "value"}  # no sign-in: local use, whatever this machine has
    at.run()
    at.switch_page("views/import_data.py").run()
    assert not at.exception
    return at


def fill(at: AppTest, cvr: str, industry: str | None, employees: int | None) -> AppTest:
    at.text_input(key=next(k for k in keys(at) if k.startswith("facts_cvr_"))).input(cvr)
    at.selectbox(key=next(k for k in keys(at) if k.startswith("facts_industry_"))).set_value(
        industry
    )
    at.number_input(key=next(k for k in keys(at) if k.startswith("facts_employees_"))).set_value(
        employees
    )
    return at.button(key="facts_save").click().run()


def keys(at: AppTest) -> list[str]:
    return [w.key for w in (*at.text_input, *at.selectbox, *at.number_input) if w.key]


def test_facts_are_saved_and_shown_again(db):
    at = facts_tab()
    assert "Arbejdspladsen" in [tab.label for tab in at.tabs]
    at.selectbox(key="facts_workplace").set_value("Plejehjem Å").run()
    options = at.selectbox(key=next(k for k in keys(at) if k.startswith("facts_industry_")))
    assert "Q Sundhed og socialvæsen" in options.options
    at = fill(at, "10 00 00 09", "Q", 120)
    assert not at.exception
    assert "Fakta om Plejehjem Å er gemt." in at.success[0].value
    _, stored = facts_store.get_facts(Store(db), "Plejehjem Å")
    assert stored == facts.Facts("10000009", "Q", 120)
    # Shown again as stored, after the page is opened afresh.
    again = facts_tab()
    again.selectbox(key="facts_workplace").set_value("Plejehjem Å").run()
    assert [w.value for w in again.text_input if w.key.startswith("facts_cvr_")] == ["10000009"]
    industry = next(w for w in again.selectbox if w.key.startswith("facts_industry_"))
    assert industry.value == "Q"
    assert [w.value for w in again.number_input if w.key.startswith("facts_employees_")] == [120]


def test_a_bad_cvr_number_is_refused_naming_it_and_nothing_saved(db):
    at = fill(facts_tab(), "12345678", "C", 10)
    assert not at.exception
    assert "»12345678« er ikke et gyldigt CVR-nummer" in at.error[0].value
    assert facts_store.all_facts(Store(db))["Mejeri Øst"] == facts.Facts()


def test_a_consultant_edits_only_the_workplaces_in_scope(db, monkeypatch):
    user_store.add_user(Store(db), "c@x.dk", "consultant", ["Mejeri Øst"])
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": AUTH}
    at.user = {"is_logged_in": True, "email": "c@x.dk"}
    at.run()
    at.switch_page("views/import_data.py").run()
    assert not at.exception
    assert at.selectbox(key="facts_workplace").options == ["Mejeri Øst"]
