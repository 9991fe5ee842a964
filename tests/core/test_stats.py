"""Statistics against statistics.md's hand-checkable example (R multilevel/psych values) and
independent computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from socialkapital import stats

# statistics.md: a 3-item dimension, codes 1-5, "-" = missing.
TEAMS = {
    "A": ["443", "454", "554", "344", "445"],
    "B": ["223", "322", "232", "212"],
    "C": ["545", "443", "334", "554", "4-4", "--3"],
}


def codes(team: str) -> np.ndarray:
    return np.array([[np.nan if c == "-" else float(c) for c in row] for row in TEAMS[team]])


def person_scores(matrix: np.ndarray) -> np.ndarray:
    """Mean of answered items (0-100) if at least 2 of 3 answered."""
    scores = (matrix - 1) * 25
    answered = (~np.isnan(matrix)).sum(axis=1)
    return np.where(answered >= 2, np.nanmean(scores, axis=1), np.nan)


def test_icc_matches_r_multilevel():
    scores = np.concatenate([person_scores(codes(t)) for t in TEAMS])
    groups = np.concatenate([[t] * len(TEAMS[t]) for t in TEAMS])
    result = stats.icc(scores, groups)
    assert result.msb == pytest.approx(3340.774, abs=1e-3)
    assert result.msw == pytest.approx(145.202, abs=1e-3)
    assert result.icc1 == pytest.approx(0.8250509, abs=1e-6)
    assert result.icc2 == pytest.approx(0.9565364, abs=1e-6)


def test_icc_is_none_when_every_score_is_the_same():
    # MSB = MSW = 0: ICC(1) = 0 / 0, so there is nothing to report (not a division error).
    scores = np.array([50.0] * 5 + [50.0] * 4 + [np.nan])
    groups = np.array(["A"] * 5 + ["B"] * 5)
    assert stats.icc(scores, groups) is None
    # One person differing is enough to give a figure again.
    scores[0] = 75.0
    assert stats.icc(scores, groups) is not None


@pytest.mark.parametrize(
    ("team", "expected"), [("A", 0.9155844), ("B", 0.9255319), ("C", 0.8333333)]
)
def test_rwg_listwise(team, expected):
    assert stats.rwg_j(codes(team)) == pytest.approx(expected, abs=1e-6)


def test_rwg_per_item_variance_uses_all_rows():
    assert stats.rwg_j(codes("C"), listwise=False) == pytest.approx(0.863208, abs=1e-6)


def test_cronbach_alpha_listwise_with_feldt_interval():
    matrix = np.vstack([codes(t) for t in TEAMS])
    result = stats.cronbach_alpha(matrix)
    assert result.n == 13
    assert result.alpha == pytest.approx(0.8897638, abs=1e-6)
    assert result.interval.low == pytest.approx(0.720, abs=1e-3)
    assert result.interval.high == pytest.approx(0.963, abs=1e-3)


def test_cronbach_alpha_pairwise():
    matrix = np.vstack([codes(t) for t in TEAMS])
    assert stats.cronbach_alpha_pairwise(matrix) == pytest.approx(0.9031429, abs=1e-6)


def test_team_means_and_ci():
    a = person_scores(codes("A"))
    assert a.mean() == pytest.approx(78.333, abs=1e-3)
    assert a.std(ddof=1) == pytest.approx(11.180, abs=1e-3)
    ci = stats.ci95(a.mean(), a.std(ddof=1), 5)
    # Independent: scipy's t interval on the raw scores.
    low, high = sps.t.interval(0.95, 4, loc=a.mean(), scale=sps.sem(a))
    assert (ci.low, ci.high) == (pytest.approx(low), pytest.approx(high))
    assert stats.ci95(50, 10, 1) is None


def test_welch_against_scipy_on_raw_scores():
    a, b = person_scores(codes("A")), person_scores(codes("B"))
    got = stats.welch(a.mean(), a.std(ddof=1), 5, b.mean(), b.std(ddof=1), 4)
    want = sps.ttest_ind(a, b, equal_var=False)
    assert got.p == pytest.approx(want.pvalue)
    assert got.difference == pytest.approx(a.mean() - b.mean())
    ci = want.confidence_interval(0.95)
    assert (got.interval.low, got.interval.high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_holm_and_bh_by_hand():
    p = [0.01, 0.04, 0.03, 0.20]
    # Holm: sorted 0.01·4, 0.03·3, 0.04·2, 0.20·1, made monotone.
    assert stats.holm(p) == pytest.approx([0.04, 0.09, 0.09, 0.20])
    # BH: sorted p·m/rank = 0.04, 0.06, 0.0533, 0.20, then the running minimum from the top.
    assert stats.benjamini_hochberg(p) == pytest.approx([0.04, 0.05333333, 0.05333333, 0.20])


def test_welch_many_matches_scipy_row_by_row_and_refuses_what_cannot_be_tested():
    rng = np.random.default_rng(4)
    groups = [(rng.normal(60, 15, n1), rng.normal(66, 20, n2)) for n1, n2 in [(5, 40), (30, 9)]]
    summaries = [
        (a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b)) for a, b in groups
    ]
    # Rows that cannot be tested: one person on a side; no spread at all; a missing mean.
    summaries += [(50, 10, 1, 60, 10, 8), (50, 0, 6, 60, 0, 6), (np.nan, 10, 6, 60, 10, 6)]
    columns = [np.array(c, dtype=float) for c in zip(*summaries, strict=True)]
    diff, low, high, p = stats.welch_many(*columns)
    for i, (a, b) in enumerate(groups):
        ref = sps.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert (diff[i], low[i], high[i], p[i]) == pytest.approx(
            (a.mean() - b.mean(), ci.low, ci.high, ref.pvalue)
        )
    assert np.isnan(p[2:]).all() and np.isnan(diff[2:]).all()
    assert stats.welch(*summaries[2]) is None and stats.welch(*summaries[3]) is None
