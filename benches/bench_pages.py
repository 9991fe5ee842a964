"""Every page of the dashboard as its server runs it, on a store of 100,000, 1,000,000 or
5,000,000 respondents per round: what a user waits for after each click.

Each page runs through Streamlit's ``AppTest`` (the same script, widgets and caches the
browser's session gets, without the browser's drawing). Per page, in one process:

- uncached: another workplace chosen in the sidebar, one no page has shown yet (two of them,
  the slower counted);
- cached: back to a workplace this page has shown (the dashboard's caches answer).

The round's gated figures stay in memory once computed: they do not depend on the filter.
The first view (the overview right after start, nothing in memory) is timed apart.

Baseline in the same run: a plain Streamlit page, run the same way, that reads the chosen
workplace's answers from DuckDB and shows its department × form means (polars ``group_by``)
in a table: what any page costs at the least, with no gate, no charts and no caching.

Run: ``python -m benches.bench_pages [--quick] [respondents ...]``; results go to
docs/benchmarks.md under "## Pages" and to benches/results/pages.json.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benches import common, synthetic

SIZES = (100_000, 1_000_000, 5_000_000)
QUICK = (100_000,)
HEADING = "## Pages"
APP = str(common.ROOT / "dashboard" / "app.py")
PAGES = (
    "overview",
    "heatmap",
    "items",
    "correlations",
    "benchmark",
    "response",
    "reliability",
    "trends",
    "reports",
    "plans",
    "rules",
)
TARGETS = {"cached": 0.150, "uncached": 0.500}  # seconds, at 1,000,000
TARGET_5M_UNCACHED = 1.0

BASELINE = '''
import os
import duckdb
import polars as pl
import streamlit as st

workplace = st.sidebar.selectbox("Arbejdsplads", WORKPLACES, key="workplace")
with duckdb.connect(os.environ["SOCIALKAPITAL_DB"], read_only=True) as con:
    answers = con.sql(
        """
        SELECT department, (item - 1) // 6 AS form, (code - 1) * 25.0 AS score
        FROM (
            SELECT d.name AS department, unnest(range(1, len(r.codes) + 1)) AS item,
                   unnest(r.codes) AS code
            FROM respondents r
            JOIN departments d USING (department_id)
            JOIN workplaces w USING (workplace_id)
            WHERE w.name = $w AND r.round_id = 2
        )
        WHERE code IS NOT NULL
        """,
        params={"w": workplace},
    ).pl()
st.dataframe(answers.group_by("department", "form").agg(pl.col("score").mean()))
'''


def _timed(at) -> float:
    """Seconds of one run of the app as it stands (after a widget was set)."""
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return seconds


def _choose(at, workplace: str) -> float:
    at.sidebar.selectbox(key="workplace").select(workplace)
    return _timed(at)


def measure(db: Path, workplaces: list[str]) -> dict:
    """Seconds per page (uncached, cached) and the first view, in this process."""
    from streamlit.testing.v1 import AppTest

    os.environ["SOCIALKAPITAL_DB"] = str(db)
    at = AppTest.from_file(APP, default_timeout=900)
    first = _timed(at)
    # (A store too small for two new workplaces per page repeats them: the quick test's.)
    fresh = itertools.cycle(workplaces[1:] or workplaces)
    pages = {}
    for page in PAGES:
        at.switch_page(f"views/{page}.py")
        _timed(at)
        seen = at.sidebar.selectbox(key="workplace").value
        uncached = [_choose(at, next(fresh)) for _ in range(2)]
        pages[page] = {"uncached": max(uncached), "cached": _choose(at, seen)}
    return {"first": first, "pages": pages}


def baseline(db: Path, workplaces: list[str]) -> dict:
    """The plain page's seconds: two workplaces, the slower counted, as for the pages."""
    from streamlit.testing.v1 import AppTest

    os.environ["SOCIALKAPITAL_DB"] = str(db)
    script = f"WORKPLACES = {workplaces!r}\n" + BASELINE
    at = AppTest.from_string(script, default_timeout=900)
    _timed(at)
    plain = [_choose(at, w) for w in workplaces[1:3]]
    return {"plain": max(plain)}


