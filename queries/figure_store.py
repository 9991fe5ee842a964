"""A round's department sums, kept in the store so that the answers are read once.

Every figure of a round (a department's, a workplace's, all workplaces') comes from exact
sums per department and measure: n, Σ score, Σ score² (queries/scores.sql). Computing them
reads every answer of the round (20 million rows for a million respondents); keeping them
makes each later view read a few hundred thousand sums instead.

Each department's sums are kept with the fingerprint of what they were made from (its
respondents and the sum of their ids, which every import changes) and the scoring rules they
were made under. A department whose fingerprint or rules no longer match is computed afresh
from its answers, whatever the reason (an import, a replaced workplace, a changed setting):
the kept sums are never trusted beyond what they can show they were made from. Sums computed
afresh are kept when the store can be written without waiting (``Store.writing_if_free``);
otherwise they are simply computed again next time.
"""

from __future__ import annotations

import json

import duckdb
import polars as pl

from queries.sql import query

SUMS = "figure_sums"
MADE_FROM = "figure_departments"


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


def prepare(con: duckdb.DuckDBPyConnection, round_id: int, rules: str) -> pl.DataFrame | None:
    """Make the temp view ``sums`` of the round's department sums in ``con``: kept ones where
    they are still true, the rest computed now. Returns the newly computed sums (with their
    fingerprints and rules, ready to keep) or None when every department's were kept."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE current_departments AS "
        + query("department_fingerprints").rstrip(";"),
        {"round_id": round_id},
    ).fetchall()
    kept = _has_tables(con)
    fresh = (
        f"""
        SELECT c.department_id FROM current_departments c
        JOIN {MADE_FROM} m ON m.round_id = $round_id AND m.department_id = c.department_id
         AND m.respondents = c.respondents AND m.ids = c.ids AND m.rules = $rules
        """
        if kept
        else "SELECT department_id FROM current_departments WHERE false"
    )
    params = {"round_id": round_id, "rules": rules} if kept else {}
    con.execute(f"CREATE OR REPLACE TEMP TABLE fresh AS {fresh}", params).fetchall()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stale AS SELECT department_id FROM current_departments "
        "ANTI JOIN fresh USING (department_id)"
    ).fetchall()
    stale = con.execute("SELECT count(*) FROM stale").fetchone()[0]
    computed = "computed"
    if stale:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {computed} AS {query('department_sums').rstrip(';')}",
            {"round_id": round_id},
        ).fetchall()
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {computed} AS SELECT * FROM ("
            f"{query('department_sums').rstrip(';')}) WHERE false",
            {"round_id": round_id},
        ).fetchall()
    from_store = (
        f"SELECT s.department_id, s.measure, s.n, s.total, s.squares, s.scale FROM {SUMS} s "
        "JOIN fresh f ON f.department_id = s.department_id WHERE s.round_id = $round_id"
    )
    if kept:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW sums AS {from_store} "
            f"UNION ALL SELECT * FROM {computed}".replace("$round_id", str(int(round_id)))
        ).fetchall()
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW sums AS SELECT * FROM {computed}").fetchall()
    if not stale:
        return None
    return con.sql(
        f"SELECT c.*, d.respondents, d.ids FROM {computed} c "
        "JOIN current_departments d USING (department_id)"
    ).pl()


def keep(con: duckdb.DuckDBPyConnection, round_id: int, rules: str, made: pl.DataFrame) -> None:
    """Store newly computed sums (``prepare``'s result) in a write transaction, replacing
    what was kept for those departments."""
    _create_tables(con)
    con.register("made", made)
    params = {"round_id": round_id, "rules": rules}
    con.execute(
        f"DELETE FROM {SUMS} WHERE round_id = $round_id "
        "AND department_id IN (SELECT department_id FROM made)",
        {"round_id": round_id},
    ).fetchall()
    con.execute(
        f"DELETE FROM {MADE_FROM} WHERE round_id = $round_id "
        "AND department_id IN (SELECT department_id FROM made)",
        {"round_id": round_id},
    ).fetchall()
    con.execute(
        f"INSERT INTO {SUMS} SELECT $round_id, department_id, measure, n, total, squares, scale "
        "FROM made",
        {"round_id": round_id},
    ).fetchall()
    con.execute(
        f"INSERT INTO {MADE_FROM} SELECT DISTINCT $round_id, department_id, respondents, ids, "
        "$rules FROM made",
        params,
    ).fetchall()
    con.unregister("made")


def refresh(store, con: duckdb.DuckDBPyConnection, round_id: int) -> None:
    """Bring the kept sums of a round up to date inside a write transaction (after an
    import): only departments whose answers changed are computed."""
    store._register_instrument(con)  # the scoring macros, as a reading connection has them
    rules = rules_key(store)
    made = prepare(con, round_id, rules)
    if made is not None:
        keep(con, round_id, rules, made)


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE NOT temporary AND table_name IN ($a, $b)",
        {"a": SUMS, "b": MADE_FROM},
    ).fetchone()[0]
    return found == 2


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The kept sums are a cache, made on first use: a store without them is complete."""
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {SUMS} (
            round_id INTEGER NOT NULL, department_id INTEGER NOT NULL, measure VARCHAR NOT NULL,
            n BIGINT NOT NULL, total HUGEINT NOT NULL, squares HUGEINT NOT NULL,
            scale BIGINT NOT NULL
        )
        """
    ).fetchall()
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {MADE_FROM} (
            round_id INTEGER NOT NULL, department_id INTEGER NOT NULL,
            respondents BIGINT NOT NULL, ids HUGEINT NOT NULL, rules VARCHAR NOT NULL
        )
        """
    ).fetchall()
