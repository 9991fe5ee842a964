"""AppTest for the trends page on the two hand-computed rounds of tests/core/test_trends.py:
Pakkeri (8 persons, 62.5) is split into Pakkeri Dag and Pakkeri Nat (11 persons together,
775 / 11 = 70.5); the user links them once on the page and the trend follows."""

from __future__ import annotations

import datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from queries.store import Store
from tests.core.test_trends import R1, R2, ROUND1, ROUND2, put
from tests.dashboard.test_analysis_pages import chart_data

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SPLIT = "Pakkeri → Pakkeri Dag + Pakkeri Nat"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "trends.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    put(store, R1, datetime.date(2025, 4, 1), ROUND1)
    put(store, R2, datetime.date(2026, 4, 1), ROUND2)
    return path


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="workplace").select("W").run()
    at.switch_page("views/trends.py").run()
    assert not at.exception
    return at


def trend_table(at: AppTest):
    """The trends table with each row's group filled in (the page names a group once)."""
    table = at.table[0].value
    groups = table["Gruppe"].replace("", None).ffill().str.strip("*")
    return table.assign(Gruppe=groups)


def test_link_a_split_once_and_follow_it(db):
    at = open_page()
    table = trend_table(at)
    assert SPLIT not in set(table["Gruppe"])
    team = table[table["Form"] == "Inden for teamet"]
    whole = team[team["Gruppe"] == "Hele arbejdspladsen"]
    assert whole.iloc[0][R1] == "59,2 (n 19)"  # 1125 / 19
    assert whole.iloc[0][R2] == "69,3 (n 22)"  # 1525 / 22
    assert whole.iloc[0]["Ændring"] == "+10,1"

    at.multiselect(key=f"link_{R2}_Pakkeri").set_value(["Pakkeri Dag", "Pakkeri Nat"])
    next(b for b in at.button if b.label == "Gem koblingerne").click().run()
    assert not at.exception
    table = trend_table(at)
    split = table[(table["Gruppe"] == SPLIT) & (table["Form"] == "Inden for teamet")].iloc[0]
    assert split[R1] == "62,5 (n 8)"
    assert split[R2] == "70,5 (n 11)"
    assert split["Ændring"] == "+8,0"  # 70.45 - 62.5
    # Stored: a fresh session sees the same mapping
    again = trend_table(open_page())
    assert SPLIT in set(again["Gruppe"])


def test_one_question_on_request(db):
    at = open_page()
    at.segmented_control(key="trends_show").set_value("item").run()
    at.selectbox(key="trends_item").select("q21").run()
    assert not at.exception
    table = trend_table(at)
    assert set(table["Form"]) == {"Spørgsmål 21"}


def test_a_reworded_question_breaks_the_trend_visibly(tmp_path, monkeypatch):
    from tests.core.test_trends import ITEM_7, OWN_7

    path = tmp_path / "reworded.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    put(store, R1, datetime.date(2025, 4, 1), ROUND1, {7: ITEM_7})
    put(store, R2, datetime.date(2026, 4, 1), ROUND2, {7: OWN_7})
    at = open_page()
    table = trend_table(at)
    whole = table[table["Gruppe"] == "Hele arbejdspladsen"].set_index("Form")
    assert whole.loc["Mellem teams", "Vurdering"] == (
        "spørgsmål 7 var formuleret anderledes: kan ikke sammenlignes"
    )
    assert whole.loc["Mellem teams", "Ændring"] == ""
    assert whole.loc["Inden for teamet", "Ændring"] == "+10,1"  # unaffected
    shown = " ".join(m.value for m in at.markdown)
    assert f"- {R1}: {ITEM_7}" in shown and f"- {R2}: {OWN_7}" in shown
    # The chart draws no line across the reworded question: the two rounds are apart.
    at.selectbox(key="trends_chart_measure").select("between").run()
    data = chart_data(at, column="segment")
    whole = data.filter(pl.col("group") == "Hele arbejdspladsen").sort("round")
    assert whole["segment"].n_unique() == 2
    at.selectbox(key="trends_chart_measure").select("team").run()
    data = chart_data(at, column="segment")
    assert data.filter(pl.col("group") == "Hele arbejdspladsen")["segment"].n_unique() == 1
