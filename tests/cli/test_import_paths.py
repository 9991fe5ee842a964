"""One template CSV stored three ways gives one result: by the CLI, which reads it in the
store's write connection and stores at once (``Store.importing``); from the bulk reader's
Parquet files (the CLI when replacing must be confirmed first); and as the dashboard does,
from the polars frame after the user confirmed. The rows, person keys and kept sums are the
same, and the expected rows are written out by hand here."""

from __future__ import annotations

import hashlib
import shutil

from typer.testing import CliRunner

from queries.store import Store
from socialkapital.cli import app
from socialkapital.importers import read_responses
from socialkapital.instrument import load
from tests.conftest import to_csv

INS = load()
KEYS = [f"q{i}" for i in range(1, 22)]
HEADER = ["workplace", "department", "respondent", *KEYS]


def answers(*cells: str) -> list[str]:
    """21 cells: the ones given, then the last of them repeated."""
    return [*cells, *([cells[-1]] * (21 - len(cells)))]


# File rows 2-10: blanks, "don't know", answers spelt otherwise, a person three times in one
# workplace (the last kept), the same person in another workplace, placeholder and blank ids,
# and a row without any answer.
RECORDS = [
    HEADER,
    ["Mejeri A", "Lager", "anna@x.dk", *answers("I HØJ GRAD ", "", "Ved ikke", "4")],  # 2
    ["Mejeri A", "Lager", " anna@x.dk", *answers("2")],  # 3
    ["Mejeri A", "Kontor", "Anonymous", *answers("To a small extent", "5")],  # 4
    ["Mejeri A", "Kontor", "", *answers("3", "", "3")],  # 5
    ["Mejeri A", "Kontor", "bo@x.dk", *answers("")],  # 6: no answer
    ["Mejeri B", "Lager", "anna@x.dk", *answers("1", "2", "1")],  # 7
    ["Mejeri A", "Lager", "anna@x.dk", *answers("I meget høj grad", "somewhat", "")],  # 8
    ["Mejeri B", "Lager", "anonym", *answers("Delvist")],  # 9
    ["Mejeri B", "Lager", "Carl@X.dk ", *answers("5", "4")],  # 10
]
# What is stored, in the file's order: (workplace, department, id or None, codes).
EXPECTED = [
    ("Mejeri A", "Kontor", None, [2, *[5] * 20]),
    ("Mejeri A", "Kontor", None, [3, None, *[3] * 19]),
    ("Mejeri B", "Lager", "anna@x.dk", [1, 2, *[1] * 19]),
    ("Mejeri A", "Lager", "anna@x.dk", [5, 3, *[None] * 19]),
    ("Mejeri B", "Lager", None, [3] * 21),
    ("Mejeri B", "Lager", "carl@x.dk", [5, *[4] * 20]),
]


def person_key(secret: str, normal: str) -> str:
    """The store's keyed hash, worked out with hashlib: sha256(key || sha256(key || id))."""
    inner = hashlib.sha256((secret + normal).encode()).hexdigest()
    return hashlib.sha256((secret + inner).encode()).hexdigest()


def stored(store: Store) -> list[tuple]:
    with store.reading() as con:
        return con.execute(
            """
            SELECT w.name, d.name, r.person_key, r.codes
            FROM respondents r
            JOIN departments d ON d.department_id = r.department_id
            JOIN workplaces w ON w.workplace_id = d.workplace_id
            ORDER BY r.respondent_id
            """
        ).fetchall()


def kept_sums(store: Store) -> tuple[list[tuple], list[tuple]]:
    with store.reading() as con:
        sums = con.execute(
            "SELECT d.name, s.* EXCLUDE (round_id, department_id) FROM figure_sums s "
            "JOIN departments d USING (department_id) ORDER BY ALL"
        ).fetchall()
        pairs = con.execute(
            "SELECT d.name, p.* EXCLUDE (round_id, department_id) FROM figure_pairs p "
            "JOIN departments d USING (department_id) ORDER BY ALL"
        ).fetchall()
    return sums, pairs


