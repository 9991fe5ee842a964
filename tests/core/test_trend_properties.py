"""Property test: anonymity holds across rounds, whatever the departments' sizes and however
the user links them (renames, splits, merges), for every trend row.

Checked against the rounds' own gated figures (``analysis.round_figures``), which the gate's
own tests cover: a trend row shows a figure only when every department it rests on is shown
in that round, it never rests on fewer persons than the threshold, and a change is given
only when both of its ends are shown.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries import trend_store
from queries.store import Store
from socialkapital import analysis, trends
from socialkapital.settings import Settings
from tests.core.test_trends import R1, R2, put

OLD = ["A", "B", "C"]
NEW = ["A", "B2", "C2", "D"]


@st.composite
def two_rounds(draw):
    """Department sizes 1-9 in each round (codes 1-5 each), and random links old -> new."""

    def round_(names):
        return {("W", d): draw(st.lists(st.integers(1, 5), min_size=1, max_size=9)) for d in names}

    links = {old: draw(st.lists(st.sampled_from(NEW[1:]), max_size=2, unique=True)) for old in OLD}
    return round_(OLD), round_(NEW), {o: n for o, n in links.items() if n}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(two_rounds(), st.integers(3, 6))
def test_no_trend_row_rests_on_a_hidden_department(data, threshold):
    first, second, links = data
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "t.duckdb", settings=Settings(threshold, 0.5))
        put(store, R1, datetime.date(2025, 4, 1), first)
        put(store, R2, datetime.date(2026, 4, 1), second)
        if links:
            trend_store.save_links(store, "W", R2, links)
        rows = trends.trends(store, "W")
        shown = {}  # (round, department, measure) -> shown by the round's own gate
        for r in (R1, R2):
            figs = analysis.round_figures(store, r).measures
            for m in figs.filter(pl.col("level") == "department").iter_rows(named=True):
                shown[(r, m["department"], m["measure"])] = not m["suppressed"]
        lines = {lin.label: lin for lin in trends.lineages(store, "W", [R1, R2])}
    for row in rows.filter(pl.col("kind") == "department").iter_rows(named=True):
        members = lines[row["group"]].members[row["round"]]
        every_part_shown = all(shown[(row["round"], d, row["measure"])] for d in members)
        assert row["shown"] == every_part_shown, row
        if row["shown"]:
            assert row["mean"] is not None and row["n"] >= threshold
        else:
            assert row["mean"] is None and row["change"] is None
    for row in rows.filter(pl.col("change").is_not_null()).iter_rows(named=True):
        before = rows.filter(
            (pl.col("group") == row["group"])
            & (pl.col("round") == row["previous"])
            & (pl.col("measure") == row["measure"])
        )
        assert row["shown"] and before["shown"].to_list() == [True]
