"""The gate on a table built by hand: which departments it hides, measure by measure."""

from __future__ import annotations

import polars as pl

from socialkapital import anonymity

# Department A has 2 persons. For the form 'team' the smallest other department is C (6),
# for question 1 it is D (5, a few blanks): hidden one measure at a time, C would show its
# question 1 and D its team score.
N = {
    "team": {"A": 2, "B": 12, "C": 6, "D": 7},
    "q1": {"A": 2, "B": 12, "C": 8, "D": 5},
}


def stats() -> pl.DataFrame:
    rows = []
    for measure, sizes in N.items():
        total = sum(sizes.values())
        rows.append(("workplace", "W", None, measure, 70.0, 10.0, total))
        rows += [("department", "W", d, measure, 70.0, 10.0, n) for d, n in sizes.items()]
    return pl.DataFrame(
        rows,
        schema=["level", "workplace", "department", "measure", "mean", "sd", "n"],
        orient="row",
    )


def hidden(gated: pl.DataFrame, measure: str) -> dict[str, str]:
    rows = gated.filter((pl.col("level") == "department") & (pl.col("measure") == measure))
    return {r["department"]: r["reason"] for r in rows.iter_rows(named=True) if r["suppressed"]}


def test_a_department_hidden_to_protect_another_is_hidden_for_every_measure():
    gated = anonymity.gate(stats(), threshold=5)
    for measure in N:
        assert hidden(gated, measure) == {"A": "primary", "C": "secondary", "D": "secondary"}
        shown = gated.filter((pl.col("measure") == measure) & (pl.col("department") == "B")).row(
            0, named=True
        )
        assert shown["mean"] == 70.0 and not shown["suppressed"]


def test_without_a_small_department_nothing_more_is_hidden():
    big = stats().filter(pl.col("department") != "A")
    gated = anonymity.gate(big, threshold=5)
    assert gated.filter(pl.col("level") == "department")["suppressed"].sum() == 0
