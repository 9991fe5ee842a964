"""``socialkapital summary --json`` against plain baselines, and the command line's start-up.

For each size (respondents per round; two rounds, synthetic, benches/synthetic.py) in the same
run: ``summary --json`` of the whole store (the newest round, every workplace and department)
as a user runs it, a process of its own, and the same form and item means per department and
workplace by pandas, polars and DuckDB from the round's answers as Parquet (benches/baselines),
each a process of its own too: wall-clock seconds including start-up, and peak memory (RSS).
The baselines' means are checked against the summary's. Start-up: ``socialkapital --help``
against a bare ``python``, and which heavy modules ``summary`` loads.

Run: ``python -m benches.bench_read [--quick] [respondents ...]``; the results go to
docs/benchmarks.md under "## Summary and start-up" and to benches/results/read.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from benches import common, synthetic

SIZES = (100_000, 1_000_000, 5_000_000)
QUICK = (100_000,)
HEADING = "## Summary and start-up"
TARGET = 5.0  # summary --json at least this many times faster than the pandas baseline
HEAVY = ("altair", "fpdf", "streamlit", "vl_convert", "scipy.stats")
PYTHON = sys.executable
FLOOR = ("duckdb", "polars", "typer")  # the least the summary must load
REPEAT = 3


def cli(*args: str) -> list[str]:
    return [PYTHON, "-m", "socialkapital.cli", *args]


def loaded_by_summary(db: Path) -> list[str]:
    """The heavy modules that ``summary --json`` imports (it should need none of them)."""
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['socialkapital', 'summary', '--json', '--db', {str(db)!r}]\n"
        "try:\n    runpy.run_module('socialkapital.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(common.ROOT)}
    done = subprocess.run(
        [PYTHON, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return done.stderr.split()


def agreement(summary: Path, baseline: Path) -> float:
    """Largest difference between a baseline's department means and the summary's (shown
    departments and forms only): the baselines compute the same figures."""
    data = json.loads(summary.read_text(encoding="utf-8"))
    rows = [
        {"workplace": g["workplace"], "department": g["department"], "form": d, "mean": v["mean"]}
        for g in data["groups"]
        if g["department"] is not None
        for d, v in g["dimensions"].items()
        if v["mean"] is not None
    ]
    mine = pl.DataFrame(rows)
    theirs = pl.read_parquet(baseline).filter(pl.col("department").is_not_null())
    forms = [f"form_{d}" for d in data["groups"][0]["dimensions"]]
    theirs = theirs.unpivot(index=["workplace", "department"], on=forms).select(
        "workplace",
        "department",
        pl.col("variable").str.strip_prefix("form_").alias("form"),
        pl.col("value").alias("other"),
    )
    both = mine.join(theirs, on=["workplace", "department", "form"], how="left")
    if both["other"].null_count():
        return float("inf")
    return float((both["mean"] - both["other"]).abs().max())


def run(respondents: int, folder: Path) -> dict:
    db = folder / f"read{respondents}.duckdb"
    store, written = synthetic.build(db, respondents)
    files = synthetic.export(store, synthetic.ROUNDS[-1], folder)
    counts = store.counts()
    del store
    row: dict = {
        "respondents": respondents,
        "workplaces": counts["workplaces"],
        "departments": counts["departments"],
        "written": written,
        "load": os.getloadavg()[0],
    }
    summary = folder / "summary.json"
    row["summary"] = common.best(cli("summary", "--json", "--db", str(db)), summary, REPEAT)
    row["summary"]["mb"] = summary.stat().st_size / 1e6
    printed = folder / "printed.txt"
    for tool in ("pandas", "polars", "duckdb"):
        argv = [PYTHON, "-m", "benches.baselines", tool, str(files["parquet"])]
        row[tool] = common.best(argv, printed, REPEAT)
        row[tool]["compute"] = float(printed.read_text().strip())
        checked = folder / f"{tool}.parquet"
        common.child([*argv, str(checked)], printed)
        row[tool]["differs"] = agreement(summary, checked)
    row["parquet_mb"] = files["parquet"].stat().st_size / 1e6
    row["csv_mb"] = files["csv"].stat().st_size / 1e6
    row["help"] = common.best(cli("--help"), printed, REPEAT)
    row["python"] = common.best([PYTHON, "-c", "pass"], printed, REPEAT)
    # What any summary pays before it reads a byte: Python with the libraries it computes with.
    row["floor"] = common.best([PYTHON, "-c", f"import {', '.join(FLOOR)}"], printed, REPEAT)
    row["heavy"] = loaded_by_summary(db)
    row["load_after"] = os.getloadavg()[0]
    for path in folder.iterdir():
        path.unlink()
    return row


def report(rows: list[dict]) -> str:
    s = lambda x: f"{x:.2f}"  # noqa: E731
    mb = lambda x: f"{x:,.0f}"  # noqa: E731
    sizes = " | ".join(f"{r['respondents']:,}" for r in rows)
    line = lambda label, cells: f"| {label} | " + " | ".join(cells) + " |"  # noqa: E731
    lines = [
        *common.heading(HEADING.removeprefix("## "), "bench_read"),
        "Load average (1 min) before and after each size: "
        + ", ".join(f"{r['load']:.1f} → {r['load_after']:.1f}" for r in rows)
        + common.load_note(max(max(r["load"], r["load_after"]) for r in rows)),
        "",
        "Two synthetic rounds per size (benches/synthetic.py); the newest is summarised. "
        "Every figure is a process of its own, started as a user starts it, best of "
        f"{REPEAT} runs (wall-clock seconds, start-up and imports included) with that run's "
        "peak memory. The baselines read the round's answers from Parquet (template columns, "
        "one row per respondent) and compute the form and item means and n per department "
        "and workplace, with the half-answered rule (benches/baselines.py); their means agree "
        "with the summary's (largest difference in the last rows).",
        "",
        f"| respondents per round | {sizes} |",
        "|---|" + "---|" * len(rows),
        line(
            "workplaces / departments",
            [f"{r['workplaces']:,} / {r['departments']:,}" for r in rows],
        ),
        line("`socialkapital summary --json`, s", [s(r["summary"]["wall"]) for r in rows]),
        line("… its peak RSS, MB", [mb(r["summary"]["rss"]) for r in rows]),
        line("… its output, MB", [f"{r['summary']['mb']:.1f}" for r in rows]),
    ]
    for tool in ("pandas", "polars", "duckdb"):
        lines += [
            line(f"baseline: {tool} from Parquet, s", [s(r[tool]["wall"]) for r in rows]),
            line(f"… {tool} peak RSS, MB", [mb(r[tool]["rss"]) for r in rows]),
            line(
                f"… ratio {tool} / summary (target for pandas ≥ {TARGET:g})",
                [f"{r[tool]['wall'] / r['summary']['wall']:.2f}" for r in rows],
            ),
        ]
    lines += [
        line(
            "… of the baselines' time, after start-up and imports (pandas, polars, DuckDB; "
            "last run), s",
            [" / ".join(s(r[t]["compute"]) for t in ("pandas", "polars", "duckdb")) for r in rows],
        ),
        line(
            "largest difference of a baseline's department form mean from the summary's",
            [f"{max(r[t]['differs'] for t in ('pandas', 'polars', 'duckdb')):.1e}" for r in rows],
        ),
        line(
            "Parquet / CSV of the round, MB",
            [f"{r['parquet_mb']:.0f} / {r['csv_mb']:.0f}" for r in rows],
        ),
        line(
            "writing the store (rows / department sums, as at import), s",
            [f"{r['written']['rows']:.1f} / {r['written']['kept_sums']:.1f}" for r in rows],
        ),
        line(
            "`socialkapital --help`, s (baseline: bare `python -c pass`)",
            [f"{s(r['help']['wall'])} ({s(r['python']['wall'])})" for r in rows],
        ),
        line(
            f"baseline: `python -c 'import {', '.join(FLOOR)}'`, s (the target's budget: "
            f"pandas / {TARGET:g})",
            [f"{s(r['floor']['wall'])} ({r['pandas']['wall'] / TARGET:.2f})" for r in rows],
        ),
        line(
            "heavy modules `summary` loads (of altair, fpdf, streamlit, vl_convert, scipy.stats)",
            [", ".join(r["heavy"]) or "none" for r in rows],
        ),
        "",
        *reading(rows),
    ]
    return "\n".join(lines)


def reading(rows: list[dict]) -> list[str]:
    """What the table says about the target, from the measured figures."""
    out = ["Reading:", ""]
    for r in rows:
        ratio = r["pandas"]["wall"] / r["summary"]["wall"]
        verdict = "met" if ratio >= TARGET else "**not met**"
        out.append(
            f"- {r['respondents']:,} respondents: `summary --json` {r['summary']['wall']:.2f} s "
            f"against pandas {r['pandas']['wall']:.2f} s, {ratio:.2f}× (target ≥ {TARGET:g}×: "
            f"{verdict}); peak memory {r['summary']['rss']:,.0f} MB against "
            f"{r['pandas']['rss']:,.0f} MB."
        )
    out += [
        "- Where the time goes: starting Python with polars, DuckDB, numpy and typer (the "
        "`--help` row) is a fixed cost the pandas script pays too, only smaller; after it the "
        "summary reads the kept department sums (not the answers), gates every figure "
        "(secondary suppression included), pools the totals and writes one JSON line per "
        "group, so its cost grows with the number of departments, not with the answers. The "
        "baselines compute means only: no anonymity gate, no intervals, no correlations, no "
        "benchmark ranges, no response rates.",
        "- The target's budget against the start-up floor: loading only DuckDB, polars and "
        "typer takes "
        + ", ".join(f"{r['floor']['wall']:.2f} s" for r in rows)
        + " of the "
        + ", ".join(f"{r['pandas']['wall'] / TARGET:.2f} s" for r in rows)
        + " that 5× the pandas baseline allows, before a figure is read, gated or written.",
        "",
    ]
    return out


def main() -> None:
    args = sys.argv[1:]
    quick = "--quick" in args
    sizes = [int(a) for a in args if a.isdigit()] or list(QUICK if quick else SIZES)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            rows.append(run(n, Path(folder)))
            print({k: v for k, v in rows[-1].items()}, flush=True)
    body = report(rows)
    if not quick:  # a quick run leaves the full run's figures as they are
        common.save_results("read", rows)
        common.write_section(HEADING, body)
    print(body)


if __name__ == "__main__":
    main()
