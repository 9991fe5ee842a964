"""Import speed: a 100,000-row survey export through detection, mapping and checks.

Baseline in the same run: polars reading the same CSV bytes into a frame (no checks), the
least any importer must do. Run: ``python -m benches.bench_import``; results go to
docs/benchmarks.md under "## Import".
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import numpy as np
import polars as pl

from benches.common import heading, write_section
from queries.store import Store
from socialkapital.importers import read_responses
from socialkapital.instrument import load

ROWS = 100_000


def google_forms_export(rows: int, seed: int = 1) -> bytes:
    """A Google Forms-style export: Timestamp, e-mail, site, department, 21 grid columns."""
    ins = load()
    rng = np.random.default_rng(seed)
    labels = [p.labels["da"] for p in ins.scale] + ["Ved ikke", ""]
    header = ["Timestamp", "Email address", "Arbejdsplads", "Afdeling"]
    header += [f"Samarbejdet [{item.texts['da']}]" for item in ins.items]
    answers = rng.choice(len(labels), size=(rows, 21), p=[0.05, 0.1, 0.25, 0.35, 0.2, 0.03, 0.02])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        writer.writerow(
            [
                "2026/03/02 7:29:49 AM GMT+1",
                f"p{i}@firma.dk",
                f"Site {i % 7}",
                f"Afdeling {i % 173}",
                *[labels[a] for a in answers[i]],
            ]
        )
    return out.getvalue().encode("utf-8")


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    import tempfile

    data = google_forms_export(ROWS)
    ins = load()
    baseline = timed(lambda: pl.read_csv(io.BytesIO(data), infer_schema=False))
    parse = timed(lambda: read_responses(data, "export.csv", ins), repeat=2)
    parsed = read_responses(data, "export.csv", ins)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "b.duckdb")
        write = timed(
            lambda: store.replace_responses(parsed.responses, "R", None, "x", "g", replace=True),
            repeat=2,
        )
    lines = [
        *heading("Import", "bench_import"),
        f"A Google Forms export of {ROWS:,} rows × 25 columns ({len(data) / 1e6:.1f} MB), "
        'Danish labels, 3 % "Ved ikke", 2 % blank.',
        "",
        "| step | seconds (best of runs) |",
        "|---|---|",
        f"| baseline: `polars.read_csv` of the same bytes, no checks | {baseline:.2f} |",
        f"| read, recognise, map and check every cell (`read_responses`) | {parse:.2f} |",
        f"| store it in DuckDB (one transaction, replaces the round) | {write:.2f} |",
        "",
    ]
    write_section("## Import", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
