"""The template CSV read by DuckDB (``importers.bulk``) against a separate, simple reading:
polars reads the file as text and a table written out here maps the answers; both must
give the same stored answers. A single bad cell is named by row, column and value, and a
refused file leaves the store as it was."""

from __future__ import annotations

import gc
import io
import pickle
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries.store import Store
from socialkapital.importers import ImportFailed, bulk, read_responses
from socialkapital.instrument import load
from tests.conftest import to_csv

INS = load()
KEYS = [f"q{i}" for i in range(1, 22)]
# The reference's own answer table (domain.md), as a person would write it down.
CODES = {
    "i meget lav grad": 1,
    "i lav grad": 2,
    "delvist": 3,
    "i høj grad": 4,
    "i meget høj grad": 5,
    "to a very small extent": 1,
    "to a small extent": 2,
    "somewhat": 3,
    "to a large extent": 4,
    "to a very large extent": 5,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "": None,
    "ved ikke": None,
    "don't know": None,
}
LABELS = ["I meget lav grad", "I lav grad", "Delvist", "I høj grad", "I meget høj grad"]
SPELLINGS = ["I HØJ GRAD", " delvist ", "To a small extent", "To a very large extent", "Somewhat"]
ANSWERS = st.sampled_from([*LABELS, *SPELLINGS, "1", "4", "5", "", "", "Ved ikke"])
NAMES = st.sampled_from(["Lager", "Kontor", "Østfløjen", "Team 2"])
WORKPLACES = st.sampled_from(["Mejeri A", "Mejeri B"])


@st.composite
def template_files(draw):
    """A valid template file: 1-30 rows, unique ids (some blank), a random delimiter."""
    size = draw(st.integers(1, 30))
    records = [["workplace", "department", "respondent", *KEYS]]
    for i in range(size):
        ident = "" if draw(st.booleans()) and i % 3 == 0 else f"p{i}@x.dk"
        answers = draw(st.lists(ANSWERS, min_size=21, max_size=21))
        if all(CODES[a.strip().lower()] is None for a in answers):
            answers[0] = "Delvist"  # every row has an answer: the reference keeps them all
        records.append([draw(WORKPLACES), draw(NAMES), ident, *answers])
    return records, draw(st.sampled_from([",", ";", "\t"]))


def reference(data: bytes, sep: str) -> list[tuple]:
    """(workplace, department, item, code) of every answer, in file order."""
    frame = pl.read_csv(io.BytesIO(data), separator=sep, infer_schema=False)
    out = []
    for row in frame.iter_rows(named=True):
        for n, key in enumerate(KEYS, 1):
            code = CODES[(row[key] or "").strip().lower()]
            if code is not None:
                out.append((row["workplace"], row["department"], n, code))
    return out


def stored(store: Store) -> list[tuple]:
    with store.reading() as con:
        return con.execute(
            """
            SELECT w.name, d.name, a.item, a.code
            FROM answers a
            JOIN respondents r ON r.respondent_id = a.respondent_id
            JOIN departments d ON d.department_id = r.department_id
            JOIN workplaces w ON w.workplace_id = d.workplace_id
            ORDER BY a.respondent_id, a.item
            """
        ).fetchall()


def counts(store: Store) -> dict:
    return store.counts()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(template_files())
def test_the_bulk_reader_stores_what_a_simple_reading_gives(tmp_path_factory, drawn):
    records, sep = drawn
    data = to_csv(records, sep=sep)
    folder = tmp_path_factory.mktemp("bulk")
    path = folder / "t.csv"
    path.write_bytes(data)
    parsed = bulk.read(path, "t.csv", INS)
    assert parsed is not None  # a plain template CSV: read by DuckDB, not the exact reader
    store = Store(folder / "s.duckdb")
    # As the CLI stores it: from the checked rows on disk, in SQL.
    store.replace_responses([parsed.for_store()], "R", None, "t.csv", "template")
    assert stored(store) == reference(data, sep)
    # As the dashboard stores it: the same rows as a polars frame.
    framed = Store(folder / "f.duckdb")
    framed.replace_responses(parsed.responses, "R", None, "t.csv", "template")
    assert stored(framed) == stored(store)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    template_files(),
    st.data(),
    st.sampled_from(["6", "0", "maybe", "I høj", "4,5", "Meget", "Ja"]),
)
def test_a_single_bad_cell_is_named_and_nothing_is_stored(tmp_path_factory, drawn, data, bad):
    records, sep = drawn
    row = data.draw(st.integers(1, len(records) - 1))
    item = data.draw(st.integers(1, 21))
    records[row][2 + item] = bad
    folder = tmp_path_factory.mktemp("bad")
    store = Store(folder / "s.duckdb")
    first = to_csv([records[0], ["Mejeri A", "Lager", "x", *(["3"] * 21)]], sep=sep)
    store.replace_responses(read_responses(first, "first.csv", INS).responses, "R", None, "f", "t")
    before = counts(store)
    with pytest.raises(ImportFailed) as caught:
        parsed = read_responses(to_csv(records, sep=sep), "t.csv", INS)
        store.replace_responses(parsed.responses, "R", None, "t.csv", "template", replace=True)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (row + 1, f"q{item}", bad)
    assert problem.key == "not_on_scale"
    assert counts(store) == before