def run(respondents: int, folder: Path) -> dict:
    db = folder / f"pages{respondents}.duckdb"
    store, written = synthetic.build(db, respondents)
    names = store.workplaces(synthetic.ROUNDS[-1])
    del store
    # Workplaces spread over the store, so that no two pages share one.
    step = max(1, len(names) // (2 * len(PAGES) + 2))
    workplaces = names[::step][: 2 * len(PAGES) + 1]
    load = os.getloadavg()[0]
    found = measure(db, workplaces)
    found |= baseline(db, names[:3])
    return {
        "respondents": respondents,
        "workplaces": len(names),
        "written": written,
        "load": load,
        "load_after": os.getloadavg()[0],
        **found,
    }


def report(rows: list[dict]) -> str:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    sizes = " | ".join(f"{r['respondents']:,}" for r in rows)
    lines = [
        *common.heading("Pages", "bench_pages"),
        "Load average (1 min) before and after each size: "
        + ", ".join(f"{r['load']:.1f} → {r['load_after']:.1f}" for r in rows)
        + common.load_note(max(r["load"] for r in rows)),
        "",
        "Every page as the server runs it for a click (Streamlit `AppTest`: the page's "
        "script, widgets and caches, without the browser's drawing), on two synthetic rounds "
        "(benches/synthetic.py), the newest shown. *Uncached*: a workplace chosen that no page "
        "has shown yet (the slower of two); *cached*: back to one this page has shown. "
        "Milliseconds. The plain page (baseline, same run) reads the workplace's answers from "
        "DuckDB and shows department × form means from a polars `group_by`. Each figure "
        "includes what the test runner adds: a cProfile of a cached run shows it compiling the "
        "page's script again (40-70 ms here).",
        "",
        f"| page | {' | '.join(f'{s} uncached | {s} cached' for s in sizes.split(' | '))} |",
        "|---|" + "---|---|" * len(rows),
        "| first view after start (overview, nothing in memory) | "
        + " | ".join(f"{ms(r['first'])} | " for r in rows)
        + " |",
    ]
    for page in PAGES:
        cells = [
            f"{ms(r['pages'][page]['uncached'])} | {ms(r['pages'][page]['cached'])}" for r in rows
        ]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append(
        "| baseline: plain page (answers from DuckDB, polars `group_by`) | "
        + " | ".join(f"{ms(r['plain'])} | " for r in rows)
        + " |"
    )
    lines += ["", "Targets at 1,000,000: " + _verdict(rows), ""]
    return "\n".join(lines)


def _verdict(rows: list[dict]) -> str:
    said = []
    for r in rows:
        pages = r["pages"].values()
        uncached = max(p["uncached"] for p in pages)
        cached = max(p["cached"] for p in pages)
        target = TARGET_5M_UNCACHED if r["respondents"] >= 5_000_000 else TARGETS["uncached"]
        said.append(
            f"{r['respondents']:,}: slowest uncached {uncached * 1000:,.0f} ms "
            f"(target ≤ {target * 1000:,.0f}), slowest cached {cached * 1000:,.0f} ms "
            f"(target ≤ {TARGETS['cached'] * 1000:,.0f}), median uncached "
            f"{statistics.median(p['uncached'] for p in pages) * 1000:,.0f} ms"
        )
    return "; ".join(said) + "."


def main() -> None:
    args = sys.argv[1:]
    quick = "--quick" in args
    sizes = [int(a) for a in args if a.isdigit()] or list(QUICK if quick else SIZES)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            rows.append(run(n, Path(folder)))
            print(rows[-1], flush=True)
            for path in Path(folder).iterdir():
                path.unlink()
    body = report(rows)
    if not quick:
        common.save_results("pages", rows)
        common.write_section(HEADING, body)
    print(body)


if __name__ == "__main__":
    main()
