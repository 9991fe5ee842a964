"""Issue 15: no e-mail, name or other direct identifier is ever stored with the answers.

Respondent ids and roster e-mails become person keys (a keyed hash); roster names are not
stored at all. What must not be in the store is collected here from the input files
themselves (an e-mail pattern over the raw text; the id and name columns read with the csv
module or openpyxl), never from the importer, and looked for in the bytes of the store file
and in every text cell of every table. The expected person keys are computed here with
hashlib, not with the store's SQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import stat
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from queries.store import LATEST_VERSION, Store, StoreError, person_keys
from socialkapital import results
from socialkapital.cli import app
from socialkapital.importers import (
    Mapping,
    load_export,
    read_export,
    read_responses,
    read_roster,
    wording_frame,
)
from socialkapital.importers import mapping as mapping_mod
from socialkapital.settings import Settings
from tests.conftest import ITEM_KEYS, to_csv
from tests.importers.helpers import FIXTURES

REAL = Path(__file__).parents[2] / ".." / "shared" / "real-exports"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
HEX64 = re.compile(r"[0-9a-f]{64}")
# Headers (lower case, without spaces, '_' and '-') of the columns that name a person in the
# survey tools' exports: ids, e-mails, names.
PERSONAL = {
    "id",
    "responseid",
    "respondentid",
    "respondent",
    "token",
    "email",
    "emailaddress",
    "e-mail",
    "mail",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "name",
    "navn",
    "recipientfirstname",
    "recipientlastname",
}
# Shorter identifiers ("1", "17") can stand in a store by chance (a department called "1"),
# so they are looked for only in the columns that hold people.
DISTINCTIVE = 6
SECRET = "5e" * 32


def reference_key(secret: str, value: str) -> str:
    """The person key as issue 15 defines it, computed here without the store."""
    normalised = value.strip(" \t\n\r\u00a0").lower()
    inner = hashlib.sha256((secret + normalised).encode()).hexdigest()
    return hashlib.sha256((secret + inner).encode()).hexdigest()


# -- what the input holds --------------------------------------------------------------------


def raw_text(path: Path) -> str:
    """The file's text as a person would read it (an xlsx: the XML inside)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(
                book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def tables(path: Path) -> list[list[list[str]]]:
    """Every table of the file as rows of strings (an xlsx: one per sheet)."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return [
            [
                ["" if c is None else str(c) for c in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in book.worksheets
        ]
    text = raw_text(path)
    first = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    return [list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))]


def personal_header(text: str) -> bool:
    return re.sub(r"[\s_]", "", text.strip().lower()) in PERSONAL


def input_identifiers(path: Path) -> set[str]:
    """Every e-mail address in the file, and every value of a column that names a person
    (the column is known by its header in one of the first three rows)."""
    found = set(EMAIL.findall(raw_text(path)))
    for rows in tables(path):
        marked = {i for row in rows[:3] for i, cell in enumerate(row) if personal_header(cell)}
        for i in marked:
            found |= {row[i].strip() for row in rows if i < len(row) and row[i].strip()}
        for row in rows[:3]:  # Qualtrics: the recipient's whole name, as a roster would have it
            if "RecipientFirstName" in row and "RecipientLastName" in row:
                first, last = row.index("RecipientFirstName"), row.index("RecipientLastName")
                found |= {f"{r[first]} {r[last]}".strip() for r in rows if len(r) > last}
    # Less the header rows themselves ("Email", "Response ID", Qualtrics' {"ImportId": …}).
    return {f for f in found if f and not personal_header(f) and not f.startswith("{")}


# -- what the store holds --------------------------------------------------------------------


def store_bytes(path: Path) -> bytes:
    """The store file's bytes, with its write-ahead log if one is left (read when closed)."""
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def text_cells(path: Path) -> dict[tuple[str, str], list[str]]:
    """(table, column) -> the distinct values of every text column of every table."""
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' ORDER BY ALL"
        ).fetchall()
        return {
            (t, c): [
                r[0]
                for r in con.execute(
                    f'SELECT DISTINCT "{c}" FROM "{t}" WHERE "{c}" IS NOT NULL'
                ).fetchall()
            ]
            for t, c in columns
        }


