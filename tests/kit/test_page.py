"""The dashboard's "Spørgeskema" page: choices, the departments of the round, a download."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import user_store
from queries.store import Store
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch, ins):
    path = tmp_path / "kit.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 5 + [("Mejeri Øst", "Pakkeri", [3] * 21)] * 5
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    Store(path).replace_responses(parsed.responses, "Forår 2026", None, "svar.csv", "template")
    return path


def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"unrelated": "value"}  # local use: no machine secrets are read
    at.run()
    at.switch_page("views/kit.py").run()
    return at


def downloads(at) -> list:
    return at.get("download_button")


def test_the_page_offers_the_round_with_its_departments(db):
    at = page()
    assert not at.exception
    assert at.title[0].value == "Spørgeskema til en måling"
    assert at.text_input(key="kit_workplace").value == "Mejeri Øst"
    assert at.text_input(key="kit_round").value == "Forår 2026"
    assert any("Køkken, Pakkeri" in c.value for c in at.caption)
    assert len(downloads(at)) == 1
    for fmt in ("qsf", "gforms", "xlsx", "pdf"):
        at.radio(key="kit_format").set_value(fmt).run()
        assert not at.exception, fmt
        assert len(downloads(at)) == 1


def test_a_new_round_gets_a_typed_department(db):
    at = page()
    at.text_input(key="kit_round").input("Efterår 2026").run()
    assert not at.exception
    assert "skrive sin afdeling" in at.info[0].value
    at.text_input(key="kit_round").input("").run()
    assert "Skriv arbejdspladsens og målingens navn" in at.info[0].value
    assert not downloads(at)


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "socialkapital",
    "client_secret": "test-only",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def test_only_roles_that_import_have_the_page(db, monkeypatch):
    user_store.add_user(Store(db), "med@x.dk", "works-council", ["Mejeri Øst"])
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": AUTH}
    at.user = {"is_logged_in": True, "email": "med@x.dk"}
    at.run()
    assert not at.exception
    with pytest.raises(Exception):  # noqa: B017 (AppTest's own error for an unknown page)
        at.switch_page("views/kit.py").run()