def test_unusual_csv_goes_to_the_exact_reader(tmp_path: Path):
    """A blank line between rows would shift DuckDB's row numbers: the exact reader reads it."""
    records = [["workplace", "department", *KEYS], ["A", "Lager", *(["3"] * 21)]]
    data = to_csv(records) + b"\r\n" + to_csv(records[1:])
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    assert bulk.read(path, "t.csv", INS) is None
    parsed = read_responses(data, "t.csv", INS)
    assert parsed.responses["row"].to_list() == [2, 4]


def test_files_and_frames_are_stored_together_in_their_order(tmp_path: Path):
    """The CLI stores several exports in one go: the bulk reader's files and the exact
    reader's frame (a blank line between rows sends a file there) side by side."""
    first = [["workplace", "department", "respondent", *KEYS]]
    first += [["A", "Lager", f"p{i}", *([str(i % 5 + 1)] * 21)] for i in range(4)]
    second = [["workplace", "department", "respondent", *KEYS], ["B", "Kontor", "q", *(["2"] * 21)]]
    blank_line = to_csv(second) + b"\r\n" + to_csv([["B", "Kontor", "r", *(["5"] * 21)]])
    (tmp_path / "a.csv").write_bytes(to_csv(first))
    (tmp_path / "b.csv").write_bytes(blank_line)
    bulk_read = read_responses(tmp_path / "a.csv", "a.csv", INS)
    exact = read_responses(blank_line, "b.csv", INS)
    assert bulk_read.staged is not None and exact.staged is None
    store = Store(tmp_path / "s.duckdb")
    # (The first file twice: each part's rows are numbered after the parts before it.)
    parts = [bulk_read.for_store(), exact.for_store(), bulk_read.for_store()]
    outcome = store.replace_responses(parts, "R", None, "a, b, a", "template")
    assert (outcome.respondents, outcome.answers) == (10, 10 * 21)
    first_file = [("A", "Lager", n, i % 5 + 1) for i in range(4) for n in range(1, 22)]
    second_file = [("B", "Kontor", n, code) for code in (2, 5) for n in range(1, 22)]
    assert stored(store) == first_file + second_file + first_file


def test_a_refused_or_dropped_reading_leaves_no_files(tmp_path: Path, monkeypatch):
    """The checked rows wait in a temporary folder of their own: gone with the reading,
    and never made for a refused file."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    records = [["workplace", "department", *KEYS], ["A", "Lager", *(["3"] * 21)]]
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv(records))
    parsed = read_responses(good, "good.csv", INS)
    rows, pairs = parsed.staged.files.rows, parsed.staged.files.pairs
    assert rows.exists() and pairs.exists()
    del parsed
    gc.collect()
    assert not rows.exists() and not list((tmp_path / "tmp").iterdir())
    records[1][5] = "Måske"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv(records))
    with pytest.raises(ImportFailed):
        read_responses(bad, "bad.csv", INS)
    assert not list((tmp_path / "tmp").iterdir())


def test_a_store_that_fails_midway_keeps_nothing_of_the_files(tmp_path: Path, monkeypatch):
    """Checked rows from disk are stored in the store's one transaction: a failure after the
    answers are written (here the import log) leaves the store as it was."""
    from queries import store as store_mod

    records = [["workplace", "department", "respondent", *KEYS]]
    records += [["A", "Lager", f"p{i}", *(["4"] * 21)] for i in range(6)]
    path = tmp_path / "t.csv"
    path.write_bytes(to_csv(records))
    store = Store(tmp_path / "s.duckdb")
    store.replace_responses([read_responses(path, "t.csv", INS).for_store()], "R", None, "t", "t")
    before = (counts(store), stored(store))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_mod, "_log_import", boom)
    records[1][5] = "1"
    path.write_bytes(to_csv(records))
    again = read_responses(path, "t.csv", INS)
    with pytest.raises(RuntimeError, match="disk full"):
        store.replace_responses([again.for_store()], "R", None, "t", "t", replace=True)
    assert (counts(store), stored(store)) == before


def test_a_copy_of_a_reading_holds_its_rows_not_the_files(tmp_path: Path):
    """Streamlit's cache pickles what a page reads: the copy is a frame of its own."""
    records = [["workplace", "department", *KEYS], ["A", "Lager", *(["3"] * 21)]]
    path = tmp_path / "t.csv"
    path.write_bytes(to_csv(records))
    parsed = read_responses(path, "t.csv", INS)
    copy = pickle.loads(pickle.dumps(parsed))
    assert copy.staged is None and parsed.staged is not None
    assert copy.responses.equals(parsed.responses)
    assert (copy.respondents, copy.workplaces) == (1, ["A"])
    assert copy.missing_per_item() == parsed.missing_per_item() == dict.fromkeys(KEYS, 0)
