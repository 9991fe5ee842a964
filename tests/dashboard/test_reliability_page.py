"""AppTest for the reliability page, on a small hand-computed organisation (every person
answers one code throughout, so each person's score is that code's points in every form):

    Mejeri Øst: Køkken 8 persons, scores 100 ×6 and 75 ×2 (mean 93.75)
                Pakkeri 8 persons, 25 ×5 and 50 ×3 (mean 34.375)
                Vask 6 persons, 50 ×4 and 75 ×2 (hidden: protects Lager)
                Lager 2 persons, 50 ×2 (hidden: fewer than 5)
    Køkken vs the rest (16 persons, 725 points): 93.75 - 45.3125 = +48.4
    Pakkeri vs the rest (16 persons, 1200 points): 34.375 - 75.0 = -40.6
    Mejeri Vest: Kontor and Værksted, 6 persons each, the same scores: no difference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps
from streamlit.testing.v1 import AppTest

from queries.store import Store
from tests.analysis.helpers import load

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
CODES = {
    ("Mejeri Øst", "Køkken"): [5, 5, 5, 4, 5, 5, 4, 5],
    ("Mejeri Øst", "Pakkeri"): [2, 3, 2, 2, 3, 2, 3, 2],
    ("Mejeri Øst", "Vask"): [3, 4, 3, 3, 4, 3],
    ("Mejeri Øst", "Lager"): [3, 3],
    ("Mejeri Vest", "Kontor"): [3, 4, 3, 4, 3, 4],
    ("Mejeri Vest", "Værksted"): [4, 3, 4, 3, 4, 3],
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "reliability.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    rows = [(w, d, [c] * 21) for (w, d), codes in CODES.items() for c in codes]
    load(Store(path), rows)
    return path


def open_page(workplace: str = "Mejeri Øst", lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="workplace").select(workplace).run()
    at.switch_page("views/reliability.py").run()
    if lang:
        at.sidebar.segmented_control(key="lang").set_value(lang).run()
    assert not at.exception
    return at


def test_department_against_the_rest(db):
    at = open_page()
    panel, versus, scores = (t.value for t in at.table)
    team = versus[versus["Form"] == "Inden for teamet"]
    assert list(team["Afdeling"]) == ["Køkken", "Pakkeri"]  # Vask and Lager are hidden
    kitchen, packing = team.iloc[0], team.iloc[1]
    assert kitchen["Afdelingens tal"] == "93,8"
    assert kitchen["Resten af arbejdspladsen"] == "45,3"
    assert kitchen["Forskel"] == "+48,4"
    assert kitchen["Vurdering"] == "tydeligt højere end resten"
    assert packing["Forskel"] == "-40,6"
    assert packing["Vurdering"] == "tydeligt lavere end resten"
    # The hidden departments appear only as hidden in the figures table, never with a number
    by_dept = scores.set_index("Afdeling")
    assert by_dept.loc["Lager", "Inden for teamet"] == "færre end 5 svar"
    assert "skjult" in by_dept.loc["Vask", "Inden for teamet"]
    assert by_dept.loc["Køkken", "Inden for teamet"].endswith("n 8 · usikker")
    # 'Afdelingstal til at stole på' is ICC(2) = 1 - 1/F of the one-way ANOVA over the
    # shown departments
    f = sps.f_oneway([100] * 6 + [75] * 2, [25] * 5 + [50] * 3).statistic
    row = panel[panel["Form"] == "Inden for teamet"].iloc[0]
    assert row["Afdelingstal til at stole på"] == f"{1 - 1 / f:.2f}".replace(".", ",")
    assert "Vask" not in row["Enighed i afdelingen"]
    assert "Lager" not in row["Enighed i afdelingen"]
    assert row["Svar en afdeling skal have"] == "19"


def test_equal_departments_are_within_chance_in_english(db):
    at = open_page("Mejeri Vest", lang="en")
    versus = at.table[1].value
    assert set(versus["Assessment"]) == {"may be chance"}
    assert set(versus["Difference"]) == {"0.0"}  # a difference of nothing has no sign
    assert np.isclose(len(versus), 2 * 4)  # two departments, four forms
