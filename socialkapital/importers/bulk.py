"""Our template as CSV, read and checked by DuckDB: a million rows without a copy in Python.

The checked rows are written as Parquet in a temporary folder (``canonical.Staged``), from
which the store inserts them in SQL; a polars frame is made only when asked for. Read in the
store's write connection instead (``Store.importing``: the CLI, which stores at once), they
stay there as temp tables and go into the store without a copy on disk.

The file is read from disk by DuckDB's CSV reader (all text, the delimiter and encoding
found by ``sniff`` in its first bytes). Every answer cell is turned into its code in the
same pass through an ENUM of the answers' exact spellings; the few distinct cells spelt
otherwise are looked up in Python with the same normalisation as everywhere else, so the
result is the one ``template.parse`` gives. Workplace and department names are cleaned once
per distinct name. Problems found in SQL name their row, column and value as before.

Anything unusual about the file as CSV (a short or long row, a stray quote, a byte that
is not UTF-8, a blank line or a title above the header) makes ``read`` return None: the
exact reader (``sniff`` + ``template``) then reads the file and says what is wrong.
"""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path

import duckdb
import polars as pl

from queries.incoming import MEMORY_LIMIT, ResponseFiles, ResponseTables
from socialkapital.importers import formats, template
from socialkapital.importers.canonical import (
    ANONYMOUS_IDS,
    META_COLUMNS,
    Parsed,
    Staged,
    clean_name,
)
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.importers.sniff import (
    RawTable,
    _refuse_binary,
    _without_title,
    decode,
    sniff_delimiter,
)
from socialkapital.instrument import Instrument, normalise_text

HEAD_BYTES = 256 * 1024  # enough for the header and the delimiter's vote
_SCAN_BYTES = 16 * 1024 * 1024
_TEXT_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff")
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# What polars' ``strip_chars()`` strips (Unicode White_Space), for the respondent column.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# What Python's ``str.strip()`` strips: the reader skips a record whose cells strip to "".
PY_WHITESPACE = WHITESPACE + "\x1c\x1d\x1e\x1f"
# The tables a reading makes on its way, dropped after it where the connection is not its own.
_SCRATCH = ("staged", "names", "repeated", "odd_rows", "odd_cells", "fixes")
_TABLES = itertools.count()  # names each file's checked rows apart in one connection


def read(
    path: Path,
    name: str,
    instrument: Instrument,
    workplace: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Parsed | None:
    """The template CSV at ``path`` read and checked (or refused), or None when the file is
    not a plain template CSV this reader takes: then the exact reader must read it.

    Read on a connection of its own unless ``con`` is given (the store's write connection
    outside a transaction, ``Store.importing``): the checked rows then stay in it as temp
    tables (``ResponseTables``)."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip() or head.startswith(_TEXT_MAGIC) or head.startswith(_OTHER_BOMS):
        return None
    try:  # the head may end inside a character: judge only up to its last line break
        text = head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return _transcoded(path, name, instrument, workplace, con)
    _refuse_binary(text, name)
    text = text.lstrip("\ufeff")
    bom = len(head) - len(head.lstrip(b"\xef\xbb\xbf"))
    if bom > 3:  # two byte order marks: DuckDB would keep the second in the first header
        return None
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter)
    if len(records) < 2 or not "".join(records[0]).strip():
        return None
    table = RawTable(name, records, list(range(1, len(records) + 1)), "csv", "utf-8", delimiter)
    if _without_title(table) is not table:
        return None
    if formats.tool_of(table) is not None or not template.looks_like_template(table, instrument):
        return None
    header = records[0]
    found = template.header_map(header, instrument)
    problems = template._header_problems(table, header, found, instrument, workplace)
    if problems:
        raise ImportFailed(problems)
    return _checked(path, name, instrument, workplace, delimiter, header, found, con)


def _records(text: str, delimiter: str) -> list[list[str]]:
    """The complete records of the file's head (the last may be cut off: left out)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        records.extend(reader)
    except csv.Error:
        return []
    return records[:-1] if len(records) > 2 else records


def _shifted(path: Path, records: int) -> bool:
    """Whether a blank line stands between the file's records. DuckDB skips blank lines,
    which would shift the row numbers of the rows after one (blank lines at the end shift
    nothing). Counting line breaks settles it for most files: one per record (the header
    too), the last perhaps without; only a file with more (quoted line breaks, blank lines,
    old Mac line ends) is searched."""
    breaks = 0
    last = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_BYTES):
            breaks += chunk.count(b"\n")
            last = chunk[-1:]
    if breaks in (records, records - 1) and (breaks == records) == (last == b"\n"):
        return False
    seen = False
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_BYTES):
            window = tail + chunk
            if not seen:
                marks = [at for m in (b"\n\n", b"\n\r\n", b"\r\r") if (at := window.find(m)) >= 0]
                if marks:
                    seen, window = True, window[min(marks) :]
            if seen and window.strip(b"\r\n"):
                return True
            tail = chunk[-2:]
    return False


