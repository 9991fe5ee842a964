"""The benchmark suite runs in its quick mode (100,000 respondents; reports and trends at their
one size): no timed assertions, only that every figure is measured, the baselines compute
what the product does, and the summary command loads none of the heavy modules it does not
use."""

from __future__ import annotations

import pytest

from benches import (
    bench_analysis,
    bench_pages,
    bench_read,
    bench_reports,
    bench_trends,
    common,
    synthetic,
)
from queries import figure_store
from socialkapital import results

pytestmark = pytest.mark.slow

SIZE = 100_000  # the benches' quick size (make bench QUICK=1), as the issue asks of CI


def test_synthetic_store_has_two_rounds_with_kept_sums(tmp_path):
    store, written = synthetic.build(tmp_path / "s.duckdb", SIZE)
    assert store.rounds()["name"].to_list() == list(reversed(synthetic.ROUNDS))
    assert store.counts()["respondents"] == 2 * SIZE
    assert written["rows"] > 0 and written["kept_sums"] > 0
    with store.reading() as con:
        assert figure_store.prepare(con, 2, figure_store.rules_key(store)) is None  # all kept
    files = synthetic.export(store, synthetic.ROUNDS[-1], tmp_path)
    assert files["parquet"].stat().st_size > 0 and files["csv"].stat().st_size > 0


def test_read_bench_measures_every_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_read, "REPEAT", 1)
    row = bench_read.run(SIZE, tmp_path)
    for tool in ("pandas", "polars", "duckdb"):
        assert row[tool]["wall"] > 0 and row[tool]["rss"] > 0
        assert row[tool]["differs"] < 1e-9  # the baselines' means are the summary's
    assert row["summary"]["wall"] > 0 and row["summary"]["mb"] > 0
    assert row["floor"]["wall"] > 0
    assert row["heavy"] == []  # summary loads no altair, fpdf, streamlit, vl_convert, scipy.stats
    text = bench_read.report([row])
    assert f"{SIZE:,}" in text and "pandas" in text and "import duckdb, polars, typer" in text


def test_analysis_bench_measures_every_figure(tmp_path):
    results.forget_rounds()
    row = bench_analysis.run(SIZE, tmp_path)
    for key in ("cold", "cold_unkept", "uncached", "cached", "naive"):
        assert row[key] > 0, key
    text = bench_analysis.report([row | {"peak_rss": 1.0}])
    assert "first view of a round after an import" in text


def test_pages_bench_times_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_DB", "")  # the bench points it at its store: undone after
    row = bench_pages.run(SIZE, tmp_path)
    assert row["first"] > 0 and row["plain"] > 0
    assert set(row["pages"]) == set(bench_pages.PAGES)
    for page, seconds in row["pages"].items():
        assert seconds["uncached"] > 0 and seconds["cached"] > 0, page
    text = bench_pages.report([row])
    assert "| heatmap |" in text and "plain page" in text


def test_reports_bench_measures_every_figure():
    rows = bench_reports.measure()
    for key in ("single", "compute", "render", "plain", "plain_100", "serial", "parallel"):
        wall, cpu = rows[key]
        assert wall > 0 and cpu > 0, key
    assert rows["pages"] > 1 and rows["size_kb"] > 0
    text = bench_reports.report(rows)
    assert "one department report, warm" in text and "≤ 8" in text


def test_trends_bench_measures_every_figure(tmp_path):
    row = bench_trends.run(bench_trends.RESPONDENTS, tmp_path)
    assert row["lineages"] == bench_trends.DEPARTMENTS  # renamed departments followed, all
    for key in ("forms", "question", "cold", "baseline", "load"):
        assert row[key] > 0, key
    assert "| four forms, cold |" in bench_trends.report([row])


def test_a_section_is_rewritten_where_it_stands(tmp_path):
    """A bench rewrites its own section of the page in place, and adds a new one at the end:
    the page keeps its order whichever bench runs last."""
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\n## A\n\none\n\n## B\n\ntwo\n\n## C\n\nthree\n", "utf-8")
    common.write_section("## B", "## B\n\nnew two\n", page)
    common.write_section("## D", "## D\n\nfour", page)
    assert page.read_text("utf-8") == (
        "# Benchmarks\n\n## A\n\none\n\n## B\n\nnew two\n\n## C\n\nthree\n\n## D\n\nfour\n"
    )
