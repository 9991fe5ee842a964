"""Issue 18: the pages say why a figure is hidden, naming the department it protects only
to those who see that department.

Mejeri Øst: Køkken 6, Pakkeri 7, Lager 3 (below the threshold of 5) and Vask 5. The gate
hides Vask to protect Lager (it is the smallest department shown: 3 + 5 = 8 persons).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import user_store
from queries.store import Store
from tests.analysis.helpers import load
from tests.dashboard.test_analysis_pages import chart_data
from tests.dashboard.test_roles import AUTH, everything_shown

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
GROUPS = [("Køkken", 4, 6), ("Pakkeri", 5, 7), ("Lager", 1, 3), ("Vask", 3, 5)]
WHY = "Vask: skjult, fordi tal for Lager bygger på færre end 5 svar"
PAGES = ["overview", "heatmap", "items", "response"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hidden") / "hidden.duckdb"
    store = Store(path)
    load(store, [("Mejeri Øst", d, [code] * 21) for d, code, count in GROUPS for _ in range(count)])
    user_store.add_user(store, "vera@x.dk", "department-manager", ["Mejeri Øst"], ["Vask"])
    return path


def opened(db, monkeypatch, page: str, department: str | None = None, email: str | None = None):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    if email:
        at.secrets = {"auth": AUTH}
        at.user = {"is_logged_in": True, "email": email}
    at.run()
    if department:
        at.sidebar.selectbox(key="department_da").select(department).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_with_vask_says_why_it_is_hidden(db, monkeypatch, page):
    at = opened(db, monkeypatch, page, "Vask" if page in ("overview", "items") else None)
    shown = everything_shown(at)
    assert WHY in shown, page


def test_the_heatmap_cell_names_whom_it_protects(db, monkeypatch):
    at = opened(db, monkeypatch, "heatmap")
    data = chart_data(at)
    vask = data.filter(data["row"] == "Vask")
    assert set(vask["tooltip"].str.split(": ").list.last()) == {"skjult for at beskytte Lager"}
    lager = data.filter(data["row"] == "Lager")
    assert set(lager["tooltip"].str.split(": ").list.last()) == {"færre end 5 svar"}


def test_in_english(db, monkeypatch):
    at = opened(db, monkeypatch, "overview", "Vask")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert "Vask: hidden because figures for Lager rest on fewer than 5 answers" in (
        everything_shown(at)
    )


@pytest.mark.parametrize("page", PAGES)
def test_vask_s_manager_is_told_why_without_lager_s_name(db, monkeypatch, page):
    at = opened(
        db, monkeypatch, page, "Vask" if page in ("overview", "items") else None, "vera@x.dk"
    )
    shown = everything_shown(at)
    assert "Lager" not in shown, page
    assert "Vask: skjult, fordi tal for en anden afdeling bygger på færre end 5 svar" in shown


def test_the_trends_table_names_whom_a_hidden_figure_protects(tmp_path, monkeypatch):
    import datetime

    from tests.core.test_trends import put

    path = tmp_path / "trends.duckdb"
    store = Store(path)
    groups = {("Mejeri Øst", d): [code] * count for d, code, count in GROUPS}
    put(store, "Forår 2025", datetime.date(2025, 4, 1), groups)
    put(store, "Forår 2026", datetime.date(2026, 4, 1), groups)
    at = opened(path, monkeypatch, "trends")
    table = at.table[0].value
    vask = table[table["Gruppe"].str.strip("*") == "Vask"]
    assert set(vask["Forår 2026"]) == {"skjult for at beskytte Lager"}