def test_the_cli_the_files_and_the_dashboard_store_the_same(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(to_csv(RECORDS))
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["import", str(path), "--round", "R", "--db", str(db)])
    assert result.exit_code == 0, result.output
    cli = Store(db)
    secret = db.with_suffix(".key").read_text().strip()
    expected = [
        (w, d, None if i is None else person_key(secret, i), codes) for w, d, i, codes in EXPECTED
    ]
    assert stored(cli) == expected

    # The same file from the bulk reader's Parquet files, and as the dashboard's frame, into
    # stores with the same key.
    others = []
    for name in ("files", "frame"):
        other = tmp_path / f"{name}.duckdb"
        shutil.copy(db.with_suffix(".key"), other.with_suffix(".key"))
        store = Store(other)
        parsed = read_responses(path, "svar.csv", INS)
        assert parsed.staged is not None  # read by the bulk reader
        responses = [parsed.for_store()] if name == "files" else parsed.responses
        store.replace_responses(responses, "R", None, "svar.csv", "template")
        others.append(store)
    for store in others:
        assert stored(store) == expected
        assert kept_sums(store) == kept_sums(cli)
    sums, pairs = kept_sums(cli)
    # q1 in the two Lagers: one person in Mejeri A (the last of three rows), three in B.
    q1 = [s for s in sums if s[0] == "Lager" and s[1] == "q1"]
    assert sorted(s[2] for s in q1) == [1, 3]
    assert pairs


def test_a_refused_file_changes_nothing_and_says_where(tmp_path):
    """A bad cell found while reading in the store's connection: nothing is stored, and the
    message names the file, row, column and value."""
    db = tmp_path / "cli.duckdb"
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv(RECORDS))
    result = CliRunner().invoke(app, ["import", str(good), "--round", "R", "--db", str(db)])
    assert result.exit_code == 0, result.output
    before = stored(Store(db))
    bad = tmp_path / "bad.csv"
    records = [row[:] for row in RECORDS]
    records[7][3 + 4] = "Måske"  # file row 8, q5
    bad.write_bytes(to_csv(records))
    result = CliRunner().invoke(
        app, ["import", str(bad), "--round", "R", "--replace", "--db", str(db), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "bad.csv, row 8, column “q5”" in result.output and "'Måske'" in result.output
    assert stored(Store(db)) == before


def test_rows_read_in_the_stores_connection_are_the_files_rows(tmp_path):
    """The reading ``Store.importing`` holds gives the same canonical frame as the bulk
    reader's own connection (its files)."""
    path = tmp_path / "svar.csv"
    path.write_bytes(to_csv(RECORDS))
    store = Store(tmp_path / "s.duckdb")
    on_disk = read_responses(path, "svar.csv", INS)
    with store.importing("R", replace=False) as con:
        held = read_responses(path, "svar.csv", INS, con=con)
        assert held.staged is not None and held.staged.files.con is con
        assert held.responses.equals(on_disk.responses)
        assert (held.respondents, held.workplaces) == (6, ["Mejeri A", "Mejeri B"])
        assert held.missing_per_item() == on_disk.missing_per_item()
        assert held.notes == on_disk.notes
    assert on_disk.responses["row"].to_list() == [4, 5, 7, 8, 9, 10]
    # Once the round holds responses, replacing them is asked about first: no held store.
    store.replace_responses([on_disk.for_store()], "R", None, "svar.csv", "template")
    with store.importing("R", replace=False) as con:
        assert con is None
    with store.importing("R", replace=True) as con:
        assert con is not None


def test_a_blank_line_between_rows(tmp_path):
    """DuckDB skips a blank line, so its row numbers after one are not the file's. Rows
    stored at once need only their order: the CLI stores the file as the exact reader reads
    it. Where a row must be named, the exact reader reads the file and names the file's row."""
    lines = to_csv(RECORDS[:3]) + b"\r\n" + to_csv(RECORDS[3:])  # the blank line is row 4
    path = tmp_path / "svar.csv"
    path.write_bytes(lines)
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["import", str(path), "--round", "R", "--db", str(db)])
    assert result.exit_code == 0, result.output
    secret = db.with_suffix(".key").read_text().strip()
    expected = [
        (w, d, None if i is None else person_key(secret, i), codes) for w, d, i, codes in EXPECTED
    ]
    assert stored(Store(db)) == expected
    # Read in the store's connection, the bulk reader keeps the file; its files for a
    # confirmation, and the bytes the dashboard gets, go to the exact reader.
    with Store(tmp_path / "s.duckdb").importing("R", replace=False) as con:
        assert read_responses(path, "svar.csv", INS, con=con).staged is not None
    assert read_responses(path, "svar.csv", INS).staged is None
    exact = read_responses(lines, "svar.csv", INS)
    assert exact.staged is None  # the exact reader's frame: the file's own row numbers
    assert exact.responses["row"].to_list() == [5, 6, 8, 9, 10, 11]

    records = [row[:] for row in RECORDS]
    records[7][3 + 4] = "Måske"  # q5 of the file's row 9, after the blank line
    path.write_bytes(to_csv(records[:3]) + b"\r\n" + to_csv(records[3:]))
    result = CliRunner().invoke(
        app, ["import", str(path), "--round", "R", "--replace", "--db", str(db), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "svar.csv, row 9, column “q5”" in result.output and "'Måske'" in result.output
    assert stored(Store(db)) == expected
