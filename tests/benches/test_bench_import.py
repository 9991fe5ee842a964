"""The import benchmark runs end to end at a tiny size and gives a well-formed table (no
timings are judged here)."""

from __future__ import annotations

import re

from benches import bench_import


def test_the_quick_path_runs_and_gives_one_table_row_per_size(tmp_path):
    # A tiny size and the quick run's (make bench QUICK=1): the issue asks CI to run that.
    sizes = (300, bench_import.SIZES[0])
    results = bench_import.run(sizes, tmp_path, repeat=1)
    lines = bench_import.table(results)
    header, rule, *rows = lines
    width = header.count("|")
    assert width == 9 and rule.count("|") == width
    assert len(rows) == 2
    for row, size in zip(rows, sizes, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == width - 1
        assert cells[0] == f"{size:,}"
        assert all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[1:6]), cells
        assert re.fullmatch(r"\d+\.\d×", cells[6])
    assert not list(tmp_path.iterdir())  # files and stores are removed as it goes
