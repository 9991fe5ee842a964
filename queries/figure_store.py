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

from queries.sql import query, quote_identifier, subquery

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
    run(
        "CREATE OR REPLACE TEMP TABLE current_departments AS " + subquery("department_fingerprints")
    )
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
    run("CREATE OR REPLACE TEMP TABLE stale_scores AS " + subquery("stale_person_scores"))
    run("CREATE OR REPLACE TEMP TABLE computed_sums AS " + subquery("department_sums"))
    run("CREATE OR REPLACE TEMP TABLE computed_pairs AS " + subquery("department_pairs"))
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
    names = ("made_sums", "made_pairs", "made_from")
    for name, frame in zip(names, made, strict=True):
        con.register(name, frame)
    _keep_made(con, round_id, rules)
    for name in names:
        con.unregister(name)


def _keep_made(con: duckdb.DuckDBPyConnection, round_id: int, rules: str) -> None:
    """Store the sums in the relations ``made_sums``, ``made_pairs`` and ``made_from``."""
    _create_tables(con)
    run = _runner(con, {"round_id": round_id})
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


def keep_written(store, con: duckdb.DuckDBPyConnection, round_id: int, written: str) -> None:
    """Keep the sums of the departments an import has just written, inside its transaction.

    ``written`` is a query of the rows written (respondent_id, department_id, q1..qN: one
    row per respondent, codes or null), and every respondent of those departments in the
    round is among them (an import replaces its workplaces whole). Their sums are made from
    these rows in one pass, without reading the answers back (``wide_sums``); any other
    department of the round whose sums are missing or stale is then brought up to date
    from its answers (``refresh``)."""
    store._register_instrument(con)  # the scoring macros, as a reading connection has them
    rules = rules_key(store)
    run = _runner(con, {"round_id": round_id})
    totals, sums, pairs = wide_sums(store, written)
    run(f"CREATE OR REPLACE TEMP TABLE department_totals AS {totals}", {})
    # Views: the sums go from the totals straight into the kept tables, with no copy between.
    run(f"CREATE OR REPLACE TEMP VIEW made_sums AS {sums}", {})
    run(f"CREATE OR REPLACE TEMP VIEW made_pairs AS {pairs}", {})
    run(
        "CREATE OR REPLACE TEMP TABLE made_from AS SELECT * FROM ("
        + subquery("department_fingerprints")
        + ") WHERE department_id IN (SELECT department_id FROM department_totals)"
    )
    _keep_made(con, round_id, rules)
    for kind, name in (
        ("VIEW", "made_sums"),
        ("VIEW", "made_pairs"),
        ("TABLE", "made_from"),
        ("TABLE", "department_totals"),
    ):
        run(f"DROP {kind} {name}", {})
    refresh(store, con, round_id)


