"""AppTest for every page: overview, import (upload, preview, confirm) and rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries.store import Store
from socialkapital import demo, settings
from socialkapital.importers import read_responses, read_roster
from tests.conftest import template_rows, to_csv

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    return path


@pytest.fixture
def small_db(empty_db, ins):
    """Two departments above the threshold and one below, with a roster."""
    store = Store(empty_db)
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Mejeri Øst", "Pakkeri", [5] * 21)] * 7
    rows += [("Mejeri Øst", "Lager", [1] * 21)] * 3 + [("Mejeri Øst", "Vask", [3] * 21)] * 5
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(parsed.responses, "Forår 2026", None, "svar.csv", "template")
    roster = read_roster("\n".join(f"k{i}@x.dk;K;Køkken" for i in range(8)).encode(), "r.txt")
    store.replace_roster(roster.invited, "Mejeri Øst", "Forår 2026", None, "r.txt")
    return empty_db


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def metrics(at) -> dict[str, str]:
    """Metric label → value; "label · group" in a frame that names its group in bold first
    (the overview)."""
    found: dict[str, str] = {}

    def walk(block, group: str = "") -> None:
        for node in block.children.values():
            kind = getattr(node, "type", None)
            if kind == "markdown" and node.value.startswith("**"):
                group = node.value.strip("*")
            elif kind == "metric":
                found[f"{node.label} · {group}" if group else node.label] = node.value
            elif hasattr(node, "children"):
                walk(node, group)

    walk(at.main)
    return found


def test_overview_of_the_whole_workplace(small_db):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Mejeri Øst"
    m = metrics(at)
    # (6*75 + 7*100 + 3*0 + 5*50) / 21 = 66.666...: a whole number on the page.
    assert m["Social kapital samlet · Hele arbejdspladsen"] == "67"  # whole numbers (issue 17)
    assert m["Besvarelser · Hele arbejdspladsen"] == "21"
    assert any("Anonymitetsgrænse" in c.value for c in at.sidebar.caption)


def test_department_next_to_the_workplace_and_english(small_db):
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Køkken").run()
    m = metrics(at)
    assert m["Svarprocent · Afdelingen"] == "75 %"
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    m = metrics(at)
    assert m["Response rate · Department"] == "75%"
    assert m["Overall social capital · Whole workplace"] == "67"


def test_a_suppressed_department_shows_no_numbers(small_db):
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Lager").run()
    assert not at.exception
    assert "Færre end 5 besvarelser" in at.warning[0].body
    assert metrics(at)["Social kapital samlet · Afdelingen"] == "–"
    table = at.dataframe[0].value  # the four forms: hidden, only the n
    assert all("skjult" in v for v in table["Afdelingen"])
    # Vask (n = 5) is hidden too: with it shown, Lager could be worked out from the total.
    departments = at.dataframe[1].value.set_index("Afdeling")
    assert departments.loc["Lager", "Inden for teamet"] == "–"
    assert departments.loc["Vask", "Inden for teamet"] == "–"
    assert departments.loc["Pakkeri", "Inden for teamet"] == "100"


def test_an_empty_store_points_to_the_import_page(empty_db):
    at = app().run()
    assert not at.exception
    assert "Import" in at.info[0].body


def test_import_preview_and_confirm(empty_db, ins):
    at = app().run()
    at.switch_page("views/import_data.py").run()
    assert not at.exception
    rows = [("Æblegården", "Køkken & Rengøring", [4] * 21)] * 5
    at.file_uploader(key="answers_file").set_value(
        ("svar.csv", to_csv(template_rows(rows)), "text/csv")
    )
    at.run()
    at.text_input(key="answers_round_name").input("Efterår 2026").run()
    assert not at.exception
    assert metrics(at)["Besvarelser"] == "5"
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert "Gemt: 5 besvarelser" in at.success[0].value
    assert Store(empty_db).counts()["respondents"] == 5


def test_import_refuses_a_bad_file_and_saves_nothing(small_db):
    at = app().run()
    at.switch_page("views/import_data.py").run()
    records = template_rows([("W", "D", [4] * 21)] * 5)
    records[2][5] = "7"
    at.file_uploader(key="answers_file").set_value(("bad.csv", to_csv(records), "text/csv"))
    at.run()
    assert not at.exception
    assert "Intet er gemt" in at.error[0].value
    assert "bad.csv, række 3, kolonne »q3«" in at.code[0].value
    assert "answers_confirm" not in [b.key for b in at.button]  # nothing to confirm
    assert Store(small_db).counts()["respondents"] == 21


def test_roster_upload(small_db):
    at = app().run()
    at.switch_page("views/import_data.py").run()
    roster = "\n".join(f"p{i}@x.dk;P;Pakkeri" for i in range(9)).encode()
    at.file_uploader(key="roster_file").set_value(("liste.txt", roster, "text/plain")).run()
    at.text_input(key="roster_workplace").input("Mejeri Øst").run()
    at.button(key="roster_confirm").click().run()
    assert not at.exception
    assert Store(small_db).counts()["roster"] == 9  # replaced the earlier 8


def test_rules_page_states_every_setting(small_db):
    at = app().run()
    at.switch_page("views/rules.py").run()
    assert not at.exception
    table = at.table[0].value
    assert list(table["Indstilling"]) == [s.name for s in settings.SETTINGS]
    assert list(table["Værdi"]) == ["5", "0,50", "0,60", "10", "5", "30", "0,80", "3"]
    text = " ".join(m.value for m in at.markdown)
    assert "færre end 5 besvarelser" in text and "mindst 50 %" in text


def test_demo_data_renders(empty_db):
    store = Store(empty_db)
    for r in demo.generate(respondents=500)[:1]:
        parsed = read_responses(r.responses.write_csv().encode(), "d.csv", store.instrument)
        store.replace_responses(parsed.responses, r.name, r.date, "d.csv", "demo")
    at = app().run()
    assert not at.exception
    for workplace in at.sidebar.selectbox(key="workplace").options:
        at.sidebar.selectbox(key="workplace").select(workplace).run()
        assert not at.exception


def test_import_into_a_store_with_data_selects_the_new_round(small_db):
    """Regression (issue 9's browser run): setting the sidebar's round after it was drawn
    raised an error page after a successful import."""
    at = app().run()
    at.switch_page("views/import_data.py").run()
    rows = [("Mejeri Øst", "Køkken", [5] * 21)] * 5
    at.file_uploader(key="answers_file").set_value(
        ("efteraar.csv", to_csv(template_rows(rows)), "text/csv")
    )
    at.run()
    at.selectbox(key="answers_round").select("Ny måling …").run()
    at.text_input(key="answers_round_name").input("Efterår 2026").run()
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="round").value == "Efterår 2026"


def test_department_label_follows_the_language(small_db):
    at = app().run()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    picker = at.sidebar.selectbox(key="department_en")
    assert picker.options[0] == "Whole workplace"
    assert picker.value == ""  # the whole workplace, still chosen after the switch


def test_a_department_picked_right_before_the_language_switch_is_kept(small_db):
    """The pick and the switch reach the app in one run (a quick user, a busy server)."""
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Køkken")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="department_en").value == "Køkken"


def test_the_response_flag_and_the_uncertain_marker_follow_their_settings(small_db, monkeypatch):
    """Set by environment, stated on the rules page, and used by the pages."""
    monkeypatch.setenv("SOCIALKAPITAL_LOW_RESPONSE_RATE", "0,95")
    monkeypatch.setenv("SOCIALKAPITAL_UNCERTAIN_HALF_WIDTH", "40")
    at = app().run()
    at.switch_page("views/rules.py").run()
    assert list(at.table[0].value["Værdi"])[2:] == ["0,95", "40", "5", "30", "0,80", "3"]
    at.switch_page("views/response.py").run()
    assert not at.exception
    assert "95 %" in " ".join(e.value for e in [*at.caption, *at.markdown])
    at.switch_page("views/heatmap.py").run()
    assert not at.exception
    assert "±40" in " ".join(c.value for c in at.caption)
