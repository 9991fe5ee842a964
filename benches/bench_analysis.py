"""Speed of the dashboard's analysis pages: the first view of a round after an import, and a
filter change, with 100,000, 1,000,000 and 5,000,000 respondents per round.

What a filter change asks of the server: the overview's gated figures for the chosen workplace
(``results.compute``), the sidebar's department list and the heatmap's frames (forms and one
form's questions) cut from the round's figures (``analysis.round_figures``). Timed:

- cached: the dashboard's own ``st.cache_data`` functions answering from the cache, plus the
  heatmap frames, which every rerun builds from the cached figures;
- uncached: a workplace not seen before; the round's figures are already in memory (they do
  not depend on the filter and are computed once per round and store version);
- cold: the first view of a round after an import: nothing in memory, the department sums the
  import kept in the store (queries/figure_store) read and gated; and the same for a store
  without kept sums (an older store, or one written while the store was busy), where the first
  view computes them from every answer.

Baseline in the same run: the chosen workplace's answers read from DuckDB and averaged per
department and form with a plain polars ``group_by`` (what a filter change would cost without
the round's figures in memory).

The synthetic stores (two rounds, benches/synthetic.py) are written with numpy straight into
DuckDB. Each size runs in a process of its own, so that its peak memory is its own. Run:
``python -m benches.bench_analysis [--quick] [respondents ...]``; results go to
docs/benchmarks.md under "## Analysis" and to benches/results/analysis.json.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from benches import common, synthetic
from queries import figure_store
from queries.store import Store
from socialkapital import access, analysis, results
from socialkapital.instrument import load

SIZES = (100_000, 1_000_000, 5_000_000)
QUICK = (100_000,)
ROUND = synthetic.ROUNDS[-1]
TARGETS = {"cached": 0.150, "uncached": 0.500, "cold": 1.0}  # seconds, at 1,000,000
TARGET_5M_UNCACHED = 1.0


def filter_change(store: Store, figs: analysis.RoundFigures, workplace: str) -> None:
    """Server-side work of choosing a workplace: overview figures, sidebar, heatmap frames."""
    overview(store, workplace)
    pages(store, figs, workplace)


def overview(store: Store, workplace: str) -> None:
    """The overview page's gated figures for one workplace (not cached yet)."""
    results.compute(store, ROUND, [workplace])


def pages(store: Store, figs: analysis.RoundFigures, workplace: str) -> None:
    """The sidebar's department list and the heatmap's frames, the round's figures cached."""
    store.departments(ROUND, workplace)
    heat(figs, workplace)


def heat(figs: analysis.RoundFigures, workplace: str) -> None:
    ins = load()
    frame = analysis.heatmap(figs, workplace, [*ins.dimension_keys, analysis.OVERALL])
    analysis.department_order(frame, "score")
    analysis.heatmap(figs, workplace, [i.key for i in ins.items_of("team")])


def cached_change(store: Store, figs_of, results_of, workplace: str) -> None:
    """The same, answered by the dashboard's caches (hits), plus the heatmap frames."""
    version = store.version()
    results_of(store, version, ROUND, (workplace,), access.LOCAL, access.LOCAL.key(), "da")
    figs = figs_of(store, version, ROUND)
    heat(figs, workplace)


def naive_baseline(db: Path, workplace: str) -> pl.DataFrame:
    """The workplace's department × form means: its answers read from DuckDB, persons'
    form scores and department means by plain polars ``group_by`` (no half rule, no gate)."""
    ins = load()
    dims = pl.DataFrame(
        {"item": [i.number for i in ins.items], "dim": [i.dimension for i in ins.items]},
        schema={"item": pl.Int16, "dim": pl.String},
    )
    with duckdb.connect(str(db), read_only=True) as con:
        answers = con.sql(
            # The stored shape read as it is: each respondent's codes (codes[n]: item n's)
            # unnested to one row per item, the blanks left out.
            "SELECT * FROM (SELECT r.respondent_id, r.department_id, "
            "unnest(range(1, len(r.codes) + 1))::SMALLINT AS item, unnest(r.codes) AS code "
            "FROM respondents r JOIN departments d USING (department_id) "
            "JOIN workplaces w USING (workplace_id) JOIN rounds o ON o.round_id = r.round_id "
            "WHERE w.name = $w AND o.name = $r) WHERE code IS NOT NULL",
            params={"w": workplace, "r": ROUND},
        ).pl()
    persons = (
        answers.join(dims, on="item")
        .group_by("respondent_id", "department_id", "dim")
        .agg(((pl.col("code") - 1) * 25).mean().alias("score"))
    )
    return persons.group_by("department_id", "dim").agg(pl.col("score").mean(), pl.len())


