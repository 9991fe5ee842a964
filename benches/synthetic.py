"""Synthetic stores for the read-side benchmarks: two rounds, written with numpy straight
into DuckDB (no CSV parsing, which the import benchmark measures), and the newest round also
as CSV and Parquet in the template's columns, for the baselines that read files.

Workplaces of 2,500 respondents, departments of lognormal size (median about 37, some below
the anonymity threshold), 21 answers each with 3 % missing; the second round's answers are a
little higher. 1,000,000 respondents: 400 workplaces and about 19,000 departments.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from queries import figure_store
from queries.store import Store

PER_WORKPLACE = 2_500  # respondents per workplace: a consultant's many-site customer
ROUNDS = ("Efterår 2025", "Forår 2026")  # oldest first; the benchmarks read the newest
CHUNK = 250_000  # respondents written at a time: a 5M store stays well under 1 GB here


def layout(respondents: int, seed: int) -> tuple[np.ndarray, list[int]]:
    """Each respondent's department index, and each department's workplace index."""
    rng = np.random.default_rng(seed)
    workplaces = max(2, respondents // PER_WORKPLACE)
    workplace_of = np.minimum(np.arange(respondents) // PER_WORKPLACE, workplaces - 1)
    starts = np.flatnonzero(np.diff(workplace_of, prepend=-1))
    department_of = np.empty(respondents, dtype=np.int32)
    department_workplace: list[int] = []
    for w, start in enumerate(starts):
        end = starts[w + 1] if w + 1 < len(starts) else respondents
        sizes = np.maximum(1, rng.lognormal(3.6, 0.9, size=(end - start) // 4 + 1).astype(int))
        cuts = start + np.cumsum(sizes)
        edges = np.concatenate([[start], cuts[cuts < end], [end]])
        for a, b in itertools.pairwise(edges):
            department_of[a:b] = len(department_workplace)
            department_workplace.append(w)
    return department_of, department_workplace


def answers(rng: np.random.Generator, count: int, lift: float) -> pl.DataFrame:
    """The codes q1..q21 of ``count`` respondents: a person level plus item noise, 3 % missing
    (null)."""
    level = rng.normal(0, 0.8, size=(count, 1))
    codes = np.clip(np.rint(3.7 + lift + level + rng.normal(0, 0.9, (count, 21))), 1, 5)
    missing = rng.random((count, 21)) < 0.03
    return pl.DataFrame(
        [
            pl.Series(f"q{n + 1}", codes[:, n].astype(np.int8)).scatter(
                np.flatnonzero(missing[:, n]), None
            )
            for n in range(21)
        ]
    )


def build(path: Path, respondents: int, seed: int = 1) -> tuple[Store, dict]:
    """A store of two rounds of ``respondents`` each; returns it and what writing it took
    (seconds): the rows, and the department sums an import keeps (``figure_store.refresh``)."""
    store = Store(path)
    department_of, department_workplace = layout(respondents, seed)
    workplaces = max(department_workplace) + 1
    rng = np.random.default_rng(seed + 1)
    start = time.perf_counter()
    with store.writing() as con:
        _insert(
            con,
            "workplaces (workplace_id, name)",
            pl.DataFrame(
                {
                    "workplace_id": np.arange(1, workplaces + 1, dtype=np.int32),
                    "name": [f"Arbejdsplads {w:04d}" for w in range(workplaces)],
                }
            ),
        )
        _insert(
            con,
            "departments",
            pl.DataFrame(
                {
                    "department_id": np.arange(1, len(department_workplace) + 1, dtype=np.int32),
                    "workplace_id": np.array(department_workplace, dtype=np.int32) + 1,
                    "name": [f"Afdeling {d:05d}" for d in range(len(department_workplace))],
                }
            ),
        )
        for r, name in enumerate(ROUNDS, start=1):
            con.execute(
                "INSERT INTO rounds VALUES ($id, $name, $date)",
                {"id": r, "name": name, "date": f"{2025 + r // 2}-{3 if r % 2 == 0 else 10}-31"},
            ).fetchall()
            base = (r - 1) * respondents
            for lo in range(0, respondents, CHUNK):
                hi = min(respondents, lo + CHUNK)
                people = pl.DataFrame(
                    {
                        "respondent_id": np.arange(base + lo + 1, base + hi + 1, dtype=np.int64),
                        "round_id": np.full(hi - lo, r, dtype=np.int32),
                        "department_id": department_of[lo:hi] + 1,
                    }
                ).hstack(answers(rng, hi - lo, 0.1 * (r - 1)))
                codes = ", ".join(f"q{n}" for n in range(1, 22))
                con.register("incoming", people)
                con.execute(
                    "INSERT INTO respondents SELECT respondent_id, round_id, department_id, "
                    f"NULL, [{codes}]::TINYINT[] FROM incoming"
                ).fetchall()
                con.unregister("incoming")
    rows_s = time.perf_counter() - start
    start = time.perf_counter()
    with store.writing() as con:  # what an import does at its end, round by round
        for r in range(1, len(ROUNDS) + 1):
            figure_store.refresh(store, con, r)
    return store, {"rows": rows_s, "kept_sums": time.perf_counter() - start}


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("incoming", frame)
    con.execute(f"INSERT INTO {table} SELECT * FROM incoming").fetchall()
    con.unregister("incoming")


def export(store: Store, round_name: str, folder: Path) -> dict[str, Path]:
    """The round's answers in the template's columns (workplace, department, respondent,
    q1..q21; blank = missing) as CSV and Parquet, for the baselines that read files."""
    columns = ", ".join(f"r.codes[{i}] AS q{i}" for i in range(1, 22))
    wide = f"""
        SELECT w.name AS workplace, d.name AS department, r.respondent_id AS respondent,
               {columns}
        FROM respondents r
        JOIN rounds o ON o.round_id = r.round_id
        JOIN departments d ON d.department_id = r.department_id
        JOIN workplaces w ON w.workplace_id = d.workplace_id
        WHERE o.name = '{round_name.replace("'", "''")}'
        ORDER BY r.respondent_id
    """
    paths = {"csv": folder / "answers.csv", "parquet": folder / "answers.parquet"}
    with store.reading() as con:
        con.execute(f"COPY ({wide}) TO '{paths['parquet']}' (FORMAT parquet)").fetchall()
        con.execute(
            f"COPY (SELECT * FROM '{paths['parquet']}') TO '{paths['csv']}' (FORMAT csv)"
        ).fetchall()
    return paths
