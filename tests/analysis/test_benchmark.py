"""Benchmark, selections and the extra protection of workplaces, on hand-computed examples."""

from __future__ import annotations

import pytest

from socialkapital import analysis
from tests.analysis.helpers import INS, load

DIMS = INS.dimension_keys


def same(code: int, count: int, workplace: str, department: str):
    """``count`` persons who all give every item the same answer code."""
    return [(workplace, department, [code] * 21)] * count


@pytest.fixture
def abc(make_store):
    """Three workplaces; every person answers one code throughout, so means are easy.

    A: A1 6 × 75, A2 6 × 100 (A = 87.5, n 12); B: B1 5 × 50, B2 7 × 25 (B = 425/12, n 12);
    C: C1 3 × 0 (below the threshold of 5).
    """
    rows = same(4, 6, "A", "A1") + same(5, 6, "A", "A2")
    rows += same(3, 5, "B", "B1") + same(2, 7, "B", "B2") + same(1, 3, "C", "C1")
    store = load(make_store(threshold=5), rows)
    return store, analysis.round_figures(store, "R")


def figure(figs, level, workplace, department, measure="team"):
    found = figs.measures.filter(
        (figs.measures["level"] == level)
        & (figs.measures["measure"] == measure)
        & (figs.measures["workplace"].eq_missing(workplace))
        & (figs.measures["department"].eq_missing(department))
    )
    return found.row(0, named=True)


def test_the_hidden_workplace_and_its_protection(abc):
    _, figs = abc
    # C has 3 persons: hidden. A (tied with B at 12, first by name) is hidden with it, so
    # that all minus the shown workplaces is a group of 15, not C alone.
    assert figure(figs, "workplace", "C", None)["reason"] == "primary"
    assert figure(figs, "workplace", "A", None)["reason"] == "secondary"
    assert figure(figs, "workplace", "B", None)["mean"] == pytest.approx(425 / 12)
    # A would follow from A1 and A2 (both shown by the gate): one of them is hidden too.
    assert figure(figs, "department", "A", "A1")["reason"] == "secondary"
    assert figure(figs, "department", "A", "A2")["mean"] == pytest.approx(100)
    # ... and so is A1's overall score, which would otherwise give its item means away.
    assert figure(figs, "department", "A", "A1", "overall")["mean"] is None


def test_benchmark_over_every_workplace(abc):
    _, figs = abc
    bench = analysis.benchmark(figs, None, DIMS, INS.item_keys)
    for row in bench.iter_rows(named=True):
        assert row["mean"] == pytest.approx((6 * 75 + 6 * 100 + 5 * 50 + 7 * 25) / 27)
        assert row["n"] == 27
        # Only B's figure is shown among the sites; among the teams A2, B1 and B2.
        assert (row["site_min"], row["site_max"]) == pytest.approx((425 / 12, 425 / 12))
        assert (row["team_min"], row["team_max"]) == pytest.approx((25, 100))
        assert (row["sites_shown"], row["sites"], row["teams_shown"], row["teams"]) == (1, 3, 3, 5)


@pytest.mark.parametrize(
    ("selection", "mean"),
    [
        (["B"], 425 / 12),  # one shown workplace: its own figure
        (["A", "B"], None),  # holds the hidden A
        (["B", "C"], None),  # holds the hidden C
        (["C", "A", "B"], 1475 / 27),  # every workplace: the gated all-workplaces figure
        (None, 1475 / 27),
    ],
)
def test_a_selection_is_shown_only_without_hidden_workplaces(abc, selection, mean):
    _, figs = abc
    found = analysis.selection_measures(figs, selection, INS.item_keys)
    for row in found.filter(found["measure"].is_in(DIMS)).iter_rows(named=True):
        if mean is None:
            assert row["mean"] is None and row["reason"] == "selection"
        else:
            assert row["mean"] == pytest.approx(mean)


def test_a_selection_of_two_shown_workplaces_is_their_weighted_mean(make_store):
    rows = same(4, 6, "A", "A1") + same(2, 10, "B", "B1") + same(5, 8, "D", "D1")
    store = load(make_store(threshold=5), rows)
    figs = analysis.round_figures(store, "R")
    bench = analysis.benchmark(figs, ["A", "B"], DIMS, INS.item_keys)
    row = bench.row(0, named=True)
    assert row["mean"] == pytest.approx((6 * 75 + 10 * 25) / 16)
    assert (row["site_min"], row["site_max"]) == pytest.approx((25, 75))
    overall = analysis.selection_measures(figs, ["A", "B"], INS.item_keys)
    assert overall.filter(overall["measure"] == "overall")["mean"][0] == pytest.approx(700 / 16)


def test_summary_json_has_correlation_and_benchmark(abc):
    store, _ = abc
    extra = analysis.summary_extras(store, "R", None)
    assert extra["correlation"]["order"] == ["team", "between", "leader", "workplace"]
    # Everyone answers every item alike: scores vary between persons, and all four forms
    # move together exactly.
    assert extra["correlation"]["matrix"][0][1] == pytest.approx(1.0)
    assert extra["correlation"]["n"][0][1] == 27
    assert extra["benchmark"]["team"]["site_range"] == pytest.approx([425 / 12, 425 / 12])
    assert extra["benchmark"]["leader"]["team_range"] == pytest.approx([25, 100])
    # Only C: a filter that isolates a hidden workplace computes nothing.
    only_c = analysis.summary_extras(store, "R", ["C"])
    assert only_c["correlation"]["matrix"] == [[None] * 4] * 4
    assert only_c["correlation"]["n"] == [[None] * 4] * 4
    assert only_c["benchmark"]["team"]["mean"] is None
