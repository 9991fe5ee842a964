"""Speed of the trends page for one large workplace across several survey rounds.

Trends are per workplace, so the size that matters is the workplace: here 20,000 respondents
in 250 departments per round, over 4 rounds, with 30 departments renamed in every round
(linked, as a user would link them). Timed:

- forms: ``trends.trends`` for the four forms, with each round's gated figures already
  cached (as the dashboard has them after the first page view);
- question: the same for one question;
- cold: the four forms with nothing cached (each round gated first).

Baseline in the same run: the department × round × form means by a plain polars
``group_by`` over person scores already in memory (no anonymity, no lineages, no tests).

Run: ``python -m benches.bench_trends [respondents-per-round]``; results go to
docs/benchmarks.md under "## Trends".
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from benches.common import heading, write_section
from queries import trend_store
from queries.store import Store
from socialkapital import analysis, results, trends

WORKPLACE = "Stor Kommune"
ROUNDS = 4
DEPARTMENTS = 250
RESPONDENTS = 20_000
RENAMED = 30  # departments renamed in every round (and linked, as a user links them)


def department_names(round_index: int) -> list[str]:
    """Round r renames departments 0-29 (suffix 'r'); the others keep their names."""
    return [
        f"Afdeling {d:03d} r{round_index}" if d < RENAMED and round_index else f"Afdeling {d:03d}"
        for d in range(DEPARTMENTS)
    ]


def build(path: Path, respondents: int) -> Store:
    rng = np.random.default_rng(3)
    store = Store(path)
    keys = store.instrument.item_keys
    for r in range(ROUNDS):
        names = department_names(r)
        department = rng.integers(0, DEPARTMENTS, respondents)
        level = rng.normal(0, 0.8, (respondents, 1)) + 0.05 * r
        codes = np.clip(np.rint(3.7 + level + rng.normal(0, 0.9, (respondents, 21))), 1, 5)
        frame = pl.DataFrame(
            {
                "workplace": [WORKPLACE] * respondents,
                "department": [names[d] for d in department],
                "respondent": [None] * respondents,
            },
            schema={"workplace": pl.String, "department": pl.String, "respondent": pl.String},
        ).hstack(pl.DataFrame(codes.astype(np.int64), schema=keys))
        store.replace_responses(frame, f"Runde {r + 1}", date(2023 + r, 3, 1), "bench", "bench")
        if r > 0:
            before = department_names(r - 1)
            links = {before[d]: [names[d]] for d in range(RENAMED)}
            trend_store.save_links(store, WORKPLACE, f"Runde {r + 1}", links)
    return store


def baseline(persons: pl.DataFrame) -> pl.DataFrame:
    return persons.group_by("round", "department", "dimension").agg(
        pl.col("score").mean(), pl.col("score").count().alias("n")
    )


def timed(fn, repeat: int = 3) -> float:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def run(respondents: int, folder: Path) -> dict:
    start = time.perf_counter()
    store = build(folder / "trends.duckdb", respondents)
    load_s = time.perf_counter() - start
    figures = cache(lambda r: analysis.round_figures(store, r))  # the dashboard's cache
    for r in trends.rounds_in_order(store)["round"]:
        figures(r)
    forms = timed(lambda: trends.trends(store, WORKPLACE, figures_of=figures))
    question = timed(lambda: trends.trends(store, WORKPLACE, ["q7"], figures_of=figures))

    def cold():
        results.forget_rounds()
        trends.trends(store, WORKPLACE)

    cold_s = timed(cold, repeat=2)
    persons = pl.concat(
        store.frame("selection_person_scores", round=r, workplace=WORKPLACE).with_columns(
            pl.lit(r).alias("round")
        )
        for r in trends.rounds_in_order(store)["round"]
    )
    rows = trends.trends(store, WORKPLACE, figures_of=figures)
    return {
        "respondents": respondents,
        "lineages": rows.filter(pl.col("kind") == "department")["group"].n_unique(),
        "load": load_s,
        "forms": forms,
        "question": question,
        "cold": cold_s,
        "baseline": timed(lambda: baseline(persons)),
    }


def report(rows: list[dict]) -> str:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    lines = [
        *heading("Trends", "bench_trends"),
        f"One workplace, {ROUNDS} rounds of {DEPARTMENTS} departments; {RENAMED} of them renamed "
        "in every round, all linked. Median of 3 runs (cold: of 2), in ms.",
        "",
        "| respondents per round | lineages | four forms (figures cached) | one question "
        "| four forms, cold | baseline: plain group_by | store build (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['respondents']:,} | {r['lineages']} | {ms(r['forms'])} | {ms(r['question'])} "
            f"| {ms(r['cold'])} | {ms(r['baseline'])} | {r['load']:.1f} |"
        )
    lines += [
        "",
        "The baseline only averages person scores per department, round and form; the trends "
        "also gate every round, follow the links, combine split departments (only where every "
        "part is shown), and run a Welch test with Holm's adjustment for every change.",
        "",
        "History: the first version built the rows and the tests one by one in Python "
        "(460 ms for the four forms, figures cached, with 5 of the departments split); "
        "joining single-department lineages in polars and testing all changes at once "
        "with numpy (`stats.welch_many`) brought it to the figure above.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [RESPONDENTS]
    with tempfile.TemporaryDirectory() as folder:
        rows = [run(n, Path(folder)) for n in sizes]
    body = report(rows)
    if "--quick" not in sys.argv[1:]:  # a quick run leaves the full run's figures as they are
        write_section("## Trends", body)
    print(body)


if __name__ == "__main__":
    main()