def times(fn, args) -> list[float]:
    out = []
    for a in args:
        start = time.perf_counter()
        fn(a)
        out.append(time.perf_counter() - start)
    return out


def run(respondents: int, folder: Path) -> dict:
    import streamlit as st  # the dashboard's caches, as a running app uses them

    from dashboard import analysis_ui, state

    st.cache_data.clear()
    st.cache_resource.clear()
    path = folder / f"bench{respondents}.duckdb"
    store, written = synthetic.build(path, respondents)
    names = store.workplaces(ROUND)
    rng = np.random.default_rng(7)
    picks = [names[i] for i in rng.choice(len(names), size=min(9, len(names)), replace=False)]

    def first_view(_):
        results.forget_rounds()  # nothing remembered from the run before
        figs = analysis.round_figures(store, ROUND)
        filter_change(store, figs, picks[0])

    cold = times(first_view, range(3))
    figs = analysis.round_figures(store, ROUND)
    uncached = times(lambda w: filter_change(store, figs, w), picks[1:])
    uncached_overview = times(lambda w: overview(store, w), picks[1:])
    uncached_pages = times(lambda w: pages(store, figs, w), picks[1:])

    figs_of, results_of = analysis_ui._figures, state._results
    for w in picks[1:]:  # fill the caches, as earlier visits would
        cached_change(store, figs_of, results_of, w)
    cached = times(lambda w: cached_change(store, figs_of, results_of, w), picks[1:] * 3)
    naive = times(lambda w: naive_baseline(path, w), picks[1:4])

    # An older store, without kept sums: the first view computes them from the answers (and
    # keeps them); measured on a copy each time.
    unkept = []
    for i in range(2):
        with duckdb.connect(str(path)) as con:
            for table in (figure_store.SUMS, figure_store.PAIRS, figure_store.MADE_FROM):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        unkept += times(first_view, [i])
    return {
        "respondents": respondents,
        "workplaces": len(names),
        "departments": store.counts()["departments"],
        "written": written,
        "cold": min(cold),
        "cold_unkept": min(unkept),
        "uncached": statistics.median(uncached),
        "uncached_max": max(uncached),
        "uncached_overview": statistics.median(uncached_overview),
        "uncached_pages": statistics.median(uncached_pages),
        "cached": statistics.median(cached),
        "cached_max": max(cached),
        "naive": statistics.median(naive),
        "load_average": os.getloadavg()[0],
    }


