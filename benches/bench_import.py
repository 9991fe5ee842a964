"""Import speed and memory: `socialkapital import` of our template CSV against DuckDB's own
`read_csv` of the same file, side by side in one run.

Both run as programs of their own (a fresh Python each), so that the peak memory of each is
its own (``os.wait4`` gives a child's resource use). The baseline reads the file with every
column as text into a table of a new DuckDB file: the least an import must do. The import
reads, checks every cell, and stores respondents and answers (hashing the ids).

    python -m benches.bench_import            # 100,000, 1,000,000 and 5,000,000 respondents
    python -m benches.bench_import --quick    # 100,000 only (docs/benchmarks.md untouched)

The full run replaces the "## Import" section of docs/benchmarks.md and keeps its figures in
benches/results/import.json (for ``benches.growth``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benches.common import heading, save_results, write_section

SIZES = (100_000, 1_000_000, 5_000_000)
WORKPLACES = 200
DEPARTMENTS = 20  # per workplace
_BASELINE = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[2])\n"
    "con.execute('CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar=true)', [sys.argv[1]])"
    ".fetchall()\n"
    "con.close()\n"
)


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MB) of one program run to its end."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({child.returncode}): {error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux gives kilobytes


def socialkapital() -> str:
    """The ``socialkapital`` program beside this Python (the project's virtualenv)."""
    script = Path(sys.executable).with_name("socialkapital")
    return str(script) if script.exists() else "socialkapital"


def generate(path: Path, size: int) -> Path:
    """The template CSV, made by a program of its own: Linux keeps a process's peak memory
    across ``exec``, so every child forked from a bench that had held the generated rows
    would report at least that much."""
    code = (
        "import sys; from benches.generate import template_csv; "
        "template_csv(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))"
    )
    command = [sys.executable, "-c", code, str(path), str(size), str(WORKPLACES)]
    subprocess.run([*command, str(DEPARTMENTS)], check=True)
    return path


def run(
    sizes: tuple[int, ...], folder: Path, repeat: int = 2, before: Path | None = None
) -> list[dict]:
    """Measure each size (best of ``repeat`` runs; one for sizes of 5 million and more).
    With ``before`` (a checkout of the project), its import is measured too, in turn with
    the others: the same file, the same load."""
    results = []
    for size in sizes:
        csv = generate(folder / f"template_{size}.csv", size)
        runs = 1 if size >= 5_000_000 else repeat
        baseline, imported, earlier = [], [], []
        for attempt in range(runs):
            table = folder / f"baseline_{size}_{attempt}.duckdb"
            baseline.append(measure([sys.executable, "-c", _BASELINE, str(csv), str(table)]))
            table.unlink()
            store = folder / f"store_{size}_{attempt}.duckdb"
            command = [socialkapital(), "import", str(csv), "--round", "Bench", "--db", str(store)]
            imported.append(measure(command))
            for leftover in folder.glob(f"store_{size}_{attempt}.*"):
                leftover.unlink()
            if before is not None:
                env = {**os.environ, "PYTHONPATH": str(before)}
                earlier.append(measure(command, env))
                for leftover in folder.glob(f"store_{size}_{attempt}.*"):
                    leftover.unlink()
        megabytes = csv.stat().st_size / 1e6
        csv.unlink()
        results.append(
            {
                "respondents": size,
                "megabytes": megabytes,
                "baseline_s": min(s for s, _ in baseline),
                "baseline_mb": max(m for _, m in baseline),
                "import_s": min(s for s, _ in imported),
                "import_mb": max(m for _, m in imported),
                **(
                    {
                        "before_s": min(s for s, _ in earlier),
                        "before_mb": max(m for _, m in earlier),
                    }
                    if earlier
                    else {}
                ),
            }
        )
    return results


def table(results: list[dict]) -> list[str]:
    """The results as a Markdown table, one row per size."""
    lines = [
        "| respondents | file (MB) | DuckDB `read_csv` (s) | its peak (MB) "
        "| `socialkapital import` (s) | its peak (MB) | ratio | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['respondents']:,} | {r['megabytes']:.0f} | {r['baseline_s']:.2f} "
            f"| {r['baseline_mb']:.0f} | {r['import_s']:.2f} | {r['import_mb']:.0f} "
            f"| {r['import_s'] / r['baseline_s']:.1f}× | ≤ 1.5×, ≤ 1,024 MB |"
        )
    return lines


def before_table(results: list[dict]) -> list[str]:
    """The import before and now, with the baseline, from the same run."""
    lines = [
        "| respondents | DuckDB `read_csv` (s) | import before (s) | its peak (MB) "
        "| import now (s) | its peak (MB) | ratio before | ratio now |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['respondents']:,} | {r['baseline_s']:.2f} | {r['before_s']:.2f} "
            f"| {r['before_mb']:.0f} | {r['import_s']:.2f} | {r['import_mb']:.0f} "
            f"| {r['before_s'] / r['baseline_s']:.1f}× | {r['import_s'] / r['baseline_s']:.1f}× |"
        )
    return lines


NOTES = """\
How the import works now (issue 19): a template CSV is read from the disk by DuckDB's
`read_csv` (every column text, the delimiter and encoding found in the file's first
256 kB); each answer becomes its code in the same pass (a blank, a bare code 1-5 or a Danish
label of the scale by a comparison, any other exact spelling through an ENUM of them), the
few distinct cells spelt otherwise ("i HØJ grad ") are looked up with the same
normalisation as before, names are cleaned once per distinct pair of names, and every bad
cell is found in SQL with its row, column and value. Anything unusual about the file as CSV
(a short row, a stray quote, a byte that is not UTF-8, a title above the header; a blank
line between rows, as below) goes to the exact reader, which names the problem as before.
The command line reads the file in the store's own connection (`Store.importing`, 500 MB
of memory, spilling to a folder only its user may read) and stores the checked rows from the temp
tables there in one transaction; the dashboard, which shows what it read and waits for the
user to confirm, keeps them as Parquet in a temporary folder meanwhile. The store matches
names once per pair, hashes the person keys with the key written into the statement, keeps
each respondent's answers in its own row as one list of codes in item order (schema version
11), and makes the kept department sums (queries/figure_store.py) from the incoming rows in
one aggregate.

Where the time goes at 1 million respondents (wall-clock seconds of each statement, one
run at load 0.5, about 3.2 s in all): reading and coding every cell 0.84 (DuckDB only
reading the file into a table in memory, every cell as text, takes 0.99), the checked rows
(ids cleaned, placeholders and repeated persons found) 0.32, the respondents with their
person keys and lists of codes 1.12 (of which the two SHA-256 hashes of each person key
about 0.65: the same INSERT without them takes 0.50), the kept department sums 0.27, and
Python around it about 0.65 (starting, loading polars and DuckDB, cleaning the names,
opening and committing the store). The file's line breaks are counted (0.14 s at 1M) only
when a row must be named or the rows wait for a confirmation: a blank line between rows
shifts DuckDB's row numbers, which rows stored at once do not keep. DuckDB's `read_csv` of
the same file into a table takes 1.9 in all.

What is left: the keyed hash alone costs about a third of the baseline, and the kept sums
(which make the first view of a round after an import quick) a seventh; without either the
import would stand at about 1.2×. The person key must stay what it is (two SHA-256 hashes
of the key and the id: another hash would give every person a new key), and DuckDB already
hashes on both cores: Python's hashlib takes longer for a million ids on one, and
`polars-hash` took as long as DuckDB.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 respondents only")
    parser.add_argument("--sizes", help="respondents, comma-separated (default: all three)")
    parser.add_argument(
        "--before", type=Path, help="a checkout of an earlier version: its import measured too"
    )
    parser.add_argument("--label", default="", help="what --before is (for the text)")
    args = parser.parse_args(argv)
    sizes = SIZES[:1] if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(n) for n in args.sizes.split(","))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        results = run(sizes, Path(folder), before=args.before)
    load_after = os.getloadavg()[0]
    lines = [
        *heading("Import", "bench_import"),
        f"Load average {load_before:.1f} before, {load_after:.1f} after (2 cores: above 2 the "
        "runs shared the CPU with other programs, and wall-clock times stretch).",
        "",
        "Our template as CSV (`benches.generate.template_csv`, made by a program of its own): "
        f"{WORKPLACES} workplaces of {DEPARTMENTS} departments, 21 answers as Danish labels, "
        "3 % blank. Each program is "
        "a fresh process; seconds are wall clock (best of 2, one run at 5 million), peak is "
        "its maximum resident memory.",
        "",
        *table(results),
        "",
    ]
    if args.before is not None:
        lines += [
            f"The import before these changes ({args.label or args.before}), measured in turn "
            "with the two above on the same files:",
            "",
            *before_table(results),
            "",
        ]
    lines += [NOTES]
    if not args.quick and not args.sizes:  # the full run: its figures, for benches/growth.py
        save_results("import", results)
        write_section("## Import", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