PEOPLE_COLUMNS = {"person_key", "external_id", "email", "name"}  # now and before issue 15


def found_in_store(path: Path, identifiers: set[str]) -> list[str]:
    """The identifiers that are in the store file's bytes or in any text cell."""
    data = store_bytes(path)
    cells = text_cells(path)
    people = {v.casefold() for (_, c), vs in cells.items() if c in PEOPLE_COLUMNS for v in vs}
    everything = {v.casefold() for vs in cells.values() for v in vs}
    # A person key is 64 hex digits: a long number could stand inside one by chance.
    texts = [v for v in everything if not HEX64.fullmatch(v)]
    leaked = []
    for ident in identifiers:
        folded = ident.casefold()
        if len(ident) < DISTINCTIVE:
            if folded in people:
                leaked.append(ident)
        elif (
            folded in everything
            or any(folded in t for t in texts)
            or any(form.encode() in data for form in {ident, ident.lower(), ident.upper()})
        ):
            leaked.append(ident)
    return sorted(leaked)


def stored_keys(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT person_key FROM respondents WHERE person_key IS NOT NULL "
            "UNION SELECT person_key FROM roster"
        ).fetchall()
    return {r[0] for r in rows}


def key_of(store: Store) -> str:
    return store.key_path.read_text(encoding="ascii").strip()


def roster_of(emails: list[str], department: str) -> tuple[bytes, set[str]]:
    """A roster of these people, named after their e-mails ("mette.sorensen" -> "Mette
    Sorensen"); also the names, which must not be stored."""
    names = [" ".join(p.capitalize() for p in e.split("@")[0].split(".")) for e in emails]
    lines = [f"{e};{n};{department}" for e, n in zip(emails, names, strict=True)]
    return "\n".join(lines).encode(), {n for n in names if len(n) >= DISTINCTIVE}


def import_with_roster(store: Store, parsed, source: Path) -> set[str]:
    """Store the parsed answers and a roster of the file's e-mails; the identifiers to miss."""
    ins = store.instrument
    wordings = wording_frame([parsed], ins)
    store.replace_responses(parsed.responses, "R", None, parsed.file, parsed.format, wordings)
    identifiers = input_identifiers(source)
    emails = sorted(set(EMAIL.findall(raw_text(source))))[:30]
    if emails:
        workplace = parsed.responses["workplace"][0]
        department = parsed.responses["department"][0]
        data, names = roster_of(emails, department)
        store.replace_roster(read_roster(data, "liste.txt").invited, workplace, "R", None, "l")
        identifiers |= names
    return identifiers


# -- our own fixtures ------------------------------------------------------------------------


def _qualtrics_numeric(path: Path, ins):
    source = load_export({path.name: path.read_bytes()}, ins)
    mapping = mapping_mod.suggest(source, ins)
    mapping.values = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": None}
    return read_export(source, ins, mapping=mapping)


def _limesurvey(path: Path, ins):
    mapping = Mapping.from_toml((path.parent / "mapping.toml").read_text(encoding="utf-8"))
    return read_responses(path.read_bytes(), path.name, ins, mapping=mapping)


def _surveyxact(path: Path, ins):
    extras = {n: (path.parent / n).read_bytes() for n in ("labels.csv", "structure.csv")}
    return read_responses(path.read_bytes(), path.name, ins, extras=extras)


def _plain(path: Path, ins):
    return read_responses(path.read_bytes(), path.name, ins)


FIXTURE_IMPORTS = [
    ("canonical.csv", _plain),
    ("template/template.csv", _plain),
    ("template/template.xlsx", _plain),
    ("template/template_semicolon_cp1252.csv", _plain),
    ("qualtrics/responses_text.csv", _plain),
    ("qualtrics/responses_numeric.csv", _qualtrics_numeric),
    ("google_forms/responses.csv", _plain),
    ("google_forms/responses_sheets_download.csv", _plain),
    ("ms_forms/responses.xlsx", _plain),
    ("ms_forms/responses_danish_headers.xlsx", _plain),
    ("surveyxact/dataset.csv", _surveyxact),
    ("limesurvey/results-survey123456.csv", _limesurvey),
]


