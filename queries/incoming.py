"""The responses an import is about to store, as relations of the store's write connection.

They come as a polars frame (the exact reader's), as Parquet files the bulk reader wrote
(``ResponseFiles``: the dashboard's, whose reading waits for the user to confirm it), or as
temp tables the bulk reader made in the write connection itself (``ResponseTables``: the
CLI's, which stores at once). A million checked rows then go into the store in SQL, never
through Python. Either way they become

- ``incoming_pairs`` (pair, workplace, department): a temp table, one row per workplace and
  department as the file names them (a reporting group may rename the department), and
- ``incoming`` (row, pair, respondent, q1..qN): a temp view, one row per respondent; ``row``
  is a whole number above 0, unique among the rows, ascending with the files' order (the
  store numbers the respondents by it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from queries.sql import quote_identifier

# DuckDB may use this much memory for reading an import, and spills what does not fit to disk.
MEMORY_LIMIT = "500MB"


@dataclass(frozen=True)
class ResponseFiles:
    """Checked responses as two Parquet files: ``rows`` (row, pair, respondent, q1..qN: codes
    or null; row > 0, unique, ascending with the file) and ``pairs`` (pair, workplace,
    department: the names of every pair the rows use). ``folder`` is what holds them (a
    temporary directory), kept alive as long as they are needed."""

    rows: Path
    pairs: Path
    folder: object = field(default=None, compare=False, repr=False)

    def relations(self) -> tuple[str, str]:
        """``rows`` and ``pairs`` as a statement reads them."""
        return f"read_parquet({_literal(self.rows)})", f"read_parquet({_literal(self.pairs)})"


@dataclass(frozen=True)
class ResponseTables:
    """Checked responses as two temp tables of the connection ``con`` (the store's write
    connection, which read the file): ``rows`` and ``pairs``, as the files of a
    ``ResponseFiles`` (``rows`` may have more columns)."""

    rows: str
    pairs: str
    con: duckdb.DuckDBPyConnection = field(compare=False, repr=False)

    def relations(self) -> tuple[str, str]:
        """``rows`` and ``pairs`` as a statement reads them."""
        return self.rows, self.pairs


def register(
    con: duckdb.DuckDBPyConnection,
    parts: Sequence[pl.DataFrame | ResponseFiles | ResponseTables],
    item_keys: list[str],
) -> None:
    """Make ``incoming_pairs`` and ``incoming`` of these parts, one after the other."""
    items = ", ".join(quote_identifier(k) for k in item_keys)
    _run(
        con,
        "CREATE OR REPLACE TEMP TABLE incoming_pairs "
        "(pair BIGINT, workplace VARCHAR, department VARCHAR)",
    )
    selects = []
    rows_before = 0
    for number, part in enumerate(parts):
        pairs_before = _scalar(con, "SELECT coalesce(max(pair), 0) FROM incoming_pairs")
        if isinstance(part, pl.DataFrame):
            rows = f"incoming_rows_{number}"
            _frame_rows(con, part, rows, pairs_before, item_keys)
        else:
            rows, pairs = part.relations()
            _run(
                con,
                f"INSERT INTO incoming_pairs SELECT pair + {pairs_before}, workplace, department "
                f"FROM {pairs}",
            )
        selects.append(
            f"SELECT row + {rows_before} AS row, pair + {pairs_before} AS pair, respondent, "
            f"{items} FROM {rows}"
        )
        if number < len(parts) - 1:  # the next part's rows are numbered after these
            rows_before += _scalar(con, f"SELECT coalesce(max(row), 0) FROM {rows}")
    if not selects:
        nulls = ", ".join(f"NULL::TINYINT AS {quote_identifier(k)}" for k in item_keys)
        selects.append(
            "SELECT NULL::BIGINT AS row, NULL::BIGINT AS pair, NULL::VARCHAR AS respondent, "
            f"{nulls} WHERE false"
        )
    _run(con, f"CREATE OR REPLACE TEMP VIEW incoming AS {' UNION ALL '.join(selects)}")


def _frame_rows(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    name: str,
    pairs_before: int,
    item_keys: list[str],
) -> None:
    """A frame's pairs into ``incoming_pairs`` (numbered after ``pairs_before``) and its
    rows as the temp table ``name``, numbered from 1 in the frame's order, with their pair
    counted from 1 as in a ``ResponseFiles``."""
    registered = f"{name}_frame"
    con.register(
        registered,
        frame.select("workplace", "department", "respondent", *item_keys).with_row_index(
            "row", offset=1
        ),
    )
    _run(
        con,
        f"""
        INSERT INTO incoming_pairs
        SELECT {pairs_before} + row_number() OVER (ORDER BY workplace, department),
               workplace, department
        FROM (SELECT DISTINCT workplace, department FROM {registered})
        """,
    )
    items = ", ".join(f"f.{quote_identifier(k)}" for k in item_keys)
    _run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT f.row, p.pair - {pairs_before} AS pair, f.respondent, {items}
        FROM {registered} f
        JOIN incoming_pairs p ON p.pair > {pairs_before}
         AND p.workplace = f.workplace AND p.department = f.department
        """,
    )
    con.unregister(registered)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(sql).fetchall()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])
