"""Synthetic survey data for the benchmarks: our import template as CSV, or the canonical
responses as Parquet, made with numpy and polars (seconds for millions of respondents).

    from benches.generate import template_csv, parquet, responses
    template_csv("big.csv", 1_000_000, workplaces=200, departments_per_workplace=20)

Every respondent answers the 21 questions with Danish labels; ``blanks`` of the cells are
left empty (missing). A person's answers lean on a level of their own, and each department
has a level too, so departments differ as they do in real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from socialkapital.instrument import load

# Answer codes 1-5 around a person's level: mostly 3-4, as in real surveys.
_NOISE = np.array([-2, -1, 0, 1, 2])
_NOISE_P = np.array([0.05, 0.2, 0.5, 0.2, 0.05])


def responses(
    respondents: int,
    workplaces: int,
    departments_per_workplace: int,
    blanks: float = 0.03,
    seed: int = 0,
) -> pl.DataFrame:
    """The canonical frame: workplace, department, respondent, q1..q21 (Int8 codes, null
    where blank). Respondents are spread evenly over the departments, in order."""
    rng = np.random.default_rng(seed)
    items = len(load().items)
    departments = workplaces * departments_per_workplace
    dept = np.arange(respondents) * departments // respondents
    dept_level = rng.normal(0, 0.4, departments)[dept]
    person = np.clip(np.round(3.4 + dept_level + rng.normal(0, 0.6, respondents)), 1, 5)
    noise = rng.choice(_NOISE, size=(respondents, items), p=_NOISE_P)
    codes = np.clip(person[:, None] + noise, 1, 5).astype(np.int8)
    blank = rng.random((respondents, items)) < blanks
    workplace = dept // departments_per_workplace
    frame = pl.DataFrame(
        {
            "w": workplace.astype(np.int32),
            "d": (dept % departments_per_workplace).astype(np.int32),
            "i": np.arange(respondents, dtype=np.int64),
        }
    ).select(
        pl.format("Arbejdsplads {}", pl.col("w").cast(pl.String).str.zfill(3)).alias("workplace"),
        pl.format("Afdeling {}", pl.col("d").cast(pl.String).str.zfill(2)).alias("department"),
        pl.format("r{}", pl.col("i").cast(pl.String).str.zfill(8)).alias("respondent"),
    )
    return frame.with_columns(
        pl.Series(f"q{n + 1}", codes[:, n], dtype=pl.Int8).scatter(
            np.flatnonzero(blank[:, n]), None
        )
        for n in range(items)
    )


def template_csv(
    path: str | Path,
    respondents: int,
    workplaces: int,
    departments_per_workplace: int,
    blanks: float = 0.03,
    seed: int = 0,
) -> Path:
    """Our import template as UTF-8 CSV (comma, header workplace, department, respondent,
    q1..q21, Danish labels, blank cells empty); written in slices to keep memory low."""
    path = Path(path)
    labels = pl.Series([p.labels["da"] for p in load().scale])
    frame = responses(respondents, workplaces, departments_per_workplace, blanks, seed)
    items = [c for c in frame.columns if c.startswith("q")]
    as_text = frame.with_columns(
        pl.col(items)
        .cast(pl.Int64)
        .replace_strict(list(range(1, 6)), labels, default=None, return_dtype=pl.String)
    )
    with path.open("wb") as out:
        for offset in range(0, as_text.height, 500_000):
            as_text.slice(offset, 500_000).write_csv(out, include_header=offset == 0)
    return path


def parquet(
    path: str | Path,
    respondents: int,
    workplaces: int,
    departments_per_workplace: int,
    blanks: float = 0.03,
    seed: int = 0,
) -> Path:
    """The same respondents as ``template_csv`` (same arguments, same answers), as the
    canonical frame in a Parquet file (codes as Int8, null where blank)."""
    path = Path(path)
    responses(respondents, workplaces, departments_per_workplace, blanks, seed).write_parquet(path)
    return path
