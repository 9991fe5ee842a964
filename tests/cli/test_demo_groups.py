"""Issue 18, item 2, done when: on the demo, no department of 10 or more respondents loses
figures once the proposed reporting groups are accepted (through the command line)."""

from __future__ import annotations

import polars as pl
from typer.testing import CliRunner

from queries.store import Store
from socialkapital import results
from socialkapital.cli import app

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def losing(store: Store, round_name: str) -> pl.DataFrame:
    """Departments of 10 or more respondents with any figure hidden."""
    figures = results.compute(store, round_name)
    hidden = (
        figures.measures.filter(pl.col("level") == "department")
        .group_by("workplace", "department")
        .agg(pl.col("suppressed").sum().alias("hidden"))
    )
    return (
        figures.groups.filter(pl.col("level") == "department")
        .join(hidden, on=["workplace", "department"])
        .filter((pl.col("respondents") >= 10) & (pl.col("hidden") > 0))
    )


def test_the_demo_with_the_proposed_reporting_groups(tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    run("demo", "--out", tmp_path / "demo", "--load")
    store = Store(path)
    rounds = store.rounds()["name"].to_list()[::-1]  # oldest first
    before = {r: losing(store, r) for r in rounds}
    # The cases: the dairy's cleaners (18) and the care home's nurses (12).
    assert {"Rengøring", "Sygeplejersker"} <= set(before[rounds[-1]]["department"].to_list())
    for round_name in rounds:
        for workplace in store.workplaces(round_name):
            run("groups", "accept", "--workplace", workplace, "--round", round_name)
    store = Store(path)
    for round_name in rounds:
        assert losing(store, round_name).height == 0, round_name
        figures = results.compute(store, round_name)
        departments = figures.groups.filter(pl.col("level") == "department")
        # Only departments below the threshold were merged, each with one partner.
        merged = departments.filter(pl.col("department").str.contains(" + ", literal=True))
        assert merged.height == 4
        assert not figures.measures.filter(pl.col("level") == "department")["suppressed"].any()
    # Every respondent is still there, in a group or their own department.
    assert store.counts()["respondents"] == sum(
        int(results.compute(store, r).groups.filter(pl.col("level") == "all")["respondents"][0])
        for r in rounds
    )
