"""Person-level correlations against numpy/scipy on the same persons, and their hiding rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from socialkapital import analysis
from tests.analysis.helpers import DIMS, load, person_scores


def random_rows(seed: int, people: int, workplace: str = "W", departments=("D1", "D2", "D3")):
    """Answers driven by a shared level per person (so the forms correlate), some missing."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(people):
        level = rng.normal(0, 1)
        codes = np.clip(np.rint(3.5 + level * 0.8 + rng.normal(0, 0.9, 21)), 1, 5).astype(int)
        answers = [int(c) for c in codes]
        for j in np.flatnonzero(rng.random(21) < 0.12):  # blanks: some persons lose a form
            answers[j] = None
        if all(a is None for a in answers):
            answers[0] = 3
        rows.append((workplace, departments[i % len(departments)], answers))
    return rows


def reference(rows, keep=lambda row: True):
    """r and n for every pair of forms, pairwise complete, with numpy and scipy."""
    chosen = [r for r in rows if keep(r)]
    scores = person_scores(chosen)
    out = {}
    for a in DIMS:
        for b in DIMS:
            both = ~np.isnan(scores[a]) & ~np.isnan(scores[b])
            r = (
                stats.pearsonr(scores[a][both], scores[b][both]).statistic
                if both.sum() > 2
                else None
            )
            out[(a, b)] = (r, int(both.sum()))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dimension_correlations_match_numpy(make_store, seed):
    rows = random_rows(seed, 90)
    store = load(make_store(threshold=5, min_correlation_n=5), rows)
    figs = analysis.round_figures(store, "R")
    got = analysis.correlations(store, figs, ["W"])
    expected = reference(rows)
    for cell in got.cells.iter_rows(named=True):
        r, n = expected[(cell["row"], cell["col"])]
        assert cell["n"] == n
        assert cell["r"] == pytest.approx(r, abs=1e-9)
    # One department only: the same, over its persons.
    got = analysis.correlations(store, figs, ["W"], "D2")
    expected = reference(rows, lambda row: row[1] == "D2")
    for cell in got.cells.iter_rows(named=True):
        r, n = expected[(cell["row"], cell["col"])]
        assert (cell["n"], cell["r"]) == (n, pytest.approx(r, abs=1e-9))


def test_item_correlations_match_numpy(make_store):
    rows = random_rows(7, 60)
    store = load(make_store(threshold=5, min_correlation_n=5), rows)
    figs = analysis.round_figures(store, "R")
    got = analysis.correlations(store, figs, None, kind="item")
    codes = np.array([[np.nan if a is None else a for a in r[2]] for r in rows], dtype=float)
    for cell in got.cells.iter_rows(named=True):
        i, j = int(cell["row"][1:]) - 1, int(cell["col"][1:]) - 1
        both = ~np.isnan(codes[:, i]) & ~np.isnan(codes[:, j])
        assert cell["n"] == both.sum()
        expected = np.corrcoef(codes[both, i], codes[both, j])[0, 1]
        assert cell["r"] == pytest.approx(expected, abs=1e-9)


def test_a_hidden_department_gets_no_correlations_at_all(make_store):
    rows = random_rows(4, 40) + random_rows(5, 3, departments=("Small",))
    store = load(make_store(threshold=5, min_correlation_n=5), rows)
    figs = analysis.round_figures(store, "R")
    got = analysis.correlations(store, figs, ["W"], "Small")
    assert got.cells["r"].null_count() == 16
    assert got.cells["n"].null_count() == 16  # not even computed
    assert set(got.cells["reason"]) == {"primary"}


def test_a_pair_with_too_few_persons_is_hidden(make_store):
    """Persons answer the team items; only four of them also answer the leader items."""
    rows = [("W", "D", [(k % 5) + 1 if j < 6 else None for j in range(21)]) for k in range(12)]
    rows += [("W", "D", [(k % 4) + 2] * 21) for k in range(4)]
    store = load(make_store(threshold=5, min_correlation_n=5), rows)
    figs = analysis.round_figures(store, "R")
    got = {
        (c["row"], c["col"]): c
        for c in analysis.correlations(store, figs, ["W"]).cells.iter_rows(named=True)
    }
    assert got[("team", "team")]["r"] == 1.0 and got[("team", "team")]["n"] == 16
    # 'leader' rests on 4 persons: hidden as a form, so every pair with it is hidden.
    assert got[("team", "leader")]["r"] is None
    assert got[("team", "leader")]["reason"] == "primary"


def test_the_persons_of_a_hidden_workplace_are_left_out_of_a_correlation_over_sites(make_store):
    """A (6 persons) is shown, C (3) is hidden: the all-workplaces correlations rest on A's
    persons alone, as the pooled means do; else C's could be worked out next to A's."""
    rows = [("A", "A1", [(k % 5) + 1] * 6 + [((k + 2) % 5) + 1] * 15) for k in range(6)]
    rows += [("C", "C1", [5] * 6 + [1] * 15) for _ in range(3)]
    store = load(make_store(threshold=5, min_correlation_n=5), rows)
    figs = analysis.round_figures(store, "R")
    cells = analysis.correlations(store, figs, None).cells.rows(named=True)
    every = {(c["row"], c["col"]): c for c in cells}
    r, n = reference(rows, keep=lambda row: row[0] == "A")[("team", "leader")]
    assert (every[("team", "leader")]["n"], n) == (6, 6)
    assert every[("team", "leader")]["r"] == pytest.approx(r)


def test_a_correlation_below_the_minimum_n_is_not_shown(make_store):
    """Issue 17: 12 persons pass the anonymity threshold but not min_correlation_n (30 by
    default): no r anywhere, reason 'few'; with 30 persons the same pairs are shown."""
    rows = random_rows(4, 12, departments=("D",))
    store = load(make_store(threshold=5), rows)
    assert store.settings.min_correlation_n == 30
    figs = analysis.round_figures(store, "R")
    cells = analysis.correlations(store, figs, ["W"]).cells
    assert cells["r"].null_count() == len(cells) == 16
    assert set(cells["reason"]) == {analysis.FEW}
    assert set(cells["n"]) <= set(range(5, 13))  # n still says how many there were

    rows = random_rows(5, 40, departments=("D",))
    store = load(make_store(threshold=5, name="big.duckdb"), rows)
    figs = analysis.round_figures(store, "R")
    shown = {
        (c["row"], c["col"]): c
        for c in analysis.correlations(store, figs, ["W"]).cells.iter_rows(named=True)
    }
    expected = reference(rows)
    for pair, cell in shown.items():
        r, n = expected[pair]
        if n >= 30:
            assert cell["r"] == pytest.approx(r, abs=1e-9)
        else:
            assert cell["r"] is None and cell["reason"] == analysis.FEW