@pytest.mark.parametrize(("rel", "read"), FIXTURE_IMPORTS, ids=[r for r, _ in FIXTURE_IMPORTS])
def test_our_fixtures_leave_no_identifier_in_the_store(tmp_path, ins, rel, read):
    path = FIXTURES / rel
    store = Store(tmp_path / "s.duckdb")
    parsed = read(path, ins)
    identifiers = import_with_roster(store, parsed, path)
    assert any(len(i) >= DISTINCTIVE for i in identifiers)  # the file does name people
    assert found_in_store(store.path, identifiers) == []
    assert found_in_store(store.path, {key_of(store)}) == []  # nor is the key in it
    # What is stored are the people's keys, made from the file's own ids and e-mails.
    stored = stored_keys(store.path)
    assert stored
    assert stored <= {reference_key(key_of(store), i) for i in identifiers}


# -- the real exports of other surveys ---------------------------------------------------------


def real_exports() -> list[str]:
    if not REAL.is_dir():
        return []
    found = sorted(
        p.relative_to(REAL).as_posix()
        for p in REAL.rglob("*")
        if p.suffix in (".csv", ".tsv", ".xlsx")
        and not p.name.startswith(("labels", "structure"))  # SurveyXact's companion files
    )
    return found


def mapping_for(source, ins) -> Mapping | None:
    """The mapping a user could make for a file without our 21 questions: its id column as
    the respondent, a column without blanks as the department, and the 21 columns with the
    fewest different answers as the items, every answer given a code. None: too few columns."""
    personal = {
        c.key for c in source.columns if personal_header(c.header) or personal_header(c.text)
    }
    respondent = source.hints.get("respondent") or next(
        (c.key for c in source.columns if c.key in personal), None
    )
    rest = [c.key for c in source.columns if c.key not in personal and c.key != respondent]
    filled = [k for k in rest if (source.data[k].fill_null("").str.strip_chars() != "").all()]
    if len(rest) < len(ins.items) + 1 or not filled:
        return None
    department = min(filled, key=lambda k: source.data[k].n_unique())
    rest.remove(department)
    items = sorted(rest, key=lambda k: source.series(k).n_unique())[: len(ins.items)]
    answers = sorted({v for k in items for v in source.series(k).drop_nulls() if v.strip()})
    return Mapping(
        department=department,
        workplace_name="Eksporten",
        respondent=respondent,
        items=items,
        values={v: 1 + i % 5 for i, v in enumerate(answers)},
    )


