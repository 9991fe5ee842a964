"""The benchmark page's comparison with the workplace's industry (issue 18 item 4), in Danish
and English, on the hand-computed organisation of tests/analysis/test_industry.py:

    Mejeri Nord 87.5 (n 12); industry C (3 shown): mean 67.5, workplaces 37.5-87.5,
    departments 25-100; all (4 shown): mean 2025/35 = 57.9, workplaces 0-87.5, departments 0-100.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import facts_store, user_store
from queries.store import Store
from socialkapital.facts import Facts
from tests.analysis.helpers import load
from tests.analysis.test_industry import INDUSTRY, OTHERS, ROWS
from tests.dashboard.test_roles import AUTH, everything_shown

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "industry.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = load(Store(path), ROWS)
    for name, code in INDUSTRY.items():
        facts_store.set_facts(store, name, Facts(industry=code))
    return path


def open_benchmark(workplace: str, lang: str = "da", reference: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"unrelated": "value"}  # no sign-in: local use, whatever this machine has
    # Chosen before the first run: AppTest cannot re-run pickers whose options changed
    # language since the run before.
    at.session_state["lang"] = lang
    at.session_state["workplace"] = workplace
    at.session_state["industry_reference"] = reference
    at.switch_page("views/benchmark.py").run()
    assert not at.exception
    return at


def rows(at: AppTest, index: int, form: str = "Form") -> dict:
    return at.table[index].value.set_index(form).to_dict("index")


def test_the_industry_is_named_and_compared_in_the_seeds_shape(db):
    at = open_benchmark("Mejeri Nord")
    said = " ".join(c.value for c in at.caption)
    assert "3 arbejdspladser i samme branche, C Fremstillingsvirksomhed" in said
    assert "Samme branche: C Fremstillingsvirksomhed" in " ".join(m.value for m in at.markdown)
    same = rows(at, 0)["Inden for teamet"]
    assert same == {
        "Mejeri Nord": "88",
        "Gennemsnit": "68",
        "Spænd mellem arbejdspladser": "38-88",
        "Spænd mellem afdelinger": "25-100",
    }
    everyone = rows(at, 1)["Samlet"]
    assert everyone["Gennemsnit"] == "58"
    assert everyone["Spænd mellem arbejdspladser"] == "0-88"
    assert everyone["Spænd mellem afdelinger"] == "0-100"
    # The dairies: only when asked for, and labelled as not from the user's data.
    assert len(at.table) == 3  # the two comparisons and the sites table
    at.toggle(key="industry_reference").set_value(True).run()
    reference = rows(at, 2)["Mellem teams"]
    assert reference["Mejeri Nord"] == "88" and reference["Gennemsnit"] == "66"
    assert reference["Spænd mellem mejerierne"] == "58-75"
    assert reference["Spænd mellem afdelinger"] == "13-92"
    assert "Disse tal er ikke fra jeres data" in " ".join(c.value for c in at.caption)


def test_in_english(db):
    at = open_benchmark("Mejeri Nord", "en", reference=True)
    said = " ".join(c.value for c in at.caption)
    assert "3 workplaces of the same industry, C Manufacturing" in said
    same = rows(at, 0, "Form")["Within the team"]
    assert same["Mean"] == "68" and same["Range between workplaces"] == "38-88"
    assert rows(at, 2, "Form")["Within the team"]["Range between the dairies"] == "68-75"
    assert "These figures are not from your data" in said


def test_alone_in_its_industry_and_without_one(db):
    at = open_benchmark("Plejehjemmet")
    info = at.info[0].value
    assert info.startswith("For få arbejdspladser i samme branche til en sammenligning")
    assert "Q Sundhed og socialvæsen har 1 arbejdsplads med tal" in info
    assert len(at.table) == 2  # all workplaces, then the sites; no industry table
    assert rows(at, 0)["Samlet"]["Plejehjemmet"] == "0"
    facts_store.set_facts(Store(db), "Ostehuset", Facts())
    at = open_benchmark("Ostehuset")
    info = at.info[0].value
    assert "Ostehuset har ingen branche angivet" in info
    assert "fanen »Arbejdspladsen«" in info and "--industry" in info


def test_a_scoped_viewer_sees_the_industry_pooled_and_no_other_name(db, monkeypatch):
    user_store.add_user(Store(db), "leder@nord.dk", "management", ["Mejeri Nord"])
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": AUTH}
    at.user = {"is_logged_in": True, "email": "leder@nord.dk"}
    at.run()
    at.switch_page("views/benchmark.py").run()
    assert not at.exception
    at.toggle(key="industry_reference").set_value(True).run()
    shown = everything_shown(at)
    leaked = [name for name in OTHERS if name in shown]
    assert not leaked
    same = rows(at, 0)["Inden for teamet"]
    assert same["Gennemsnit"] == "68"  # pooled over the industry's three workplaces
    assert same["Spænd mellem arbejdspladser"] == "–"  # would point out the stand-ins
    assert "Spændene inden for branchen vises kun" in " ".join(c.value for c in at.caption)
    assert rows(at, 1)["Samlet"]["Spænd mellem arbejdspladser"] == "0-88"
