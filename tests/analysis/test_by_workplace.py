"""Reading the round's figures by workplace or level gives exactly what a filter gives (the
pages read them from an index built once)."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from socialkapital import analysis, results
from tests.analysis.helpers import load


def test_of_workplace_and_at_level_are_the_filters_they_stand_for(make_store):
    store = make_store(threshold=3)
    rows = [("V", "A", [4] * 21)] * 4 + [("W", "B", [2] * 21)] * 3 + [("W", "C", [5] * 21)] * 2
    rows += [("X", "D", [3] * 21)] * 5
    load(store, rows)
    for figs in (analysis.round_figures(store), results.compute(store)):
        for workplace in ("V", "W", "X", "nowhere"):
            mine = (pl.col("workplace") == workplace) | (pl.col("level") == "all")
            groups, measures = figs.of_workplace(workplace)
            assert_frame_equal(groups, figs.groups.filter(mine))
            assert_frame_equal(measures, figs.measures.filter(mine))
        for level in ("all", "workplace", "department", "nothing"):
            groups, measures = figs.at_level(level)
            assert_frame_equal(groups, figs.groups.filter(pl.col("level") == level))
            assert_frame_equal(measures, figs.measures.filter(pl.col("level") == level))
        groups, measures = figs.of_workplace("W")
        assert set(groups["department"].drop_nulls()) == {"B", "C"}
        assert set(measures["level"]) == {"all", "workplace", "department"}