@pytest.mark.parametrize("rel", real_exports() or ["(../shared/real-exports is not here)"])
def test_real_exports_leave_no_identifier_in_the_store(tmp_path, ins, rel):
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is not here (only on the team's machines)")
    path = REAL / rel
    files = {path.name: path.read_bytes()}
    if path.name == "dataset.csv":
        files |= {n: (path.parent / n).read_bytes() for n in ("labels.csv", "structure.csv")}
    source = load_export(files, ins)
    mapping = mapping_for(source, ins)
    if mapping is None:
        pytest.skip(f"{rel}: {len(source.columns)} columns, too few to map the 21 questions")
    parsed = read_export(source, ins, mapping=mapping)
    store = Store(tmp_path / "s.duckdb")
    identifiers = import_with_roster(store, parsed, path)
    assert found_in_store(store.path, identifiers) == []
    stored = stored_keys(store.path)
    if mapping.respondent:
        assert stored  # people were imported, as keys made from the file's own ids
        assert stored <= {reference_key(key_of(store), i) for i in identifiers}


# -- the demo --------------------------------------------------------------------------------


def test_the_demo_loads_without_its_names_and_e_mails(tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(db))
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--load", "--respondents", "400"])
    assert result.exit_code == 0, result.output
    identifiers: set[str] = set()
    for file in out.iterdir():
        text = file.read_text(encoding="utf-8")
        identifiers |= set(EMAIL.findall(text))
        if file.name.startswith("roster_"):  # email;name;department
            identifiers |= {line.split(";")[1] for line in text.splitlines() if line}
    assert len(identifiers) > 400
    assert found_in_store(db, identifiers) == []


# -- duplicates and response rates -----------------------------------------------------------

ROSTER = """\
Anna.Berg@Mejeri.dk;Anna Berg;Køkken
bo.dahl@mejeri.dk;Bo Dahl;Køkken
cecilie.ek@mejeri.dk;Cecilie Ek;Køkken
dorte.fisker@mejeri.dk;Dorte Fisker;Køkken
emil.gram@mejeri.dk;Emil Gram;Køkken
 anna.berg@MEJERI.DK ;Anna B.;Køkken
frida.holm@mejeri.dk;Frida Holm;Lager
gustav.iversen@mejeri.dk;Gustav Iversen;Lager
hanne.juhl@mejeri.dk;Hanne Juhl;Lager
ib.krogh@mejeri.dk;Ib Krogh;Lager
"""


def answers(rows: list[tuple[str, str, int]]) -> bytes:
    """Template records: (department, respondent, the one code given to every item)."""
    header = ["workplace", "department", "respondent", *ITEM_KEYS]
    return to_csv([header, *[["Mejeri", d, r, *[str(code)] * 21] for d, r, code in rows]])


def test_duplicates_and_response_rates_are_as_before(make_store, ins):
    store = make_store(threshold=3)
    invited = read_roster(ROSTER.encode(), "l.txt").invited
    store.replace_roster(invited, "Mejeri", "R", None, "l", create=True)  # before the answers
    rows = [
        ("Køkken", "anna.berg@mejeri.dk", 5),
        ("Køkken", "bo.dahl@mejeri.dk", 3),
        ("Køkken", "cecilie.ek@mejeri.dk", 4),
        ("Køkken", "  anna.berg@mejeri.dk ", 1),  # Anna again: her last answers count
        ("Lager", "frida.holm@mejeri.dk", 2),
        ("Lager", "gustav.iversen@mejeri.dk", 2),
        ("Lager", "hanne.juhl@mejeri.dk", 5),
    ]
    parsed = read_responses(answers(rows), "svar.csv", ins)
    store.replace_responses(parsed.responses, "R", None, "svar.csv", "template")

    # By hand: Køkken 5 invited (Anna is on the roster twice), 3 answered; Lager 4 and 3.
    assert store.counts()["respondents"] == 6 and store.counts()["roster"] == 9
    res = results.compute(store, "R")
    kitchen, store_room = res.group("Mejeri", "Køkken"), res.group("Mejeri", "Lager")
    whole = res.group("Mejeri", None)
    assert (kitchen["respondents"], kitchen["invited"]) == (3, 5)
    assert (store_room["respondents"], store_room["invited"]) == (3, 4)
    assert kitchen["response_rate"] == pytest.approx(3 / 5)
    assert store_room["response_rate"] == pytest.approx(3 / 4)
    assert whole["response_rate"] == pytest.approx(6 / 9)
    # Anna's second answers (code 1 = 0 points) with Bo's 50 and Cecilie's 75.
    assert kitchen["measures"]["team"]["mean"] == pytest.approx((0 + 50 + 75) / 3)

    key = key_of(store)
    with duckdb.connect(str(store.path), read_only=True) as con:
        answered = {r[0] for r in con.execute("SELECT person_key FROM respondents").fetchall()}
        invited = {r[0] for r in con.execute("SELECT person_key FROM roster").fetchall()}
    people = ["anna.berg", "bo.dahl", "cecilie.ek", "frida.holm", "gustav.iversen", "hanne.juhl"]
    assert answered == {reference_key(key, f"{p}@mejeri.dk") for p in people}
    assert answered <= invited  # every respondent is found on the roster by the key


def test_the_same_person_in_two_rounds_gets_the_same_key(store, ins):
    first = [("Køkken", "Anna.Berg@Mejeri.dk", 4), ("Køkken", "bo.dahl@mejeri.dk", 4)]
    second = [("Køkken", " anna.berg@mejeri.dk\t", 3), ("Lager", "cecilie.ek@mejeri.dk", 3)]
    for name, rows in (("Forår 2025", first), ("Forår 2026", second)):
        parsed = read_responses(answers(rows), "svar.csv", ins)
        store.replace_responses(parsed.responses, name, None, "svar.csv", "template")
    with duckdb.connect(str(store.path), read_only=True) as con:
        keys = con.execute(
            "SELECT o.name, r.person_key FROM respondents r JOIN rounds o USING (round_id) "
            "ORDER BY o.name, r.respondent_id"
        ).fetchall()
    anna = reference_key(key_of(store), "anna.berg@mejeri.dk")
    assert keys == [
        ("Forår 2025", anna),
        ("Forår 2025", reference_key(key_of(store), "bo.dahl@mejeri.dk")),
        ("Forår 2026", anna),
        ("Forår 2026", reference_key(key_of(store), "cecilie.ek@mejeri.dk")),
    ]


# -- the key file ----------------------------------------------------------------------------


def test_the_key_is_made_beside_the_store_by_the_first_write_that_needs_it(tmp_path, ins):
    store = Store(tmp_path / "socialkapital.duckdb")
    assert store.key_path == tmp_path / "socialkapital.key"
    nobody = read_responses(
        to_csv([["workplace", "department", *ITEM_KEYS], ["Mejeri", "Køkken", *["4"] * 21]]),
        "anonym.csv",
        ins,
    )
    store.replace_responses(nobody.responses, "R", None, "anonym.csv", "template")
    assert not store.key_path.exists()  # answers without ids need no key
    store.replace_roster(read_roster(ROSTER.encode(), "l.txt").invited, "Mejeri", "R", None, "l")
    assert stat.S_IMODE(store.key_path.stat().st_mode) == 0o600
    key = key_of(store)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    with duckdb.connect(str(store.path), read_only=True) as con:
        recorded = con.execute("SELECT fingerprint FROM pseudonym_key").fetchall()
    assert recorded == [(hashlib.sha256((key + "fingerprint").encode()).hexdigest(),)]


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: to show that nothing changed."""
    with duckdb.connect(str(path), read_only=True) as con:
        listed = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        names = [r[0] for r in listed]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}


@pytest.mark.parametrize("key_file", ["missing", "another"])
def test_a_write_without_the_stores_key_is_refused_and_changes_nothing(make_store, ins, key_file):
    store = make_store(threshold=3)
    parsed = read_responses(answers([("Køkken", "bo.dahl@mejeri.dk", 4)]), "a.csv", ins)
    store.replace_responses(parsed.responses, "R", None, "a.csv", "template")
    before = snapshot(store.path)
    if key_file == "missing":
        store.key_path.unlink()
    else:
        store.key_path.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    left = store.key_path.read_bytes() if store.key_path.exists() else None
    message = "is missing" if key_file == "missing" else "not the key this store was written"
    roster = read_roster(ROSTER.encode(), "l.txt").invited
    with pytest.raises(StoreError, match=message):
        store.replace_roster(roster, "Mejeri", "R", None, "l")
    with pytest.raises(StoreError, match=message):
        store.replace_responses(parsed.responses, "R2", None, "a.csv", "template")
    assert snapshot(store.path) == before
    assert (store.key_path.read_bytes() if store.key_path.exists() else None) == left
    # Reading never needs the key.
    assert results.compute(store, "R").group("Mejeri", "Køkken")["respondents"] == 1


# -- an older store --------------------------------------------------------------------------


def canonical_records() -> list[dict[str, str]]:
    text = (FIXTURES / "canonical.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def schema_6_store(path: Path, ins) -> tuple[Store, set[str]]:
    """A store as the release before issue 15 wrote it: the canonical answers with their
    respondents' e-mails, and a roster with e-mails and names; also those identifiers."""
    old = Store.__new__(Store)  # frozen at schema version 6, before person keys
    old.path, old.key_path = path, path.with_suffix(".key")
    old.instrument, old.settings = ins, Settings(anonymity_threshold=3)
    old.migrate(target=6)
    records = canonical_records()
    workplaces = sorted({r["workplace"] for r in records})
    departments = sorted({(r["workplace"], r["department"]) for r in records})
    identifiers = set()
    with duckdb.connect(str(path)) as con:
        con.execute("INSERT INTO rounds VALUES (1, 'Forår 2025', DATE '2025-03-01')")
        for w, name in enumerate(workplaces, start=1):
            con.execute("INSERT INTO workplaces VALUES ($w, $n, NULL, NULL)", {"w": w, "n": name})
            con.execute(
                "INSERT INTO imports VALUES ($w, 1, $w, 'responses', 'svar.csv', 'template', "
                "20, TIMESTAMP '2025-03-02 10:00:00')",
                {"w": w},
            )
        for d, (wp, name) in enumerate(departments, start=1):
            w = workplaces.index(wp) + 1
            con.execute("INSERT INTO departments VALUES ($d, $w, $n)", {"d": d, "w": w, "n": name})
        for i, r in enumerate(records, start=1):
            d = departments.index((r["workplace"], r["department"])) + 1
            w = workplaces.index(r["workplace"]) + 1
            # As an export wrote it (first letter upper case), and as the roster had it.
            external = r["respondent"].capitalize()
            local = r["respondent"].split("@")[0]
            name = " ".join(p.capitalize() for p in local.split("."))
            identifiers |= {external, r["respondent"], name}
            con.execute(
                "INSERT INTO respondents VALUES ($i, 1, $d, $e)", {"i": i, "d": d, "e": external}
            )
            con.execute(
                "INSERT INTO roster VALUES (1, $w, $d, $e, $n)",
                {"w": w, "d": d, "e": r["respondent"], "n": name},
            )
            for item, key in enumerate(ITEM_KEYS, start=1):
                if r[key]:
                    con.execute(
                        "INSERT INTO answers VALUES ($i, $q, $c)",
                        {"i": i, "q": item, "c": int(r[key])},
                    )
        # Invited, never answered.
        con.execute("INSERT INTO roster VALUES (1, 1, 1, 'karl.lund@aeblegaarden.dk', 'Karl Lund')")
        identifiers |= {"karl.lund@aeblegaarden.dk", "Karl Lund"}
        con.execute("INSERT INTO round_instruments VALUES (1, '2016')")
    return old, identifiers


def imported_afresh(path: Path) -> Store:
    """A new store with the canonical answers imported as they are today."""
    records = canonical_records()
    frame = pl.DataFrame(
        {
            "workplace": [r["workplace"] for r in records],
            "department": [r["department"] for r in records],
            "respondent": [r["respondent"] for r in records],
            **{k: [int(r[k]) if r[k] else None for r in records] for k in ITEM_KEYS},
        },
        schema_overrides=dict.fromkeys(ITEM_KEYS, pl.Int8),
    )
    store = Store(path, settings=Settings(anonymity_threshold=3))
    store.replace_responses(frame, "Forår 2025", date(2025, 3, 1), "svar.csv", "template")
    return store


def figures(store: Store) -> results.Results:
    results.forget_rounds()
    return results.compute(store, "Forår 2025")


def tables_without_people(path: Path) -> dict[str, pl.DataFrame]:
    """Every table, sorted, without the columns that held or hold people."""
    with duckdb.connect(str(path), read_only=True) as con:
        listed = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        names = [r[0] for r in listed]
        frames = {n: con.sql(f'SELECT * FROM "{n}" ORDER BY ALL').pl() for n in names}
    return {
        n: f.drop([c for c in f.columns if c in PEOPLE_COLUMNS]).sort(pl.all())
        for n, f in frames.items()
    }


def test_an_older_store_is_migrated_to_person_keys_and_loses_nothing_else(
    tmp_path, tmp_path_factory, ins
):
    path = tmp_path / "gammel.duckdb"
    _old, identifiers = schema_6_store(path, ins)
    # The scan sees plain values in a file like this one (so its silence below means something).
    assert found_in_store(path, identifiers) == sorted(identifiers)
    before_tables = tables_without_people(path)
    # Today's queries read today's schema: the figures to keep are those the same answers
    # give when imported into a new store.
    before = figures(imported_afresh(tmp_path_factory.mktemp("frisk") / "s.duckdb"))
    with duckdb.connect(str(path), read_only=True) as con:
        plain = con.execute("SELECT external_id FROM respondents ORDER BY respondent_id").fetchall()
        plain_roster = con.execute("SELECT email FROM roster ORDER BY ALL").fetchall()

    migrated = Store(path, settings=Settings(anonymity_threshold=3))

    assert migrated.schema_version() == LATEST_VERSION
    assert stat.S_IMODE(migrated.key_path.stat().st_mode) == 0o600
    assert found_in_store(path, identifiers) == []
    assert not path.with_name(path.name + ".wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gammel.duckdb", "gammel.key"]
    after_tables = tables_without_people(path)
    assert before_tables.pop("schema_version")["version"].to_list() == [6]
    for name, frame in before_tables.items():
        # Columns a later migration adds (workplaces.employees, version 9) start empty; the
        # answers moved into respondents.codes (version 11) are compared as ``answers``.
        added = [c for c in after_tables[name].columns if c not in (*frame.columns, "codes")]
        assert all(after_tables[name][c].is_null().all() for c in added)
        assert_frame_equal(after_tables[name].select(frame.columns), frame)
    after = figures(migrated)
    # (The fresh store has no roster: the invited are compared as the roster table above.)
    invited = ["invited", "response_rate"]
    assert_frame_equal(after.groups.drop(invited), before.groups.drop(invited))
    assert_frame_equal(after.measures, before.measures)
    key = key_of(migrated)
    with duckdb.connect(str(path), read_only=True) as con:
        keys = con.execute("SELECT person_key FROM respondents ORDER BY respondent_id").fetchall()
        roster_keys = sorted(r[0] for r in con.execute("SELECT person_key FROM roster").fetchall())
        roster_columns = [r[0] for r in con.execute("DESCRIBE roster").fetchall()]
    assert [k for (k,) in keys] == [reference_key(key, e) for (e,) in plain]
    assert roster_keys == sorted(reference_key(key, e) for (e,) in plain_roster)
    assert roster_columns == ["round_id", "workplace_id", "department_id", "person_key"]
    # A new round of the same people gets the keys the migration made.
    first = canonical_records()[0]
    parsed = read_responses(
        answers([(first["department"], first["respondent"].upper(), 4)]), "ny.csv", ins
    )
    migrated.replace_responses(parsed.responses, "Forår 2026", None, "ny.csv", "template")
    assert stored_keys(path) == {k for (k,) in keys} | set(roster_keys)


def test_without_the_rewrite_the_old_values_would_stay_in_the_file(tmp_path, ins, monkeypatch):
    # Why the migration copies the store into a new file: DuckDB leaves what an UPDATE and a
    # DROP COLUMN replace in the file's free blocks.
    path = tmp_path / "gammel.duckdb"
    _, identifiers = schema_6_store(path, ins)
    monkeypatch.setattr(Store, "_rewrite", lambda self: None)
    Store(path)
    cells = {v for vs in text_cells(path).values() for v in vs}
    assert not identifiers & cells  # gone from the tables ...
    data = store_bytes(path)
    assert any(i.encode() in data for i in identifiers)  # ... but not from the bytes


def test_an_older_store_without_people_needs_no_key(tmp_path, ins):
    path = tmp_path / "gammel.duckdb"
    old = Store.__new__(Store)
    old.path, old.key_path, old.instrument, old.settings = path, None, ins, Settings()
    old.migrate(target=6)
    with duckdb.connect(str(path)) as con:
        con.execute("INSERT INTO rounds VALUES (1, 'Forår 2025', NULL)")
    store = Store(path)
    assert store.rounds()["name"].to_list() == ["Forår 2025"]
    assert not store.key_path.exists()


# -- the keyed hash --------------------------------------------------------------------------

ADDRESS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789.-_+@",
    min_size=1,
    max_size=40,
)
PAD = st.text(alphabet=" \t\n\r\u00a0", max_size=3)


@settings(max_examples=60, deadline=None)
@given(ADDRESS, PAD, PAD, st.lists(st.booleans(), min_size=40, max_size=40))
def test_ids_alike_after_trimming_and_lower_casing_get_one_key(address, left, right, upper):
    variant = (
        left
        + "".join(c.upper() if u else c.lower() for c, u in zip(address, upper, strict=False))
        + right
    )
    assert person_keys(SECRET, [address, variant]) == [reference_key(SECRET, address)] * 2


@settings(max_examples=60, deadline=None)
@given(ADDRESS, ADDRESS)
def test_different_ids_get_different_keys(one, other):
    assume(one.lower() != other.lower())
    first, second = person_keys(SECRET, [one, other])
    assert first != second
    assert person_keys("a7" * 32, [one]) != [first]  # and another key, another person key


def test_a_blank_id_is_nobody():
    assert person_keys(SECRET, [None, "", " \t"]) == [None, None, None]
