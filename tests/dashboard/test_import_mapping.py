"""AppTest of the import page's mapping step with real-layout exports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from queries.store import Store
from tests.importers.helpers import FIXTURES, coded_departments

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    Store(path)
    return path


def open_import(files: list[tuple[str, bytes]]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/import_data.py").run()
    at.file_uploader(key="answers_file").set_value([(n, d, "text/csv") for n, d in files])
    at.run()
    at.text_input(key="answers_round_name").input("Forår 2026").run()
    return at


def by_key_prefix(widgets, suffix: str):
    return next(w for w in widgets if w.key and w.key.endswith(suffix))


def test_a_labelled_export_maps_itself_and_imports(db):
    data = (FIXTURES / "google_forms" / "responses.csv").read_bytes()
    at = open_import([("responses.csv", data)])
    assert not at.exception
    assert any("21 af 21" in m.value for m in at.markdown)
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert Store(db).counts()["respondents"] == 40


def test_limesurvey_mapped_by_hand_in_the_page(db):
    data = (FIXTURES / "limesurvey" / "results-survey123456.csv").read_bytes()
    at = open_import([("results-survey123456.csv", data)])
    assert not at.exception
    assert any("0 af 21" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "answers_confirm"]  # not before mapping
    by_key_prefix(at.selectbox, "_department").select("attribute_2").run()
    by_key_prefix(at.selectbox, "_workplace").select("attribute_1").run()
    by_key_prefix(at.selectbox, "_q1").select("SK1[SQ001]").run()
    by_key_prefix(at.button, "_fill").click().run()  # the user's explicit "in file order"
    assert by_key_prefix(at.selectbox, "_q21").value == "SK4[SQ003]"
    values = [w for w in at.selectbox if w.key and "_value_" in w.key]
    assert {w.key.rsplit("_value_", 1)[1] for w in values} == {f"A{i}" for i in range(1, 7)}
    for w in values:
        code = w.key.rsplit("_value_", 1)[1]
        w.select(int(code[1]) if code != "A6" else "missing").run()
    assert not at.exception
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert Store(db).counts()["respondents"] == 40


def test_a_mapping_saved_as_a_profile_is_offered_next_time(db):
    data = (FIXTURES / "limesurvey" / "results-survey123456.csv").read_bytes()
    toml = (FIXTURES / "limesurvey" / "mapping.toml").read_text()
    Store(db).save_mapping_profile("LimeSurvey 2026", "limesurvey", toml)
    at = open_import([("results-survey123456.csv", data)])
    by_key_prefix(at.selectbox, "_profile").select("LimeSurvey 2026").run()
    assert not at.exception
    assert any("21 af 21" in m.value for m in at.markdown)
    at.button(key="answers_confirm").click().run()
    assert Store(db).counts()["respondents"] == 40


def test_surveyxact_set_uploaded_together(db):
    folder = FIXTURES / "surveyxact"
    files = [(n, (folder / n).read_bytes()) for n in ("dataset.csv", "labels.csv", "structure.csv")]
    at = open_import(files)
    assert not at.exception
    at.button(key="answers_confirm").click().run()
    assert Store(db).counts()["respondents"] == 40


def test_a_real_export_of_another_survey_reaches_the_mapping_step_and_stops(db):
    from tests.conftest import shared_path

    path = shared_path("real-exports", "surveymonkey", "StarWars.csv")
    at = open_import([(path.name, path.read_bytes())])
    assert not at.exception
    assert any("0 af 21" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "answers_confirm"]
    assert Store(db).counts()["respondents"] == 0


def test_department_codes_are_named_on_the_page_and_stored_by_name(db):
    data, names = coded_departments()
    at = open_import([("coded.csv", data)])
    assert not at.exception
    inputs = {
        w.key.rsplit("_department_", 1)[1]: w
        for w in at.text_input
        if w.key and "_department_" in w.key
    }
    assert set(inputs) == set(names)
    for code, name in names.items():
        inputs[code].input(name).run()
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    # Read the file directly (not through the product).
    with duckdb.connect(str(db), read_only=True) as con:
        found = {r[0] for r in con.execute("SELECT DISTINCT name FROM departments").fetchall()}
    assert found == set(names.values())
