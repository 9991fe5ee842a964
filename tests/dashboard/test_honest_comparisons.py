"""AppTest: the heatmap marks the department differences that hold up and the uncertain
means; the overview gives each shown score its 95 % interval. A small organisation where
every person answers one code throughout (so each form score is that code's points):

    W: A 6 × 100 (built to differ: far above the rest), Z 6 × 25 (far below),
       B 12 persons 50/75 alternating, C 8 persons 50/75 alternating.
       B against the rest: A, Z and C hold 600 + 150 + 500 = 1250 points in 20 persons,
       62.5, the same as B's own mean: no difference at all.
       A against the rest: Z, B and C hold 150 + 750 + 500 = 1400 points in 26 persons,
       53.85; A's 100 is 46.2 points above.
    V: H 3 persons (hidden: fewer than 5), K 6 persons (hidden to protect H).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps
from streamlit.testing.v1 import AppTest

from queries.store import Store
from tests.analysis.helpers import load
from tests.dashboard.test_analysis_pages import cells, chart_data

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
CODES = {
    ("W", "A"): [5] * 6,
    ("W", "Z"): [2] * 6,
    ("W", "B"): [3, 4] * 6,
    ("W", "C"): [3, 4] * 4,
    ("V", "H"): [3] * 3,
    ("V", "K"): [4] * 6,
}
POINTS = {code: (code - 1) * 25 for code in range(1, 6)}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "honest.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    load(Store(path), [(w, d, [c] * 21) for (w, d), codes in CODES.items() for c in codes])
    return path


def open_page(page: str, workplace: str, department: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="workplace").select(workplace).run()
    if department:
        at.sidebar.selectbox(key="department_da").select(department).run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception
    return at


def interval(scores: list[float]) -> tuple[float, float]:
    """The t-based 95 % interval of a mean, from the raw scores (numpy/scipy)."""
    values = np.array(scores, dtype=float)
    half = sps.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean() - half, values.mean() + half


def scores_of(*groups: tuple[str, str]) -> list[float]:
    return [POINTS[c] for g in groups for c in CODES[g]]


def test_heatmap_marks_the_difference_that_holds_and_not_the_one_that_does_not(db):
    at = open_page("heatmap", "W")
    data = chart_data(at)
    got = cells(data)
    rows = {(r["row"], r["col"]): r for r in data.iter_rows(named=True)}
    # A: far above the rest in every form, and it holds up after Holm over 4 departments.
    for form in ("Inden for teamet", "Mellem teams", "Nærmeste leder", "Ledelse og arbejdsplads"):
        assert "◆" in got[("A", form)], form
        assert rows[("A", form)]["holds"], form
        assert "◆" not in got[("B", form)], form
        assert not rows[("B", form)]["holds"], form
    # The overall score has no test: never marked.
    assert "◆" not in got[("A", "Samlet")] and not rows[("A", "Samlet")]["holds"]
    # B: 12 persons, half-width 2.201 · 13.06 / √12 = 8.3 points. Enough persons for a
    # reliable mean between teams (10), not within the team (19).
    assert got[("B", "Mellem teams")] == "63\nn = 12"  # 62.5 rounds half away from zero
    assert got[("B", "Inden for teamet")] == "≈63\nn = 12"  # (6·50 + 6·75) / 12 = 62.5
    low, high = interval(scores_of(("W", "B")))
    assert rows[("B", "Mellem teams")]["tooltip_2"] == f"95 %-interval {low:.0f}–{high:.0f}"
    assert rows[("B", "Inden for teamet")]["tooltip_2"].endswith(" · usikker")
    # The tooltip gives the difference from the rest with its interval, and the reading.
    a_rest = rows[("A", "Inden for teamet")]["tooltip_4"]
    diff = f"{100 - 1400 / 26:.1f}".replace(".", ",")  # 46,2: decimal comma
    assert a_rest.startswith(f"Forskel fra resten af arbejdspladsen: +{diff} point (95 %-interval")
    assert "En tydelig forskel" in a_rest and "4 afdelinger" in a_rest
    b_rest = rows[("B", "Inden for teamet")]["tooltip_4"]
    assert b_rest.startswith("Forskel fra resten af arbejdspladsen: 0,0 point")
    assert "Kan skyldes tilfældigheder" in b_rest
    # No test for the reading-aid rows.
    assert rows[("Hele arbejdspladsen", "Mellem teams")]["tooltip_4"] is None
    captions = " ".join(c.value for c in at.caption)
    assert "◆ og sort ramme" in captions and "≈ foran scoren" in captions


def test_heatmap_shows_no_test_markers_against_all_workplaces_in_english(db):
    at = open_page("heatmap", "W")
    at.button_group(key="heatmap_reference").set_value("all").run()
    # Last: AppTest formats the plan picker's options in Danish, whatever the language.
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    data = chart_data(at)
    assert not data["holds"].any()
    assert not any("◆" in text for text in data["text"])
    assert data["tooltip_4"].null_count() == data.height
    assert "≈" in cells(data)[("B", "Within the team")]  # uncertainty does not depend on it
    captions = " ".join(c.value for c in at.caption)
    assert "Colour by the difference from the whole workplace" in captions


def test_overview_gives_shown_scores_their_interval(db):
    at = open_page("overview", "W", "B")
    table = at.dataframe[0].value.set_index("Form")
    low, high = interval(scores_of(("W", "B")))
    assert table.loc["Mellem teams", "Afdelingen"] == f"63 ({low:.0f}–{high:.0f}) · n = 12"
    assert table.loc["Inden for teamet", "Afdelingen"].endswith("· n = 12 · usikker")
    # The whole workplace, 32 persons: 62.5, narrow enough and enough persons in every form.
    everyone = scores_of(*(g for g in CODES if g[0] == "W"))
    low, high = interval(everyone)
    for form in ("Inden for teamet", "Ledelse og arbejdsplads"):
        cell = table.loc[form, "Hele arbejdspladsen"]
        assert cell == f"63 ({low:.0f}–{high:.0f}) · n = 32", form
    bars = chart_data(at, column="ci_low")
    mine = bars.filter((pl.col("group") == "Afdelingen") & (pl.col("dimension") == "Mellem teams"))
    assert mine["ci_low"][0] == pytest.approx(interval(scores_of(("W", "B")))[0])
    assert "usikker" in " ".join(c.value for c in at.caption)


def test_overview_of_a_hidden_department_shows_only_that_it_is_hidden(db):
    at = open_page("overview", "V", "H")
    table = at.dataframe[0].value
    assert list(table["Afdelingen"]) == ["skjult (n = 3)"] * 4
    # The whole of V (3 × 50 and 6 × 75, 66.7) is shown, with its interval.
    low, high = interval(scores_of(("V", "H"), ("V", "K")))
    whole = f"67 ({low:.0f}–{high:.0f}) · n = 9 · usikker"  # 9 < the 10-31 a mean needs
    assert set(table["Hele arbejdspladsen"]) == {whole}  # every form: all answered one code
    bars = chart_data(at, column="ci_low")
    assert "Afdelingen" not in set(bars["group"])  # no bar, no interval, no label
