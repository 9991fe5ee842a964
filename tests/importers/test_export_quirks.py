"""What real users' files do that the tools' documentation does not promise: anonymous ids,
Qualtrics previews, a title above the header, numbered question columns, SurveyXact without
its status variables, a mapping with a code off the scale. Each file is built here by hand
from a fixture, and what is expected is counted here from the same records."""

from __future__ import annotations

import pytest

from socialkapital.importers import ImportFailed, Mapping, load_export, read_responses
from socialkapital.importers import mapping as mapping_mod
from socialkapital.instrument import load
from tests.conftest import template_rows, to_csv
from tests.importers.helpers import FIXTURES, coded_departments, column, records_of


def test_anonymous_in_the_respondent_column_is_nobody():
    # Microsoft Forms writes "anonymous" for everyone when anyone may answer.
    records = records_of("google_forms/responses.csv")
    email = column(records, "Email address")
    for record in records[1:]:
        record[email] = "anonymous"
    parsed = read_responses(to_csv(records), "anon.csv", load())
    answered = [r for r in records[1:] if any(c.strip() for c in r[4:])]
    assert parsed.responses.height == len(answered)  # every row a person: none merged
    assert parsed.duplicates == 0
    assert parsed.responses["respondent"].null_count() == parsed.responses.height
    assert ("note.anonymous_ids", {"value": "anonymous"}) in parsed.notes


def test_qualtrics_previews_and_tests_are_left_out_and_said():
    records = records_of("qualtrics/responses_text.csv")
    status = column(records, "Status")
    data = records[3:]  # three header rows
    data[0][status] = "Survey Preview"
    data[1][status] = "2"  # the numeric export's "Survey Test"
    preview_ids = {data[0][column(records, "ResponseId")], data[1][column(records, "ResponseId")]}
    before = read_responses(
        (FIXTURES / "qualtrics/responses_text.csv").read_bytes(), "q.csv", load()
    )
    parsed = read_responses(to_csv(records), "q.csv", load())
    assert ("note.test_responses", {"count": 2}) in parsed.notes
    assert parsed.responses.height == before.responses.height - 2
    assert not set(parsed.responses["respondent"].to_list()) & preview_ids


def test_a_file_of_only_test_answers_is_kept_whole():
    records = records_of("qualtrics/responses_text.csv")
    status = column(records, "Status")
    for record in records[3:]:
        record[status] = "Survey Test"
    before = read_responses(
        (FIXTURES / "qualtrics/responses_text.csv").read_bytes(), "q.csv", load()
    )
    parsed = read_responses(to_csv(records), "q.csv", load())
    assert parsed.responses.height == before.responses.height
    assert any(key == "note.only_test_responses" for key, _ in parsed.notes)


def test_a_title_above_the_header_is_skipped_and_rows_keep_their_numbers():
    rows = template_rows([("Værkstedet", "Montage", [4] * 21)] * 4)
    rows[3][3 + 2] = "9"  # q3 of the third person
    title = [["Trivselsmåling 2026 – social kapital"] + [""] * (len(rows[0]) - 1)]
    with pytest.raises(ImportFailed) as caught:
        read_responses(to_csv(title + rows), "titel.csv", load())
    (problem,) = caught.value.problems
    # Title on row 1, header on row 2: the third person stands on row 5.
    assert (problem.row, problem.column, problem.value) == (5, "q3", "9")
    rows[3][3 + 2] = "4"
    parsed = read_responses(to_csv(title + rows), "titel.csv", load())
    assert parsed.responses.height == 4


def numbered(prefix: str, count: int) -> bytes:
    header = ["Afdeling", "Arbejdsplads", *[f"{prefix} {n}" for n in range(1, count + 1)]]
    # Person i answers code 1 + (i + n) % 5 to question n: a pattern worked out below.
    body = [
        ["Lager", "Værkstedet", *[str(1 + (i + n) % 5) for n in range(1, count + 1)]]
        for i in range(6)
    ]
    return to_csv([header, *body])


