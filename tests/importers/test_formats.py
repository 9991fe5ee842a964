"""Survey tools' exports: every format of the same answers gives the same scores; real
exports of other surveys are recognised and refused cleanly, never scored silently."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkapital.importers import ImportFailed, Mapping, load_export, read_responses
from socialkapital.importers.formats import group_exports
from socialkapital.instrument import load
from tests.conftest import SHARED
from tests.importers.helpers import FIXTURES, assert_scores_match, expected

SX = FIXTURES / "surveyxact"


def read(rel: str, **kwargs):
    path = FIXTURES / rel
    return read_responses(path.read_bytes(), path.name, load(), **kwargs)


def surveyxact_extras(folder: Path = SX) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("labels.csv", "structure.csv")}


LABELLED = [
    ("qualtrics/responses_text.csv", "qualtrics", {}),
    ("google_forms/responses.csv", "google_forms", {}),
    ("google_forms/responses_sheets_download.csv", "google_forms", {}),
    ("ms_forms/responses.xlsx", "ms_forms", {}),
    ("ms_forms/responses_danish_headers.xlsx", "ms_forms", {}),
]


@pytest.mark.parametrize(("rel", "tool", "kwargs"), LABELLED)
def test_labelled_exports_map_themselves_and_score_as_expected(make_store, rel, tool, kwargs):
    parsed = read(rel, **kwargs)
    assert parsed.format == tool
    assert parsed.responses.height == 40
    assert assert_scores_match(make_store(threshold=3), parsed, expected()) > 200


def test_surveyxact_set_decodes_codes_with_its_labels(make_store):
    parsed = read("surveyxact/dataset.csv", extras=surveyxact_extras())
    assert parsed.format == "surveyxact"
    assert parsed.skipped_empty == 3  # invited, never answered
    assert assert_scores_match(make_store(threshold=3), parsed, expected()) > 200


def test_limesurvey_needs_the_users_mapping_then_scores_as_expected(make_store):
    with pytest.raises(ImportFailed) as caught:
        read("limesurvey/results-survey123456.csv")
    assert caught.value.problems[0].key == "no_items"  # codes as headers: nothing to match
    mapping = Mapping.from_toml((FIXTURES / "limesurvey" / "mapping.toml").read_text())
    parsed = read("limesurvey/results-survey123456.csv", mapping=mapping)
    assert parsed.unfinished == 1
    assert assert_scores_match(make_store(threshold=3), parsed, expected()) > 200


def test_qualtrics_numeric_codes_are_never_guessed(make_store):
    with pytest.raises(ImportFailed) as caught:
        read("qualtrics/responses_numeric.csv")
    unmapped = {p.value for p in caught.value.problems if p.key == "unmapped_value_at"}
    assert unmapped == {"1", "2", "3", "4", "5", "6"}
    source = load_export(
        {"n.csv": (FIXTURES / "qualtrics/responses_numeric.csv").read_bytes()}, load()
    )
    from socialkapital.importers.mapping import suggest

    mapping = suggest(source, load())
    mapping.values = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": None}
    parsed = read("qualtrics/responses_numeric.csv", mapping=mapping)
    assert assert_scores_match(make_store(threshold=3), parsed, expected()) > 200


def test_unfinished_responses_count_with_their_answers():
    parsed = read("qualtrics/responses_text.csv")
    assert parsed.unfinished == 1
    assert ("note.unfinished", {"count": 1}) in parsed.notes


def test_mapping_toml_round_trip():
    mapping = Mapping(
        department="afdeling",
        workplace_name="Æblegården & Co",
        respondent="token",
        items=[f"Q{i}" for i in range(21)],
        values={"A1": 1, "Ved ikke": None, 'sær"lig': 3},
    )
    again = Mapping.from_toml(mapping.to_toml())
    assert again == mapping


def test_a_bad_mapping_file_is_refused():
    with pytest.raises(ImportFailed) as caught:
        Mapping.from_toml('[values]\n"A1" = "one"\n', "m.toml")
    assert caught.value.problems[0].key == "bad_mapping_value"
    with pytest.raises(ImportFailed):
        Mapping.from_toml("[columns\n", "m.toml")


def test_an_item_column_missing_from_an_export_is_named():
    data = (FIXTURES / "google_forms" / "responses.csv").read_text(encoding="utf-8")
    header, rest = data.split("\n", 1)
    header = header.replace("Jeg føler mig som et ligeværdigt medlem af gruppen", "Noget andet")
    with pytest.raises(ImportFailed) as caught:
        read_responses((header + "\n" + rest).encode(), "g.csv", load())
    assert [(p.key, p.params.get("item")) for p in caught.value.problems] == [("item_not_found", 5)]


def test_the_same_statement_twice_is_left_for_the_user():
    data = (FIXTURES / "google_forms" / "responses.csv").read_text(encoding="utf-8")
    header, rest = data.split("\n", 1)
    header = header.replace(
        "Jeg føler mig som et ligeværdigt medlem af gruppen",
        "Jeg har tillid til gruppens evne til at gøre arbejdet godt",
    )
    with pytest.raises(ImportFailed) as caught:
        read_responses((header + "\n" + rest).encode(), "g.csv", load())
    keys = {p.key for p in caught.value.problems}
    assert {"item_not_found", "item_in_two_columns"} <= keys


def test_surveyxact_as_a_zip_is_grouped_with_its_labels():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("dataset.csv", "labels.csv", "structure.csv"):
            archive.write(SX / name, f"eksport/{name}")
    exports = group_exports({"eksport.zip": buffer.getvalue()})
    assert len(exports) == 1 and len(exports[0]) == 3
    source = load_export(exports[0], load())
    assert source.format == "surveyxact" and source.labels


# -- real exports of other surveys (../shared/real-exports) ------------------------------

REAL = [
    ("qualtrics/sample.csv", "qualtrics", 1),
    ("qualtrics/sample_legacy.csv", "qualtrics", 1),
    ("qualtrics/Single_Answer_Matrix_Questions (Insights).csv", "qualtrics", 5),
    ("qualtrics/Single_Answer_Matrix_Questions.csv", "qualtrics", 5),
    ("google_forms/responses.csv", "google_forms", 125),
    ("google_forms/2019 Spanish R Community Survey Responses.csv", "google_forms", 338),
    (
        "google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv",
        "google_forms",
        295,
    ),
    ("limesurvey/results-survey442511_selected.csv", "limesurvey", 21),
    ("limesurvey/results-survey519841_selected.csv", "limesurvey", 17),
    ("limesurvey/softwaresaved-rse-2017-zaf/public_data.csv", "limesurvey", 22),
    ("surveymonkey/StarWars.csv", "surveymonkey", 1186),
    ("surveymonkey/steak-risk-survey.csv", "surveymonkey", 550),
    ("surveygizmo/20160115235816-SurveyExport.csv", "generic", 1706),
    ("surveyxact/ex_survey2.xlsx", "surveyxact", 999),
    ("surveyxact/ex_survey2_semicolon_ansi/dataset.csv", "surveyxact", 999),
    ("surveyxact/ex_survey2_tab_utf16/dataset.csv", "surveyxact", 999),
]


@pytest.mark.parametrize(("rel", "tool", "rows"), REAL)
def test_real_exports_are_recognised_and_refused_cleanly(rel, tool, rows):
    path = SHARED / "real-exports" / rel
    if not path.exists():
        pytest.skip("../shared/real-exports is only on the team's machines")
    files = {path.name: path.read_bytes()}
    if path.name == "dataset.csv":
        files.update(surveyxact_extras(path.parent))
    source = load_export(files, load())
    assert source.format == tool
    assert source.height == rows
    keys = [c.key for c in source.columns]
    assert len(keys) == len(set(keys)) and all(k.strip() for k in keys)  # duplicates kept apart
    assert not keys[0].startswith("\ufeff")
    with pytest.raises(ImportFailed) as caught:
        read_responses(
            path.read_bytes(),
            path.name,
            load(),
            extras={k: v for k, v in files.items() if k != path.name},
        )
    assert [p.key for p in caught.value.problems] == ["no_items"]


def test_real_export_quirks():
    base = SHARED / "real-exports"
    if not base.exists():
        pytest.skip("../shared/real-exports is only on the team's machines")
    legacy = load_export(
        {"m.csv": (base / "qualtrics/Single_Answer_Matrix_Questions.csv").read_bytes()}, load()
    )
    assert len(legacy.columns) == 29  # 30 with the empty trailing column, which goes
    assert sum(1 for c in legacy.columns if c.header == "question_one") == 3
    gizmo = load_export(
        {"g.csv": (base / "surveygizmo/20160115235816-SurveyExport.csv").read_bytes()}, load()
    )
    assert sum(gizmo.unfinished) == 927  # "Partial" is flagged, never taken as complete
    assert not any(c.key.endswith("\u00a0") for c in gizmo.columns)
    monkey = load_export({"s.csv": (base / "surveymonkey/StarWars.csv").read_bytes()}, load())
    assert any(" - " in c.key for c in monkey.columns)  # question carried over the blanks


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["x.csv", "dataset.csv", "x.xlsx", "x.zip"]))
def test_any_bytes_as_any_export_give_a_clean_refusal(data, name):
    try:
        for export in group_exports({name: data}):
            read_responses(export[next(iter(export))], next(iter(export)), load())
    except ImportFailed as exc:
        assert exc.problems