def wide_sums(store, written: str) -> tuple[str, str, str]:
    """Three queries: every total per department of the respondents in ``written``
    (respondent_id, department_id, q1..qN), from their answers side by side (each person's
    form scores worked out in the row, then added up per department in one aggregate); and
    of those totals, kept as the temp table ``department_totals``, the department sums and
    pair sums as ``department_sums`` and ``department_pairs`` (scores.sql) give them."""
    ins = store.instrument
    dims = ins.dimension_keys
    least = {d: ins.min_answered(d, store.settings.min_answered_share) for d in dims}
    points = {i.number: _points(ins, quote_identifier(i.key)) for i in ins.items}
    answered = {
        d: " + ".join(f"(p{i.number} IS NOT NULL)::BIGINT" for i in ins.items_of(d)) for d in dims
    }
    added = {d: " + ".join(f"coalesce(p{i.number}, 0)" for i in ins.items_of(d)) for d in dims}
    # A person's form score times the scale (a whole number), or null: too few answers.
    scaled = [
        f"CASE WHEN a_{n} >= {least[d]} THEN t_{n} * (u.scale // a_{n}) END AS s_{n}"
        for n, d in enumerate(dims)
    ]
    # Both scores of a pair of forms, each null where either is: a pair's sums are taken over
    # the persons with both.
    pairs = [(a, b) for a in range(len(dims)) for b in range(len(dims)) if a < b]
    masked = [f"s_{a} + 0 * s_{b} AS x_{a}_{b}, s_{b} + 0 * s_{a} AS y_{a}_{b}" for a, b in pairs]
    items = [f"p{i.number}" for i in ins.items]
    forms = [f"s_{n}" for n in range(len(dims))]
    aggregates = []
    for value in (*items, *forms):  # the products are exact: BIGINT, summed into HUGEINT
        aggregates.append(
            f"count({value}) AS n_{value}, sum({value}) AS t_{value}, "
            f"sum({value} * {value}) AS q_{value}"
        )
    for a, b in pairs:
        x, y = f"x_{a}_{b}", f"y_{a}_{b}"
        aggregates.append(
            f"count({x}) AS n_{a}_{b}, sum({x}) AS {x}, sum({y}) AS {y}, "
            f"sum({x} * {x}) AS xx_{a}_{b}, sum({y} * {y}) AS yy_{a}_{b}, "
            f"sum({x} * {y}) AS xy_{a}_{b}"
        )
    totals = f"""
        SELECT department_id, any_value(scale) AS scale, {", ".join(aggregates)}
        FROM (
            SELECT department_id, scale, {", ".join(items)}, {", ".join(forms)},
                   {", ".join(masked)}
            FROM (
                SELECT department_id, u.scale, {", ".join(items)}, {", ".join(scaled)}
                FROM (
                    SELECT department_id, {", ".join(items)},
                           {", ".join(f"{answered[d]} AS a_{n}" for n, d in enumerate(dims))},
                           {", ".join(f"{added[d]} AS t_{n}" for n, d in enumerate(dims))}
                    FROM (
                        SELECT department_id,
                               {", ".join(f"{points[i.number]} AS p{i.number}" for i in ins.items)}
                        FROM ({written})
                    )
                )
                CROSS JOIN score_scale() u
            )
        )
        GROUP BY department_id
    """
    sums = [
        f"SELECT department_id, '{i.key}' AS measure, n_p{i.number} AS n, t_p{i.number} AS "
        f"total, q_p{i.number} AS squares, CAST(1 AS BIGINT) AS scale FROM department_totals "
        f"WHERE n_p{i.number} > 0"
        for i in ins.items
    ]
    sums += [
        f"SELECT department_id, '{d}', n_s_{n}, t_s_{n}, q_s_{n}, scale "
        f"FROM department_totals WHERE n_s_{n} > 0"
        for n, d in enumerate(dims)
    ]
    pair_rows = [
        f"SELECT department_id, '{d}' AS row_measure, '{d}' AS col_measure, n_s_{n} AS n, "
        f"t_s_{n} AS sx, t_s_{n} AS sy, q_s_{n} AS sxx, q_s_{n} AS syy, q_s_{n} AS sxy "
        f"FROM department_totals WHERE n_s_{n} > 0"
        for n, d in enumerate(dims)
    ]
    for a, b in pairs:
        ab = f"{a}_{b}"
        pair_rows += [
            f"SELECT department_id, '{dims[a]}', '{dims[b]}', n_{ab}, x_{ab}, y_{ab}, "
            f"xx_{ab}, yy_{ab}, xy_{ab} FROM department_totals WHERE n_{ab} > 0",
            f"SELECT department_id, '{dims[b]}', '{dims[a]}', n_{ab}, y_{ab}, x_{ab}, "
            f"yy_{ab}, xx_{ab}, xy_{ab} FROM department_totals WHERE n_{ab} > 0",
        ]
    return totals, " UNION ALL ".join(sums), " UNION ALL ".join(pair_rows)


def _points(ins, column: str) -> str:
    """An answer code's points (``item_points`` of its score; null for no code on the scale):
    looked up in a list when the codes are 1, 2, ... (twice as fast as a CASE)."""
    scores = {p.code: p.score for p in ins.scale}
    if min(scores) < 1:
        whens = " ".join(f"WHEN {c} THEN item_points({s})" for c, s in scores.items())
        return f"CAST(CASE {column} {whens} END AS BIGINT)"
    listed = ", ".join(
        f"item_points({scores[c]})" if c in scores else "NULL" for c in range(1, max(scores) + 1)
    )
    return f"CAST([{listed}][{column}] AS BIGINT)"


def refresh(store, con: duckdb.DuckDBPyConnection, round_id: int) -> None:
    """Bring the kept sums of a round up to date inside a write transaction (after an
    import): only departments whose answers changed are computed."""
    store._register_instrument(con)  # the scoring macros, as a reading connection has them
    rules = rules_key(store)
    made = prepare(con, round_id, rules)
    if made is not None:
        keep(con, round_id, rules, made)


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