def test_questions_numbered_1_to_21_are_the_items_in_order():
    parsed = read_responses(numbered("Spørgsmål", 21), "tal.csv", load())
    for n in (1, 7, 21):
        codes = [1 + (i + n) % 5 for i in range(6)]
        assert parsed.responses[f"q{n}"].to_list() == codes


def test_a_numbered_series_longer_than_the_questionnaire_is_not_guessed():
    with pytest.raises(ImportFailed) as caught:
        read_responses(numbered("Q", 30), "tal.csv", load())
    assert caught.value.problems[0].key == "no_items"


def test_surveyxact_without_its_status_variables_is_known_by_its_labels():
    records = records_of("surveyxact/dataset.csv", delimiter=";")
    drop = {i for i, h in enumerate(records[0]) if h.startswith(("stato", "respondentid"))}
    kept = [[c for i, c in enumerate(r) if i not in drop] for r in records]
    files = {
        "sx/dataset.csv": to_csv(kept, sep=";"),
        **{
            f"sx/{n}": (FIXTURES / "surveyxact" / n).read_bytes()
            for n in ("labels.csv", "structure.csv")
        },
    }
    source = load_export(files, load())
    assert source.format == "surveyxact"
    assert source.labels  # the codes are decoded by labels.csv


def test_a_mapped_code_off_the_scale_is_refused():
    mapping = Mapping.from_toml((FIXTURES / "limesurvey" / "mapping.toml").read_text())
    mapping.values["A3"] = 7
    path = FIXTURES / "limesurvey" / "results-survey123456.csv"
    with pytest.raises(ImportFailed) as caught:
        read_responses(path.read_bytes(), path.name, load(), mapping=mapping)
    found = [(p.key, p.column, p.value) for p in caught.value.problems]
    assert ("bad_mapping_value", "[values]", "A3 = 7") in found


def test_an_answer_off_the_scale_is_shown_where_it_first_stands():
    path = FIXTURES / "qualtrics" / "responses_numeric.csv"
    records = records_of("qualtrics/responses_numeric.csv")
    items = [i for i, h in enumerate(records[0]) if h.startswith(("Q1_", "Q2_", "Q3_", "Q4_"))]
    # The first data row (spreadsheet row 4, after three header rows) and its first item
    # column holding a "5".
    first = next(
        (row, records[0][i])
        for row, record in enumerate(records[3:], start=4)
        for i in items
        if record[i] == "5"
    )
    with pytest.raises(ImportFailed) as caught:
        read_responses(path.read_bytes(), path.name, load())
    five = next(p for p in caught.value.problems if p.value == "5")
    assert (five.row, five.column) == first


def department_counts(parsed) -> dict[str, int]:
    return dict(parsed.responses.group_by("department").len().iter_rows())


def test_departments_exported_as_codes_are_named_by_the_mapping():
    data, names = coded_departments()
    source = load_export({"coded.csv": data}, load())
    draft = mapping_mod.suggest(source, load())
    assert mapping_mod.department_codes(source, draft) == sorted(names, key=int)
    draft.department_names = names
    again = Mapping.from_toml(draft.to_toml())
    assert again.department_names == names
    named = read_responses(data, "coded.csv", load(), mapping=again)
    original = read_responses((FIXTURES / "google_forms/responses.csv").read_bytes(), "g", load())
    assert department_counts(named) == department_counts(original)
    unnamed = read_responses(data, "coded.csv", load())
    assert set(department_counts(unnamed)) == set(names)  # the codes themselves


def test_departments_with_names_are_not_taken_for_codes():
    source = load_export({"g.csv": (FIXTURES / "google_forms/responses.csv").read_bytes()}, load())
    assert mapping_mod.department_codes(source, mapping_mod.suggest(source, load())) == []