def _transcoded(
    path: Path,
    name: str,
    instrument: Instrument,
    workplace: str | None,
    con: duckdb.DuckDBPyConnection | None,
) -> Parsed | None:
    """A file in another encoding: decoded as the exact reader does, then read as UTF-8."""
    data = path.read_bytes()
    text, _encoding = decode(data, name)
    del data
    with tempfile.TemporaryDirectory(prefix="socialkapital-") as folder:
        utf8 = Path(folder) / "decoded.csv"
        with open(utf8, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        del text
        if not _plain_utf8(utf8):
            return None
        return read(utf8, name, instrument, workplace, con)


def _plain_utf8(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    try:
        head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _checked(
    path: Path,
    name: str,
    instrument: Instrument,
    workplace: str | None,
    delimiter: str,
    header: list[str],
    found: dict[str, list[int]],
    con: duckdb.DuckDBPyConnection | None,
) -> Parsed | None:
    """Read and check the file in DuckDB. On a connection of its own, the checked rows are
    written as Parquet files in a folder of their own, which lives as long as the result; on
    the connection given, they stay there as temp tables."""
    shape = (path, name, instrument, workplace, delimiter, header, found)
    if con is not None:
        try:
            return _checked_in(con, None, *shape)
        finally:
            for table in _SCRATCH:
                _run(con, f"DROP TABLE IF EXISTS {table}")
            _run(con, "DROP TYPE IF EXISTS answer")
    folder = tempfile.TemporaryDirectory(prefix="socialkapital-")
    try:
        own = duckdb.connect(
            config={
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": str(Path(folder.name) / "spill"),
            }
        )
        try:
            parsed = _checked_in(own, folder, *shape)
        finally:
            own.close()
    except BaseException:
        folder.cleanup()
        raise
    if parsed is None:
        folder.cleanup()
    return parsed


def _checked_in(
    con: duckdb.DuckDBPyConnection,
    folder: tempfile.TemporaryDirectory | None,
    path: Path,
    name: str,
    instrument: Instrument,
    workplace: str | None,
    delimiter: str,
    header: list[str],
    found: dict[str, list[int]],
) -> Parsed | None:
    source = _source(path, delimiter, len(header))
    cell = {
        key: f"c{found[key][0]}" if key in found else "NULL::VARCHAR"
        for key in (*META_COLUMNS, *instrument.item_keys)
    }
    _run(con, "SET enable_progress_bar = false")
    _define_strip(con)
    try:
        _stage(con, source, len(header), cell, instrument)
    except duckdb.Error:
        return None  # not plain CSV after all: the exact reader says where
    names = {key: header[pos[0]] for key, pos in found.items()}
    names.setdefault("workplace", "workplace")
    _clean_names(con, workplace)
    problems = _blank_name_problems(con, name, names)
    problems += _answer_problems(con, source, cell, instrument, name, names)
    # A blank line between rows makes DuckDB's row numbers differ from the file's after it.
    # They must be the file's where a row is named (a problem) and in the files a reading
    # waiting to be confirmed keeps; rows stored at once (read in ``con``) only keep their
    # order, so counting the file's line breaks (0.7 s at 5 million) is spared them.
    if (problems or folder is not None) and _shifted(path, _records_read(con)):
        return None
    if problems:
        raise ImportFailed(problems)
    return _canonical(con, folder, name, instrument)


def _records_read(con: duckdb.DuckDBPyConnection) -> int:
    """The records DuckDB read, the header included."""
    return con.execute("SELECT count(*) FROM staged").fetchall()[0][0] + 1


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> None:
    """Execute a statement and consume its result (DuckDB wants it fetched before the next)."""
    con.execute(sql, params or {}).fetchall()


def _define_strip(con: duckdb.DuckDBPyConnection) -> None:
    """``strip(text, chars)``: ``trim`` with a set of characters is slow in DuckDB, so it is
    asked only of a text that starts or ends with a blank or a character beyond ASCII (every
    kind of white space is one of these)."""
    edge = "unicode({0}) <= 32 OR unicode({0}) >= 133"
    _run(
        con,
        f"""
        CREATE OR REPLACE TEMP MACRO strip(text, chars) AS CASE
            WHEN {edge.format("text")} OR {edge.format("right(text, 1)")} THEN trim(text, chars)
            ELSE text END
        """,
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _exact_answers(instrument: Instrument) -> dict[str, int]:
    """Answer spellings taken as they stand -> code (0: missing): every key of the lookup
    and every label as the instrument writes it. Other spellings go through Python."""
    lookup = instrument.answer_lookup()
    spellings = list(lookup)
    spellings += [label for point in instrument.scale for label in point.labels.values()]
    spellings += list(instrument.missing_labels)
    exact = {}
    for spelling in spellings:
        code = lookup.get(normalise_text(spelling), -1)
        if code != -1:
            exact[spelling] = code or 0
    return exact


def _source(path: Path, delimiter: str, width: int) -> str:
    """The file as DuckDB reads it: every field text (c0, c1 ...), an empty field '' (never
    null), and an error for anything that is not plain CSV (short or long rows, stray quotes,
    a byte that is not UTF-8)."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    return (
        f"read_csv({_literal(str(path))}, columns={columns}, header=true, "
        f"delim={_literal(delimiter)}, quote='\"', escape='\"', nullstr='\x01', "
        "strict_mode=true, auto_detect=false, null_padding=false)"
    )


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: str,
    width: int,
    cell: dict[str, str],
    instrument: Instrument,
) -> None:
    """One pass over the file into ``staged``: the names as written, each answer as its code
    (0 missing, -1 not spelt exactly), and whether the row has a cell not spelt exactly."""
    exact = _exact_answers(instrument)
    _run(con, f"CREATE TEMP TYPE answer AS ENUM ({', '.join(map(_literal, exact))})")
    codes = "[" + ", ".join(str(c) for c in exact.values()) + "]"
    # The cells as our template writes them (blank, or a label of the scale in Danish) and
    # the bare codes (1-5, as many exports write them) are compared first, with the same
    # codes: comparing a short text is cheaper than the cast to the ENUM, which only the
    # other cells get (a third of the pass for a file of codes).
    usual = ["", *(p.labels.get("da", "") for p in instrument.scale)]
    usual += [str(p.code) for p in instrument.scale]
    whens = "".join(
        f"WHEN {_literal(s)} THEN {exact[s]} " for s in dict.fromkeys(usual) if s in exact
    )
    keys = instrument.item_keys

    def code(text: str) -> str:
        cast = f"coalesce({codes}[enum_code(TRY_CAST({text} AS answer)) + 1], -1)"
        return f"(CASE {text} {whens}ELSE {cast} END)" if whens else cast

    inner = [
        f"{cell['workplace']} AS workplace",
        f"{cell['department']} AS department",
        f"{cell['respondent']} AS respondent",
        *(f"{code(cell[k])}::TINYINT AS {k}" for k in keys),
    ]
    outer = ["workplace", "department", "respondent", *keys]
    outer.append(f"({' OR '.join(f'{k} = -1' for k in keys)}) AS odd")
    # A record of blank cells is no record (as in ``sniff``); looked at only where the
    # department is blank.
    every = ", ".join(f"c{i}" for i in range(width))
    spaces = _literal(PY_WHITESPACE)
    inner.append(
        f"CASE WHEN strip({cell['department']}, {spaces}) = '' "
        f"THEN strip(concat({every}), {spaces}) = '' ELSE false END AS blank_record"
    )
    outer.append("blank_record")
    _run(
        con,
        f"""
        CREATE TEMP TABLE staged AS
        SELECT {", ".join(outer)} FROM (SELECT {", ".join(inner)} FROM {source})
        """,
    )


def _row(rowid: int) -> int:
    """The spreadsheet row of a data record: the header is row 1, blank lines are refused."""
    return int(rowid) + 2


def _answer_problems(
    con: duckdb.DuckDBPyConnection,
    source: str,
    cell: dict[str, str],
    instrument: Instrument,
    file: str,
    names: dict[str, str],
) -> list[Problem]:
    """Codes for answers spelt otherwise ("i HØJ grad "); every cell that is no answer.

    Only the rows with such a cell are looked at again, in a second reading of the file
    (the staged rows keep no text of their answers: 16 bytes a cell in memory)."""
    if not con.execute("SELECT bool_or(odd AND NOT blank_record) FROM staged").fetchall()[0][0]:
        return []
    keys = instrument.item_keys
    texts = ", ".join(f"{cell[k]} AS {k}" for k in keys)
    _run(
        con,
        f"""
        CREATE TEMP TABLE odd_rows AS
        SELECT * FROM (SELECT row_number() OVER () - 1 AS id, {texts} FROM {source})
        WHERE id IN (SELECT rowid FROM staged WHERE odd AND NOT blank_record)
        """,
    )
    _run(
        con,
        "CREATE TEMP TABLE odd_cells AS "
        + " UNION ALL ".join(
            f"SELECT id, {n} AS item, {k} AS value FROM odd_rows "
            f"WHERE TRY_CAST({k} AS answer) IS NULL"
            for n, k in enumerate(keys, 1)
        ),
    )
    odd = [r[0] for r in con.execute("SELECT DISTINCT value FROM odd_cells").fetchall()]
    lookup = instrument.answer_lookup()
    known = {v: lookup[normalise_text(v)] for v in odd if normalise_text(v) in lookup}
    unknown = [v for v in odd if v not in known]
    if unknown:
        con.register("unknown", pl.DataFrame({"raw": unknown}, schema={"raw": pl.String}))
        found = con.execute(
            "SELECT id, item, value FROM odd_cells "
            "WHERE value IN (SELECT raw FROM unknown) ORDER BY id, item"
        ).fetchall()
        con.unregister("unknown")
        return [
            Problem(file, _row(id_), names[f"q{item}"], value, "not_on_scale")
            for id_, item, value in found
        ]
    frame = pl.DataFrame(
        {"raw": list(known), "code": [c or 0 for c in known.values()]},
        schema={"raw": pl.String, "code": pl.Int8},
    )
    con.register("spelt", frame)
    _run(
        con,
        "CREATE TEMP TABLE fixes AS SELECT id, item, s.code FROM odd_cells c "
        "JOIN spelt s ON s.raw = c.value",
    )
    con.unregister("spelt")
    for n, key in enumerate(keys, 1):
        _run(
            con,
            f"UPDATE staged SET {key} = f.code FROM fixes f "
            f"WHERE f.item = {n} AND f.id = staged.rowid",
        )
    return []


def _clean_names(con: duckdb.DuckDBPyConnection, workplace: str | None) -> None:
    """Workplace and department names as ``clean_name`` makes them, worked out once per
    distinct pair of names as written: the table ``names`` (raw_workplace, raw_department,
    pair, workplace, place, department) gives each pair a number and its clean names, and
    each clean workplace name a number (place)."""
    raw = con.execute(
        "SELECT DISTINCT workplace, department FROM staged WHERE NOT blank_record"
    ).fetchall()
    cleaned: dict[str | None, str | None] = {}

    def clean(value: str | None) -> str | None:
        if value not in cleaned:
            cleaned[value] = None if value is None else clean_name(value)
        return cleaned[value]

    fixed = None if workplace is None else clean_name(workplace)
    places = [fixed if workplace is not None else clean(w) for w, _ in raw]
    numbers = {place: n for n, place in enumerate(dict.fromkeys(places))}
    con.register(
        "clean_names",
        pl.DataFrame(
            {
                "raw_workplace": [w for w, _ in raw],
                "raw_department": [d for _, d in raw],
                "pair": list(range(1, len(raw) + 1)),
                "workplace": places,
                "place": [numbers[p] for p in places],
                "department": [clean(d) for _, d in raw],
            },
            schema={
                "raw_workplace": pl.String,
                "raw_department": pl.String,
                "pair": pl.Int64,
                "workplace": pl.String,
                "place": pl.Int64,
                "department": pl.String,
            },
        ),
    )
    _run(con, "CREATE TEMP TABLE names AS SELECT * FROM clean_names")
    con.unregister("clean_names")


def _blank_name_problems(
    con: duckdb.DuckDBPyConnection, file: str, names: dict[str, str]
) -> list[Problem]:
    """A row whose workplace or department is blank once cleaned (asked only if one is)."""
    problems = []
    for key in ("workplace", "department"):
        blank = f"(n.{key} IS NULL OR n.{key} = '')"
        if not con.execute(f"SELECT bool_or({blank}) FROM names n").fetchall()[0][0]:
            continue
        rows = con.execute(
            f"SELECT s.rowid FROM staged s {_NAMES_JOIN} "
            f"WHERE {blank} AND NOT s.blank_record ORDER BY s.rowid"
        ).fetchall()
        problems += [Problem(file, _row(r[0]), names[key], "", f"blank_{key}") for r in rows]
    return problems


# Each staged row with its pair of names (``_clean_names``).
_NAMES_JOIN = (
    "JOIN names n ON n.raw_workplace IS NOT DISTINCT FROM s.workplace "
    "AND n.raw_department IS NOT DISTINCT FROM s.department"
)


def _canonical(
    con: duckdb.DuckDBPyConnection,
    folder: tempfile.TemporaryDirectory | None,
    file: str,
    instrument: Instrument,
) -> Parsed:
    """The canonical rows, written to Parquet in ``folder`` (``ResponseFiles``), or without
    a folder kept as temp tables (``ResponseTables``): placeholders and blank ids are no
    person, rows without an answer are left out, and of one person's rows in a workplace
    only the last is kept."""
    keys = instrument.item_keys
    anonymous = "[" + ", ".join(map(_literal, ANONYMOUS_IDS)) + "]"
    spaces = _literal(WHITESPACE)
    said = con.execute(
        f"""
        SELECT strip(respondent, {spaces}) FROM staged
        WHERE respondent ILIKE '%anonym%'
          AND list_contains({anonymous}, lower(strip(respondent, {spaces}))) AND NOT blank_record
        ORDER BY rowid LIMIT 1
        """
    ).fetchall()
    # Kept as a table: counted, searched for repeated persons and written out from it (or,
    # with the rows left out deleted, the rows the store takes).
    table = f"bulk_rows_{next(_TABLES)}"
    _run(
        con,
        f"""
        CREATE TEMP TABLE {table} AS
        SELECT s.rowid + 2 AS row, n.pair, n.place,
               CASE WHEN s.respondent ILIKE '%anonym%'
                         AND list_contains({anonymous}, lower(strip(s.respondent, {spaces})))
                    THEN NULL
                    ELSE nullif(strip(s.respondent, {spaces}), '') END AS respondent,
               {", ".join(f"nullif(s.{k}, 0) AS {k}" for k in keys)},
               ({" OR ".join(f"s.{k} > 0" for k in keys)}) AS answered
        FROM staged s {_NAMES_JOIN}
        WHERE NOT s.blank_record
        """,
    )
    _run(con, "DROP TABLE staged")  # (its memory is wanted for what follows)
    read, empty = con.execute(
        f"SELECT count(*), count(*) FILTER (NOT answered) FROM {table}"
    ).fetchall()[0]
    # The same person twice (same id within a workplace): keep the last submission.
    _run(
        con,
        f"""
        CREATE TEMP TABLE repeated AS
        SELECT place, respondent, max(row) AS last, count(*) AS times FROM {table}
        WHERE answered AND respondent IS NOT NULL
        GROUP BY place, respondent HAVING count(*) > 1
        """,
    )
    duplicates = int(
        con.execute("SELECT coalesce(sum(times - 1), 0) FROM repeated").fetchall()[0][0]
    )
    earlier = (
        " AND NOT EXISTS (SELECT 1 FROM repeated r WHERE r.place = c.place "
        "AND r.respondent = c.respondent AND c.row < r.last)"
        if duplicates
        else ""
    )
    # The names of the pairs the rows use.
    used = "SELECT pair, workplace, department FROM names WHERE pair IN (SELECT pair FROM {})"
    if folder is None:
        if empty or duplicates:
            _run(con, f"DELETE FROM {table} c WHERE NOT (answered{earlier})")
        kept = table
        found: ResponseFiles | ResponseTables = ResponseTables(table, f"{table}_pairs", con)
        _run(con, f"CREATE TEMP TABLE {found.pairs} AS {used.format(table)} ORDER BY pair")
        pairs = found.pairs
    else:
        at = Path(folder.name)
        found = ResponseFiles(at / "rows.parquet", at / "pairs.parquet", folder)
        _run(
            con,
            f"""
            COPY (SELECT row, pair, respondent, {", ".join(keys)} FROM {table} c
                  WHERE answered{earlier})
            TO {_literal(str(found.rows))} (FORMAT parquet)
            """,
        )
        kept = f"read_parquet({_literal(str(found.rows))})"
        _run(
            con,
            f"COPY ({used.format(kept)} ORDER BY pair) TO {_literal(str(found.pairs))} "
            "(FORMAT parquet)",
        )
        pairs = f"read_parquet({_literal(str(found.pairs))})"
    counted = con.execute(
        f"SELECT count(*), {', '.join(f'count(*) - count({k})' for k in keys)} FROM {kept}"
    ).fetchone()
    workplaces = con.execute(f"SELECT DISTINCT workplace FROM {pairs}").fetchall()
    staged = Staged(
        found,
        respondents=int(counted[0]),
        workplaces=sorted(w for (w,) in workplaces),
        missing={k: int(n) for k, n in zip(keys, counted[1:], strict=True)},
    )
    parsed = Parsed(
        file,
        template.FORMAT,
        None,
        int(read),
        skipped_empty=int(empty),
        duplicates=duplicates,
        staged=staged,
    )
    if empty:
        parsed.notes.append(("note.skipped_empty", {"count": empty}))
    if duplicates:
        parsed.notes.append(("note.duplicates", {"count": duplicates}))
    if said:
        parsed.notes.append(("note.anonymous_ids", {"value": said[0][0]}))
    return parsed
