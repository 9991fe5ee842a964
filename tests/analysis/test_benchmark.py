"""Benchmark, selections and the extra protection of workplaces, on hand-computed examples."""

from __future__ import annotations

import polars as pl
import pytest

from queries.store import Store
from socialkapital import analysis
from socialkapital.settings import Settings
from tests.analysis.helpers import INS, load

DIMS = INS.dimension_keys


def same(code: int, count: int, workplace: str, department: str):
    """``count`` persons who all give every item the same answer code."""
    return [(workplace, department, [code] * 21)] * count


@pytest.fixture
def ab(make_store):
    """Two workplaces; every person answers one code throughout, so means are easy.

    A: A1 6 × 75, A2 6 × 100, A3 2 × 0 (A3 is below the threshold of 5, and A1 is hidden
    with it: A1 and A2 tie at 6, A1 comes first by name); A = 1050/14 = 75, n 14.
    B: B1 5 × 50, B2 7 × 25; B = 425/12, n 12. All: 1475/26, n 26.
    """
    rows = same(4, 6, "A", "A1") + same(5, 6, "A", "A2") + same(1, 2, "A", "A3")
    rows += same(3, 5, "B", "B1") + same(2, 7, "B", "B2")
    store = load(make_store(threshold=5), rows)
    return store, analysis.round_figures(store, "R")


def test_benchmark_over_every_workplace(ab):
    _, figs = ab
    bench = analysis.benchmark(figs, None, DIMS, INS.item_keys)
    for row in bench.iter_rows(named=True):
        assert row["mean"] == pytest.approx(1475 / 26)
        assert row["n"] == 26
        assert (row["site_min"], row["site_max"]) == pytest.approx((425 / 12, 75))
        # Teams: only the shown ones (A2, B1, B2), not the hidden A1 (75) and A3 (0).
        assert (row["team_min"], row["team_max"]) == pytest.approx((25, 100))
        assert (row["sites_shown"], row["sites"], row["teams_shown"], row["teams"]) == (2, 2, 3, 5)


def test_benchmark_of_one_site(ab):
    _, figs = ab
    row = analysis.benchmark(figs, ["B"], DIMS, INS.item_keys).row(0, named=True)
    assert row["mean"] == pytest.approx(425 / 12)
    assert (row["site_min"], row["site_max"]) == pytest.approx((425 / 12, 425 / 12))
    assert (row["team_min"], row["team_max"]) == pytest.approx((25, 50))


def test_a_selection_of_shown_workplaces_is_their_weighted_mean(make_store):
    rows = same(4, 6, "A", "A1") + same(2, 10, "B", "B1") + same(5, 8, "D", "D1")
    store = load(make_store(threshold=5), rows)
    figs = analysis.round_figures(store, "R")
    row = analysis.benchmark(figs, ["A", "B"], DIMS, INS.item_keys).row(0, named=True)
    assert row["mean"] == pytest.approx((6 * 75 + 10 * 25) / 16)
    assert row["n"] == 16
    assert (row["site_min"], row["site_max"]) == pytest.approx((25, 75))
    overall = analysis.selection_measures(figs, ["A", "B"], INS.item_keys)
    assert overall.filter(pl.col("measure") == "overall")["mean"][0] == pytest.approx(700 / 16)


@pytest.mark.parametrize(
    ("selection", "mean", "n"),
    [(["B"], 425 / 12, 12), (["B", "C"], 425 / 12, 12), (["C"], None, 0)],
)
def test_a_hidden_workplace_is_left_out_of_a_selection(make_store, selection, mean, n):
    """C (3 persons) is hidden: a selection holding it is pooled from its other workplaces
    (B: 5 × 50 + 7 × 25 over 12), so nothing next to B's figure can give C away."""
    rows = same(3, 5, "B", "B1") + same(2, 7, "B", "B2") + same(1, 3, "C", "C1")
    rows += same(4, 9, "D", "D1")
    store = load(make_store(threshold=5), rows)
    figs = analysis.round_figures(store, "R")
    found = analysis.selection_measures(figs, selection, INS.item_keys)
    for row in found.filter(pl.col("measure").is_in(DIMS)).iter_rows(named=True):
        assert row["n"] == n
        if mean is None:
            assert row["mean"] is None and row["reason"] == "primary"
        else:
            assert row["mean"] == pytest.approx(mean)
    assert analysis.left_out(figs, selection) == (["C"] if "C" in selection else [])
    # Every workplace at once is the gated all-workplaces figure: B and D (9 × 75) pooled.
    every = analysis.selection_measures(figs, ["D", "C", "B"], INS.item_keys)
    gated = figs.measures.filter(pl.col("level") == "all").select("measure", "mean")
    assert every.select("measure", "mean").sort("measure").equals(gated.sort("measure"))
    team = every.filter(pl.col("measure") == "team").row(0, named=True)
    assert (team["n"], team["mean"]) == (21, pytest.approx((425 + 675) / 21))


def test_summary_json_has_correlation_and_benchmark(ab):
    store, _ = ab
    extra = analysis.summary_extras(store, "R", None)
    assert extra["correlation"]["order"] == ["team", "between", "leader", "workplace"]
    # Everyone answers every item alike: scores vary between persons, and all four forms
    # move together exactly.
    # 26 persons are fewer than min_correlation_n (30): no r, but the n is given (issue 17).
    assert extra["correlation"]["matrix"][0][1] is None
    assert extra["correlation"]["n"][0][1] == 26
    lower = Store(store.path, settings=Settings(5, 0.5, min_correlation_n=26))
    extra_lower = analysis.summary_extras(lower, "R", None)
    assert extra_lower["correlation"]["matrix"][0][1] == pytest.approx(1.0)
    assert extra_lower["correlation"]["n"][0][1] == 26
    assert extra["benchmark"]["team"]["mean"] == pytest.approx(1475 / 26)
    assert extra["benchmark"]["team"]["site_range"] == pytest.approx([425 / 12, 75])
    assert extra["benchmark"]["leader"]["team_range"] == pytest.approx([25, 100])
    only_b = analysis.summary_extras(store, "R", ["B"])
    assert only_b["benchmark"]["between"]["mean"] == pytest.approx(425 / 12)
    assert only_b["correlation"]["n"][2][3] == 12


def test_summary_json_computes_nothing_for_a_hidden_workplace(make_store):
    rows = same(3, 5, "B", "B1") + same(2, 7, "B", "B2") + same(1, 3, "C", "C1")
    store = load(make_store(threshold=5), rows)
    only_c = analysis.summary_extras(store, "R", ["C"])
    assert only_c["correlation"]["matrix"] == [[None] * 4] * 4
    assert only_c["correlation"]["n"] == [[None] * 4] * 4  # not even computed
    assert only_c["benchmark"]["team"]["mean"] is None
