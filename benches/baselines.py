"""Plain baselines for ``summary --json``: the same form and item means (and n) per
department and per workplace, from the round's answers as Parquet, with pandas, polars and
DuckDB, each the way a data analyst would write it. A person's form score is the mean of the
form's answered items when at least half of them are answered (the product's rule).

Run as its own process, as the command line is: ``python -m benches.baselines pandas
answers.parquet [out.parquet]``; prints the seconds spent after start-up and imports.
"""

from __future__ import annotations

import sys
import time

FORMS = {  # form columns are named form_<key>: one form is called "workplace"
    "form_team": range(1, 7),
    "form_between": range(7, 13),
    "form_leader": range(13, 19),
    "form_workplace": range(19, 22),
}
ITEMS = [f"q{i}" for i in range(1, 22)]


def with_pandas(path: str):
    import pandas as pd

    frame = pd.read_parquet(path)
    scores = (frame[ITEMS].astype("float64") - 1) * 25
    for form, items in FORMS.items():
        part = scores[[f"q{i}" for i in items]]
        enough = part.notna().sum(axis=1) * 2 >= len(items)
        scores[form] = part.mean(axis=1).where(enough)
    scores["workplace"] = frame["workplace"]
    scores["department"] = frame["department"]
    measures = [*FORMS, *ITEMS]
    out = []
    for keys in (["workplace", "department"], ["workplace"]):
        grouped = scores.groupby(keys, sort=False)[measures]
        out.append(grouped.mean().join(grouped.count().add_suffix("_n")).reset_index())
    return pd.concat(out)


def with_polars(path: str):
    import polars as pl

    frame = pl.read_parquet(path)
    scores = frame.select(
        "workplace", "department", *((pl.col(q).cast(pl.Float64) - 1) * 25 for q in ITEMS)
    )
    forms = []
    for form, items in FORMS.items():
        cols = [f"q{i}" for i in items]
        answered = pl.sum_horizontal(pl.col(c).is_not_null() for c in cols)
        mean = pl.mean_horizontal(cols)
        forms.append(pl.when(answered * 2 >= len(items)).then(mean).alias(form))
    scores = scores.with_columns(forms)
    measures = [*FORMS, *ITEMS]
    aggs = [pl.col(m).mean() for m in measures] + [
        pl.col(m).count().alias(f"{m}_n") for m in measures
    ]
    return pl.concat(
        [
            scores.group_by("workplace", "department").agg(aggs),
            scores.group_by("workplace").agg(aggs),
        ],
        how="diagonal",
    )


def with_duckdb(path: str):
    import duckdb

    forms = ", ".join(
        f"CASE WHEN ({' + '.join(f'(q{i} IS NOT NULL)::INT' for i in items)}) * 2 >= "
        f"{len(items)} THEN ({' + '.join(f'coalesce((q{i} - 1) * 25.0, 0)' for i in items)})"
        f" / ({' + '.join(f'(q{i} IS NOT NULL)::INT' for i in items)}) END AS {form}"
        for form, items in FORMS.items()
    )
    items = ", ".join(f"(q{i} - 1) * 25.0 AS q{i}" for i in range(1, 22))
    measures = [*FORMS, *ITEMS]
    aggs = ", ".join(f"avg({m}) AS {m}, count({m}) AS {m}_n" for m in measures)
    sql = f"""
        WITH scores AS (SELECT workplace, department, {forms}, {items} FROM read_parquet($p))
        SELECT workplace, department, {aggs} FROM scores
        GROUP BY GROUPING SETS ((workplace, department), (workplace))
    """
    return duckdb.sql(sql, params={"p": path}).pl()


TOOLS = {"pandas": with_pandas, "polars": with_polars, "duckdb": with_duckdb}


def main() -> None:
    tool, path, *out = sys.argv[1:]
    start = time.perf_counter()
    result = TOOLS[tool](path)
    print(f"{time.perf_counter() - start:.4f}")
    if out:  # for checking the baseline against the product, outside the timing
        import polars as pl

        frame = result if isinstance(result, pl.DataFrame) else pl.from_pandas(result)
        frame.write_parquet(out[0])


if __name__ == "__main__":
    main()
