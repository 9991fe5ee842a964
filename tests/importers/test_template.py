"""Our own template: CSV (comma/semicolon, UTF-8/Windows-1252) and XLSX, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkapital.importers import ImportFailed, read_responses
from tests.conftest import template_rows, to_csv, to_xlsx
from tests.importers.helpers import FIXTURES, assert_scores_match, expected


@pytest.mark.parametrize("name", ["template.csv", "template_semicolon_cp1252.csv", "template.xlsx"])
def test_template_fixtures_give_the_expected_scores(make_store, ins, name):
    parsed = read_responses((FIXTURES / "template" / name).read_bytes(), name, ins)
    assert parsed.format == "template"
    assert parsed.responses.height == 40
    compared = assert_scores_match(make_store(threshold=3), parsed, expected())
    assert compared > 200  # most of the ~275 figures are shown at threshold 3


def test_the_same_department_name_in_two_workplaces_stays_apart(make_store, ins):
    parsed = read_responses((FIXTURES / "template" / "template.csv").read_bytes(), "t.csv", ins)
    store = make_store(threshold=3)
    store.replace_responses(parsed.responses, "R", None, "t.csv", "template")
    admin = [w for w in store.workplaces("R") if "Administration" in store.departments("R", w)]
    assert len(admin) == 2


def rows(n=5, answer=4, workplace="Mejeri Øst", department="Ost & Lager"):
    return [(workplace, department, [answer] * 21) for _ in range(n)]


def problems_of(data: bytes, ins, name="bad.csv"):
    with pytest.raises(ImportFailed) as caught:
        read_responses(data, name, ins)
    return caught.value.problems


def test_headers_are_case_insensitive_and_danish_names_work(ins):
    records = template_rows(rows())
    records[0] = ["ARBEJDSPLADS", "Afdeling", "E-mail", *(f"Q{i}" for i in range(1, 22))]
    parsed = read_responses(to_csv(records, sep=";", encoding="cp1252"), "x.csv", ins)
    assert parsed.responses["department"].to_list() == ["Ost & Lager"] * 5
    assert parsed.responses["q21"].to_list() == [4] * 5


def test_tab_separated_and_english_labels(ins):
    records = template_rows(rows(answer="To a large extent"))
    parsed = read_responses(to_csv(records, sep="\t"), "x.tsv", ins)
    assert parsed.responses["q1"].to_list() == [4] * 5


def test_unknown_labels_and_codes_are_each_named(ins):
    found = problems_of(
        (FIXTURES / "bad" / "unknown_labels.csv").read_bytes(), ins, "unknown_labels.csv"
    )
    cells = {(p.row, p.column, p.value) for p in found}
    assert {(r, c) for r, c, _ in cells} == {
        (3, "q3"),
        (8, "q1"),
        (5, "q10"),
        (6, "q17"),
        (9, "q21"),
    }
    assert {v for *_, v in cells} == {"Måske", "0", "7"}
    assert all(p.key == "not_on_scale" for p in found)
    text = str(ImportFailed(found))
    assert "unknown_labels.csv, row 5, column “q10”" in text and "'0'" in text


def test_every_bad_cell_is_listed_not_just_the_first(ins):
    records = template_rows(rows(n=6))
    for i in range(1, 7):
        records[i][2 + i] = "7"  # q_i of row i (columns: workplace, department, respondent)
    found = problems_of(to_csv(records), ins)
    assert [(p.row, p.column) for p in found] == [(i + 1, f"q{i}") for i in range(1, 7)]


@pytest.mark.parametrize(
    ("name", "key", "column"),
    [
        ("no_department.csv", "missing_column", "department"),
        ("missing_q13.csv", "missing_column", "q13"),
        ("duplicate_q5.csv", "duplicate_column", "q5"),
        ("empty.csv", "empty_file", None),
        ("image_renamed.csv", "binary_file", None),
    ],
)
def test_bad_files_are_refused_with_a_precise_problem(ins, name, key, column):
    found = problems_of((FIXTURES / "bad" / name).read_bytes(), ins, name)
    assert [(p.key, p.column) for p in found] == [(key, column)]
    assert found[0].file == name


def test_a_file_cut_off_mid_row_names_the_row(ins):
    found = problems_of((FIXTURES / "bad" / "truncated.csv").read_bytes(), ins)
    assert len(found) == 1
    assert found[0].key in {"malformed", "cut_off"}
    assert found[0].row == 12


def test_a_short_last_row_without_quote_is_cut_off(ins):
    text = to_csv(template_rows(rows())).decode().rstrip("\r\n")
    text = text.rsplit("\r\n", 1)[0] + "\r\nMejeri Øst,Ost & Lager,x@y.dk,4,4"
    found = problems_of(text.encode(), ins)
    assert [(p.key, p.row) for p in found] == [("cut_off", 6)]


def test_blank_workplace_or_department_cells(ins):
    records = template_rows(rows())
    records[2][0] = ""
    records[4][1] = "  "
    found = problems_of(to_csv(records), ins)
    assert [(p.key, p.row) for p in found] == [("blank_workplace", 3), ("blank_department", 5)]


def test_workplace_option_fills_a_missing_column(ins):
    records = [r[1:] for r in template_rows(rows())]
    parsed = read_responses(to_csv(records), "x.csv", ins, workplace="Fælles A/S")
    assert set(parsed.responses["workplace"]) == {"Fælles A/S"}


def test_non_respondents_and_duplicates(ins):
    records = template_rows(rows(n=4))
    records.append(["Mejeri Øst", "Ost & Lager", "empty@x.dk", *["Ved ikke"] * 21])
    records.append(["Mejeri Øst", "Ost & Lager", "person1@example.dk", *["1"] * 21])
    parsed = read_responses(to_csv(records), "x.csv", ins)
    assert parsed.skipped_empty == 1
    assert parsed.duplicates == 1
    assert parsed.responses.height == 4
    again = parsed.responses.filter(parsed.responses["respondent"] == "person1@example.dk")
    assert again["q1"].to_list() == [1]  # the later submission is kept
    assert {key for key, _ in parsed.notes} == {"note.skipped_empty", "note.duplicates"}


def test_excel_with_several_sheets_finds_the_template_sheet(ins):
    import io

    import xlsxwriter

    records = template_rows(rows())
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("Forside").write(0, 0, "Svar fra medarbejdere")
    data = book.add_worksheet("Svar")
    for r, record in enumerate(records):
        data.write_row(r, 0, record)
    book.close()
    parsed = read_responses(buffer.getvalue(), "x.xlsx", ins)
    assert parsed.responses.height == 5


def test_excel_numbers_are_codes(ins):
    records = template_rows(rows())
    parsed = read_responses(to_xlsx(records), "x.xlsx", ins)
    assert parsed.responses["q7"].to_list() == [4] * 5


def test_reimporting_does_not_double(store, ins):
    parsed = read_responses(to_csv(template_rows(rows(n=6))), "x.csv", ins)
    store.replace_responses(parsed.responses, "R", None, "x.csv", "template")
    before = store.counts()
    outcome = store.replace_responses(
        parsed.responses, "R", None, "x.csv", "template", replace={"Mejeri Øst": 6}
    )
    assert store.counts() == before
    assert outcome.replaced == 6


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_clean_refusal_or_a_result(data):
    from socialkapital.instrument import load

    try:
        read_responses(data, "fuzz.csv", load())
    except ImportFailed as exc:
        assert exc.problems and all(p.file == "fuzz.csv" for p in exc.problems)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.text(max_size=8), min_size=1, max_size=30), max_size=6),
    st.sampled_from([",", ";", "\t"]),
)
def test_any_table_gives_a_clean_refusal_or_a_result(records, sep):
    from socialkapital.instrument import load

    header = ["workplace", "department", *(f"q{i}" for i in range(1, 22))]
    try:
        read_responses(to_csv([header, *records], sep=sep), "fuzz.csv", load())
    except ImportFailed as exc:
        assert exc.problems