def report(rows: list[dict]) -> str:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    line = lambda label, cells, target="": (  # noqa: E731
        f"| {label} | " + " | ".join(cells) + f" | {target} |"
    )
    lines = [
        *common.heading("Analysis", "bench_analysis"),
        "Load average while measuring (1 min): "
        + ", ".join(f"{r['load_average']:.1f}" for r in rows)
        + common.load_note(max(r["load_average"] for r in rows)),
        "",
        "Two synthetic rounds per size (benches/synthetic.py), the newest viewed. A *filter "
        "change* is the server-side work of choosing another workplace: the overview's gated "
        "figures (`results.compute` for that workplace), the sidebar's department list and "
        "the heatmap's frames for the four forms and one form's questions. Milliseconds; "
        "median and maximum over 8 workplaces (cached: 24 runs; cold: best of 3). Each size "
        "ran in a process of its own (peak RSS: that process, store writing included).",
        "",
        "| | " + " | ".join(f"{r['respondents']:,} respondents" for r in rows) + " | target |",
        "|---|" + "---|" * len(rows) + "---|",
        line(
            "workplaces / departments",
            [f"{r['workplaces']:,} / {r['departments']:,}" for r in rows],
        ),
        line(
            "first view of a round after an import (cold: kept sums read, gated, + a filter "
            "change)",
            [ms(r["cold"]) for r in rows],
            "≤ 1,000 at 1M",
        ),
        line(
            "the same on a store without kept sums (computed from every answer, then kept)",
            [ms(r["cold_unkept"]) for r in rows],
        ),
        line(
            "filter change, cached (the dashboard's `st.cache_data` hits + heatmap frames)",
            [f"{ms(r['cached'])} (max {ms(r['cached_max'])})" for r in rows],
            "≤ 150",
        ),
        line(
            "filter change, uncached (new workplace; the round's figures in memory)",
            [f"{ms(r['uncached'])} (max {ms(r['uncached_max'])})" for r in rows],
            "≤ 500; ≤ 1,000 at 5M",
        ),
        line(
            "… of which the overview's figures (`results.compute` for the workplace)",
            [ms(r["uncached_overview"]) for r in rows],
        ),
        line(
            "… of which the analysis pages' part (sidebar list + heatmap frames)",
            [ms(r["uncached_pages"]) for r in rows],
        ),
        line(
            "baseline: the workplace's answers from DuckDB, department × form means by polars "
            "`group_by`",
            [ms(r["naive"]) for r in rows],
        ),
        line(
            "writing the store: rows / department sums kept (as an import does), s",
            [f"{r['written']['rows']:.1f} / {r['written']['kept_sums']:.1f}" for r in rows],
        ),
        line("peak RSS of the run, MB", [f"{r['peak_rss']:,.0f}" for r in rows]),
        "",
        *reading(rows),
    ]
    return "\n".join(lines)


def reading(rows: list[dict]) -> list[str]:
    """The targets, met or not, from the measured figures."""
    verdict = lambda s, target: "met" if s <= target else "**not met**"  # noqa: E731
    ms = lambda s: f"{s * 1000:,.0f} ms"  # noqa: E731
    out = ["Reading:", ""]
    for r in rows:
        checks = [
            ("cached filter change", r["cached"], TARGETS["cached"]),
            (
                "uncached filter change",
                r["uncached"],
                TARGET_5M_UNCACHED if r["respondents"] >= 5_000_000 else TARGETS["uncached"],
            ),
        ]
        if r["respondents"] == 1_000_000:
            checks.append(("first view after an import", r["cold"], TARGETS["cold"]))
        said = "; ".join(f"{name} {ms(s)} (≤ {ms(t)}: {verdict(s, t)})" for name, s, t in checks)
        out.append(f"- {r['respondents']:,} respondents: {said}.")
    out += [
        "- The first view reads the department sums the import kept and gates the whole round "
        "once; a filter change after it cuts rows from the round's figures in memory, so it "
        "grows with the chosen workplace, not with the store. On a store without kept sums "
        "(second row) the first view reads every answer once and keeps the sums for the next.",
        "",
    ]
    return out


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--one":  # one size, in this process: its figures as JSON
        warnings.filterwarnings("ignore")
        logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no script run context"
        with tempfile.TemporaryDirectory() as folder:
            row = run(int(args[1]), Path(folder))
        Path(args[2]).write_text(json.dumps(row), encoding="utf-8")
        return
    quick = "--quick" in args
    sizes = [int(a) for a in args if a.isdigit()] or list(QUICK if quick else SIZES)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "row.json"
        for n in sizes:
            argv = [sys.executable, "-m", "benches.bench_analysis", "--one", str(n), str(out)]
            _, peak = common.child(argv, Path(folder) / "printed.txt")
            rows.append(json.loads(out.read_text(encoding="utf-8")) | {"peak_rss": peak})
            print(rows[-1], flush=True)
    body = report(rows)
    if not quick:  # a quick run leaves the full run's figures as they are
        common.save_results("analysis", rows)
        common.write_section("## Analysis", body)
    print(body)


if __name__ == "__main__":
    main()
