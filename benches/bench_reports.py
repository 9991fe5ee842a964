"""Report speed: one department report (warm), and 100 department reports in one batch.

Baselines in the same run: the gated figures alone (``results.compute``, which every report
needs first) and a plain fpdf2 page with the same embedded font and a paragraph of text (the
least any PDF with Danish letters costs). Targets (issue 19): one report ≤ 0.3 s, 100 reports
≤ 8 s on 2 cores. Run: ``python -m benches.bench_reports``; the results replace the
"## Reports" section of docs/benchmarks.md (``--quick``: printed only).
"""

from __future__ import annotations

import csv
import io
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from fpdf import FPDF
from pypdf import PdfReader

from benches.common import machine, write_section
from queries.store import Store
from socialkapital import results
from socialkapital.importers import read_responses
from socialkapital.reports import batch, build, department_report
from socialkapital.reports.fonts import FONTS

HEADING = "## Reports"
DEPARTMENTS = 100
PER_DEPARTMENT = 9
WORKPLACE = "Storvirksomheden A/S"
ROUND = "Forår 2026"
TODAY = date(2026, 5, 4)


def answers_csv(seed: int = 7) -> bytes:
    """A template file: one workplace, 100 departments of 9 respondents, answers 1-5."""
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["workplace", "department", "respondent", *(f"q{i}" for i in range(1, 22))])
    for d in range(DEPARTMENTS):
        level = rng.normal(0, 0.5)
        for p in range(PER_DEPARTMENT):
            codes = np.clip(np.rint(3.6 + level + rng.normal(0, 0.8, 21)), 1, 5).astype(int)
            writer.writerow([WORKPLACE, f"Afdeling {d + 1:03d} Ærø", f"p{d}-{p}", *codes])
    return out.getvalue().encode()


def plain_pdf() -> bytes:
    """The baseline: one A4 page, the bundled font, a paragraph."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5, "Social kapital på arbejdspladsen – æ, ø og å. " * 20)
    return bytes(pdf.output())


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall-clock seconds over ``repeat`` runs, and the CPU seconds of that run (this
    process and any worker processes it waited for)."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        cpu = _cpu()
        start = time.perf_counter()
        fn()
        wall = time.perf_counter() - start
        if wall < best[0]:
            best = (wall, _cpu() - cpu)
    return best


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure() -> dict:
    """Every figure of the table: (wall, CPU) seconds per key, the sample report's pages and
    size, and the load before and after."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        parsed = read_responses(answers_csv(), "bench.csv", store.instrument)
        store.replace_responses(parsed.responses, ROUND, TODAY, "bench.csv", "bench")
        department = store.departments(ROUND, WORKPLACE)[0]

        def one() -> bytes:
            return department_report(store, ROUND, WORKPLACE, department, "da", TODAY)

        one()  # warm: imports, the font files in the page cache, the line breaks
        rows = {"single": timed(one, repeat=5)}

        def compute() -> results.Results:
            results.forget_rounds()  # what a report after an import pays; then remembered
            return results.compute(store, ROUND, [WORKPLACE])

        rows["compute"] = timed(compute, repeat=5)
        res = results.compute(store, ROUND, [WORKPLACE])
        data = build._department_data(store, res, WORKPLACE, department, TODAY)
        rows["render"] = timed(lambda: build.render(data, "da", TODAY, store.instrument), 5)
        rows["plain"] = timed(plain_pdf, repeat=5)
        rows["plain_100"] = timed(lambda: [plain_pdf() for _ in range(DEPARTMENTS)], repeat=1)
        rows["serial"] = timed(
            lambda: batch(store, ROUND, WORKPLACE, "da", io.BytesIO(), TODAY, workers=1), 1
        )
        rows["parallel"] = timed(
            lambda: batch(store, ROUND, WORKPLACE, "da", io.BytesIO(), TODAY), repeat=2
        )
        sample = one()
        size_kb = len(sample) // 1024
        pages = len(PdfReader(io.BytesIO(sample)).pages)
    return rows | {
        "pages": pages,
        "size_kb": size_kb,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def report(rows: dict) -> str:
    load_before, load_after = rows["load_before"], rows["load_after"]
    pages, size_kb = rows["pages"], rows["size_kb"]

    def cells(key: str, digits: int) -> str:
        wall, cpu = rows[key]
        return f"{wall:.{digits}f} | {cpu:.{digits}f}"

    uname, cores, _cpu = machine()
    lines = [
        HEADING,
        "",
        f"{date.today().isoformat()} · `python -m benches.bench_reports` · {cores} cores "
        f"(`nproc`), Python {platform.python_version()} · load average {load_before:.1f} "
        f"before, {load_after:.1f} after"
        + (
            " (other programs were running: wall-clock times stretch with the load, CPU "
            "times much less)"
            if max(load_before, load_after) > 1
            else ""
        ),
        "",
        f"`uname -a`: {uname}",
        "",
        f"One workplace with {DEPARTMENTS} departments of {PER_DEPARTMENT} respondents. A "
        f"department report is {pages} A4 pages (about {size_kb} kB) with its chart drawn "
        "onto the page (fpdf2 shapes and text). Best of runs; CPU counts the worker "
        "processes too.",
        "",
        "| what | wall s | CPU s | target (wall) |",
        "|---|---|---|---|",
        f"| baseline: plain fpdf2 page, same embedded font | {cells('plain', 3)} | |",
        "| baseline: the gated figures alone (`results.compute`, not remembered) | "
        f"{cells('compute', 3)} | |",
        "| one department report, warm (`department_report`: figures, remembered per store "
        "version, + PDF) | "
        f"{cells('single', 3)} | ≤ 0.3 |",
        f"| of which drawing the PDF (`render`, figures given) | {cells('render', 3)} | |",
        f"| baseline: {DEPARTMENTS} plain fpdf2 pages, one process | {cells('plain_100', 2)} | |",
        f"| {DEPARTMENTS} department reports + the workplace report, one process "
        f"(`batch(workers=1)`) | {cells('serial', 2)} | |",
        f"| the same, {os.cpu_count()} spawned worker processes (`batch`, default) "
        f"| {cells('parallel', 2)} | ≤ 8 |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    body = report(measure())
    if "--quick" not in sys.argv[1:]:  # a quick run leaves the full run's figures as they are
        write_section(HEADING, body)
    print(body)


if __name__ == "__main__":
    main()
