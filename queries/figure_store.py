"""A round's department sums, kept in the store so that the answers are read once.

Every figure of a round (a department's, a workplace's, all workplaces') comes from exact
sums per department and measure: n, Σ score, Σ score² (queries/scores.sql). Computing them
reads every answer of the round (20 million rows for a million respondents); keeping them
makes each later view read a few hundred thousand sums instead.

Each department's sums are kept with the fingerprint of what they were made from (its
respondents, the sum of their ids, which every import changes, and of their ids' hashes) and
the scoring rules they were made under. A department whose fingerprint or rules no longer
match is computed afresh from its answers, whatever the reason (an import, a replaced
workplace, reporting groups, a changed setting): the kept sums are never trusted beyond
what they can show they were made from. Sums computed afresh are kept when the store can be
written without waiting (``Store.writing_if_free``); otherwise they are computed again next
time.
"""

from __future__ import annotations

import json

import duckdb
import polars as pl

from queries.sql import query

SUMS = "figure_sums"
PAIRS = "figure_pairs"
MADE_FROM = "figure_departments"
_KEPT = (SUMS, PAIRS, MADE_FROM)


def rules_key(store) -> str:
    """The scoring rules the sums depend on: which items make which form, each answer's
    score, and how many answers a person's form score needs."""
    ins = store.instrument
    return json.dumps(
        {
            "items": {i.number: i.dimension for i in ins.items},
            "scale": {p.code: p.score for p in ins.scale},
            "min_answered": {
                d: ins.min_answered(d, store.settings.min_answered_share)
                for d in ins.dimension_keys
            },
        },
        sort_keys=True,
    )


def frames(store, round_name: str, *named: tuple[str, dict]) -> list[pl.DataFrame]:
    """Run named queries over the round's department sums (temp views ``sums`` and
    ``pairs``), computing those not kept or no longer true, and keeping them when the store
    is free to be written."""
    rules = rules_key(store)
    with store.reading() as con:
        round_id = con.execute(query("round_id"), {"round": round_name}).fetchone()[0]
        made = prepare(con, round_id, rules)
        found = [con.sql(query(name), params=params or None).pl() for name, params in named]
    if made is not None:
        with store.writing_if_free() as con:
            if con is not None:
                keep(con, round_id, rules, made)
    return found


def prepare(con: duckdb.DuckDBPyConnection, round_id: int, rules: str):
    """Make the temp views ``sums`` and ``pairs`` of the round's department sums in ``con``:
    kept ones where they are still true, the rest computed now. Returns the newly computed
    (sums, pairs, fingerprints), ready to keep, or None when every department's were kept."""
    run = _runner(con, {"round_id": round_id})
    run("CREATE OR REPLACE TEMP TABLE current_departments AS " + _q("department_fingerprints"))
    kept = _has_tables(con)
    if kept:
        run(
            f"""
            CREATE OR REPLACE TEMP TABLE fresh AS
            SELECT c.department_id FROM current_departments c
            JOIN {MADE_FROM} m ON m.round_id = $round_id AND m.department_id = c.department_id
             AND m.respondents = c.respondents AND m.ids = c.ids AND m.hashed = c.hashed
             AND m.rules = $rules
            """,
            {"round_id": round_id, "rules": rules},
        )
    else:
        run("CREATE OR REPLACE TEMP TABLE fresh AS SELECT 1 AS department_id WHERE false", {})
    run(
        "CREATE OR REPLACE TEMP TABLE stale AS SELECT department_id FROM current_departments "
        "ANTI JOIN fresh USING (department_id)",
        {},
    )
    stale = con.execute("SELECT count(*) FROM stale").fetchone()[0]
    run("CREATE OR REPLACE TEMP TABLE stale_scores AS " + _q("stale_person_scores"))
    run("CREATE OR REPLACE TEMP TABLE computed_sums AS " + _q("department_sums"))
    run("CREATE OR REPLACE TEMP TABLE computed_pairs AS " + _q("department_pairs"))
    for view, table, columns in (
        ("sums", SUMS, "measure, n, total, squares, scale"),
        ("pairs", PAIRS, "row_measure, col_measure, n, sx, sy, sxx, syy, sxy"),
    ):
        computed = f"SELECT * FROM computed_{view}"
        if kept:  # (a view takes no parameters: the round's id is a whole number)
            computed += (
                f" UNION ALL SELECT k.department_id, {columns} FROM {table} k"
                f" JOIN fresh f ON f.department_id = k.department_id"
                f" WHERE k.round_id = {int(round_id)}"
            )
        run(f"CREATE OR REPLACE TEMP VIEW {view} AS {computed}", {})
    if not stale:
        return None
    return (
        con.sql("SELECT * FROM computed_sums").pl(),
        con.sql("SELECT * FROM computed_pairs").pl(),
        con.sql("SELECT * FROM current_departments SEMI JOIN stale USING (department_id)").pl(),
    )


def keep(con: duckdb.DuckDBPyConnection, round_id: int, rules: str, made) -> None:
    """Store newly computed sums (``prepare``'s result) in a write transaction, replacing
    what was kept for those departments."""
    sums, pairs, made_from = made
    _create_tables(con)
    run = _runner(con, {"round_id": round_id})
    for name, frame in (("made_sums", sums), ("made_pairs", pairs), ("made_from", made_from)):
        con.register(name, frame)
    for table in _KEPT:
        run(
            f"DELETE FROM {table} WHERE round_id = $round_id "
            "AND department_id IN (SELECT department_id FROM made_from)"
        )
    run(f"INSERT INTO {SUMS} SELECT $round_id, * FROM made_sums")
    run(f"INSERT INTO {PAIRS} SELECT $round_id, * FROM made_pairs")
    run(
        f"INSERT INTO {MADE_FROM} SELECT $round_id, department_id, respondents, ids, hashed, "
        "$rules FROM made_from",
        {"round_id": round_id, "rules": rules},
    )
    for name in ("made_sums", "made_pairs", "made_from"):
        con.unregister(name)


def refresh(store, con: duckdb.DuckDBPyConnection, round_id: int) -> None:
    """Bring the kept sums of a round up to date inside a write transaction (after an
    import): only departments whose answers changed are computed."""
    store._register_instrument(con)  # the scoring macros, as a reading connection has them
    rules = rules_key(store)
    made = prepare(con, round_id, rules)
    if made is not None:
        keep(con, round_id, rules, made)


def _q(name: str) -> str:
    return query(name).rstrip(";")


def _runner(con: duckdb.DuckDBPyConnection, default: dict):
    def run(sql: str, params: dict | None = None) -> None:
        wanted = default if params is None else params
        used = {k: v for k, v in wanted.items() if f"${k}" in sql}
        con.execute(sql, used or None).fetchall()

    return run


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE NOT temporary AND list_contains($t, "
        "table_name)",
        {"t": list(_KEPT)},
    ).fetchone()[0]
    return found == len(_KEPT)


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The kept sums are a cache, made on first use: a store without them is complete."""
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {SUMS} (
            round_id INTEGER NOT NULL, department_id INTEGER NOT NULL, measure VARCHAR NOT NULL,
            n BIGINT NOT NULL, total HUGEINT NOT NULL, squares HUGEINT NOT NULL,
            scale BIGINT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS {PAIRS} (
            round_id INTEGER NOT NULL, department_id INTEGER NOT NULL,
            row_measure VARCHAR NOT NULL, col_measure VARCHAR NOT NULL, n BIGINT NOT NULL,
            sx HUGEINT NOT NULL, sy HUGEINT NOT NULL, sxx HUGEINT NOT NULL,
            syy HUGEINT NOT NULL, sxy HUGEINT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS {MADE_FROM} (
            round_id INTEGER NOT NULL, department_id INTEGER NOT NULL,
            respondents BIGINT NOT NULL, ids HUGEINT NOT NULL, hashed HUGEINT NOT NULL,
            rules VARCHAR NOT NULL
        );
        """
    ).fetchall()
