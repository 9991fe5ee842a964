"""Department vs the rest, the uncertain marker, and reliability: checked against scipy on
the raw person scores and against statistics.md's worked example."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from socialkapital import compare, results
from tests.analysis.helpers import DIMS, load, person_scores

# statistics.md's example, put in the 3-item 'workplace' dimension (items 19-21).
EXAMPLE = {
    "A": [[4, 4, 3], [4, 5, 4], [5, 5, 4], [3, 4, 4], [4, 4, 5]],
    "B": [[2, 2, 3], [3, 2, 2], [2, 3, 2], [2, 1, 2]],
    "C": [[5, 4, 5], [4, 4, 3], [3, 3, 4], [5, 5, 4], [4, None, 4], [None, None, 3]],
}


def _row(workplace, department, last3, fill=3):
    return (workplace, department, [fill] * 18 + list(last3))


def test_needed_n_matches_statistics_md():
    # "a team needs about 10-31 respondents (by dimension) to reach ICC(2) >= .70"
    assert compare.needed_n_for("between") == 10  # .7*.8/(.3*.2) = 9.33
    assert compare.needed_n_for("leader") == 11  # .7*.82/(.3*.18) = 10.6
    assert compare.needed_n_for("team") == 19  # .7*.89/(.3*.11) = 18.9
    assert compare.needed_n_for("workplace") == 31  # .7*.93/(.3*.07) = 31.0


def test_uncertain_marker():
    # n 40, sd 20: half-width 2.024 * 20 / sqrt(40) = 6.4 -> narrow, enough persons
    assert not compare.uncertainty(70.0, 20.0, 40, "workplace", 10.0).uncertain
    # n 12, sd 20: half-width 2.201 * 20 / sqrt(12) = 12.7 > 10 -> wide
    u = compare.uncertainty(70.0, 20.0, 12, "between", 10.0)
    assert u.wide and u.uncertain and not u.small
    assert u.interval.low == pytest.approx(70 - 12.7075, abs=1e-3)
    # n 12, sd 5: narrow (3.2) but fewer than the 19 the team form needs
    u = compare.uncertainty(70.0, 5.0, 12, "team", 10.0)
    assert u.small and u.uncertain and not u.wide
    assert not compare.uncertainty(None, None, 3, "team", 10.0).uncertain


def _vs_rest_rows():
    rng = np.random.default_rng(7)
    rows = []
    for dept, size, centre in [("A", 8, 4), ("B", 6, 2), ("C", 9, 3), ("D", 2, 1)]:
        for _ in range(size):
            rows.append(("W", dept, [int(np.clip(centre + rng.integers(-1, 2), 1, 5))] * 21))
    rows += [("V", "X", [3] * 21) for _ in range(6)]
    return rows


def test_department_vs_rest_against_scipy(store):
    rows = _vs_rest_rows()
    load(store, rows)
    figs = results.compute(store)
    got = compare.department_vs_rest(store, figs, "W")
    # D (2 persons) is hidden; the gate then hides B (smallest sibling) as well.
    assert set(got["department"].to_list()) == {"A", "C"}
    scores = person_scores(rows)
    depts = np.array([r[1] for r in rows])
    in_w = np.array([r[0] == "W" for r in rows])
    for dim in DIMS:
        part = got.filter(got["measure"] == dim).sort("department")
        ps = []
        for r in part.iter_rows(named=True):
            mine = scores[dim][in_w & (depts == r["department"])]
            rest = scores[dim][in_w & (depts != r["department"])]
            ref = sps.ttest_ind(mine, rest, equal_var=False)
            ci = ref.confidence_interval(0.95)
            assert r["difference"] == pytest.approx(mine.mean() - rest.mean())
            assert r["p"] == pytest.approx(ref.pvalue)
            assert (r["ci_low"], r["ci_high"]) == pytest.approx((ci.low, ci.high))
            assert r["rest_n"] == len(rest) == 8 + 6 + 9 + 2 - r["n"]
            ps.append(ref.pvalue)
        # Holm by hand for two p-values: smaller * 2, larger max(that, larger * 1)
        lo, hi = sorted(ps)
        expected = {lo: min(1, 2 * lo), hi: max(min(1, 2 * lo), hi)}
        assert part["p_adjusted"].to_list() == pytest.approx([expected[p] for p in ps])
    bh = compare.department_vs_rest(store, figs, "W", method="bh")
    ps = bh.filter(bh["measure"] == "team")["p"].to_list()
    lo, hi = sorted(ps)
    expected = {lo: min(2 * lo, hi), hi: hi}  # BH: p_(i) * m / i, made monotone
    assert bh.filter(bh["measure"] == "team")["p_adjusted"].to_list() == pytest.approx(
        [expected[p] for p in ps]
    )


def test_no_comparison_when_the_rest_is_too_small_or_the_workplace_hidden(make_store):
    store = make_store(threshold=5)
    # A shown (6), rest B = 4 < 5: no comparison (B is hidden and so is A by secondary)
    load(store, [("W", "A", [4] * 21)] * 6 + [("W", "B", [2] * 21)] * 4)
    figs = results.compute(store)
    assert compare.department_vs_rest(store, figs, "W").height == 0


def test_reliability_matches_statistics_md_example(make_store):
    store = make_store(threshold=3)
    rows = [_row("W", team, answers) for team, persons in EXAMPLE.items() for answers in persons]
    load(store, rows)
    figs = results.compute(store)
    rel = {r.dimension: r for r in compare.reliability(store, figs, "W")}["workplace"]
    assert rel.icc.icc1 == pytest.approx(0.8250509, abs=1e-6)
    assert rel.icc.icc2 == pytest.approx(0.9565364, abs=1e-6)
    assert rel.icc.msb == pytest.approx(3340.774, abs=1e-3)
    assert rel.rwg["A"] == pytest.approx(0.9155844, abs=1e-6)
    assert rel.rwg["B"] == pytest.approx(0.9255319, abs=1e-6)
    assert rel.rwg["C"] == pytest.approx(0.8333333, abs=1e-6)
    assert rel.alpha.alpha == pytest.approx(0.8897638, abs=1e-6)
    assert rel.alpha.n == 13
    assert (rel.alpha.interval.low, rel.alpha.interval.high) == pytest.approx(
        (0.720, 0.963), abs=5e-4
    )
    assert rel.needed_n == 31
    # Items 1-18 are all answered 3: every person scores 50 in the other forms, no ICC.
    iccs = {r.dimension: r.icc for r in compare.reliability(store, figs, "W")}
    assert iccs["team"] is None and iccs["between"] is None and iccs["leader"] is None
    # One department selected: alpha of its persons, rwg of it alone, ICC still over all.
    one = {r.dimension: r for r in compare.reliability(store, figs, "W", "A")}["workplace"]
    assert list(one.rwg) == ["A"]
    assert one.alpha.n == 5
    assert one.icc.icc1 == pytest.approx(0.8250509, abs=1e-6)


def test_reliability_leaves_out_hidden_departments(make_store):
    store = make_store(threshold=3)
    rows = [_row("W", team, answers) for team, persons in EXAMPLE.items() for answers in persons]
    rows += [_row("W", "D", [1, 1, 1])] * 2  # D: 2 persons, hidden
    load(store, rows)
    figs = results.compute(store)
    rel = {r.dimension: r for r in compare.reliability(store, figs, "W")}["workplace"]
    hidden = set(
        figs.measures.filter(
            (figs.measures["level"] == "department")
            & (figs.measures["measure"] == "workplace")
            & figs.measures["suppressed"]
        )["department"].to_list()
    )
    assert "D" in hidden
    assert not hidden & set(rel.rwg)
    assert rel.icc.groups == 3 - len(hidden - {"D"})


def test_with_uncertainty_by_hand():
    from socialkapital.compare import with_uncertainty

    rows = pl.DataFrame(
        {
            "measure": ["team", "between", "team", "leader"],
            "mean": [60.0, 60.0, 60.0, None],
            "sd": [10.0, 10.0, 10.0, None],
            "n": [5, 40, 12, 3],
        }
    )
    got = with_uncertainty(rows, 10.0)
    # t(.975, 4) = 2.7764: 60 ± 12.42, wider than ±10 points.
    # t(.975, 39) = 2.0227: 60 ± 3.20; 40 persons ≥ the 10 a between-teams mean needs.
    # t(.975, 11) = 2.2010: 60 ± 6.35, narrow, but a team mean needs 19 persons.
    assert got["ci_low"].to_list()[:3] == pytest.approx([47.58, 56.80, 53.65], abs=0.01)
    assert got["ci_high"].to_list()[:3] == pytest.approx([72.42, 63.20, 66.35], abs=0.01)
    assert got["uncertain"].to_list() == [True, False, True, None]
    assert got["ci_low"][3] is None


def _by_hand_alpha_and_rwg(codes: np.ndarray) -> tuple[float | None, float | None]:
    """Cronbach's alpha and rwg(j) of persons × items codes, listwise, written out plainly."""
    complete = codes[~np.isnan(codes).any(axis=1)]
    n, j = complete.shape
    if n < 2:
        return None, None
    item_vars = [complete[:, c].var(ddof=1) for c in range(j)]
    alpha = None
    if n >= 3:
        alpha = j / (j - 1) * (1 - sum(item_vars) / complete.sum(axis=1).var(ddof=1))
    null = (5**2 - 1) / 12  # a uniform answer on 1-5
    spread = min(sum(item_vars) / j, null)
    rwg = j * (1 - spread / null) / (j * (1 - spread / null) + spread / null)
    return alpha, rwg


def test_reliability_of_every_form_with_missing_answers_matches_a_plain_computation(make_store):
    # Every form, six departments of different sizes, 15 % unanswered; department F has one
    # person who answered every question: no agreement figure, though it is shown.
    store = make_store(threshold=3)
    rng = np.random.default_rng(11)
    rows = []
    for dept, size in [("A", 12), ("B", 7), ("C", 20), ("D", 4), ("E", 9), ("F", 4)]:
        level = rng.integers(1, 6)
        for p in range(size):
            answers = np.clip(level + rng.integers(-1, 2, 21), 1, 5).tolist()
            gaps = rng.random(21) < 0.15
            if dept == "F":
                gaps = np.full(21, p > 0) & (np.arange(21) % 3 == 0)
            rows.append(
                ("W", dept, [None if g else int(a) for a, g in zip(answers, gaps, strict=True)])
            )
    load(store, rows)
    figs = results.compute(store)
    codes = np.array([[np.nan if a is None else a for a in r[2]] for r in rows], dtype=float)
    depts = np.array([r[1] for r in rows])
    got = {r.dimension: r for r in compare.reliability(store, figs, "W")}
    for dim, numbers in DIMS.items():
        block = codes[:, [n - 1 for n in numbers]]
        alpha, _ = _by_hand_alpha_and_rwg(block)
        assert got[dim].alpha.alpha == pytest.approx(alpha, abs=1e-9)
        m = figs.measures
        shown = m.filter((m["level"] == "department") & (m["measure"] == dim) & ~m["suppressed"])
        assert set(got[dim].rwg) == set(shown["department"]) >= {"A", "C", "F"}
        for dept, value in got[dim].rwg.items():
            _, rwg = _by_hand_alpha_and_rwg(block[depts == dept])
            assert value == pytest.approx(rwg, abs=1e-9) if rwg is not None else value is None
        assert got[dim].rwg["F"] is None
        one = {r.dimension: r for r in compare.reliability(store, figs, "W", "C")}[dim]
        alpha_c, rwg_c = _by_hand_alpha_and_rwg(block[depts == "C"])
        assert one.alpha.alpha == pytest.approx(alpha_c, abs=1e-9)
        assert one.rwg == {"C": pytest.approx(rwg_c, abs=1e-9)}


def test_uncertainties_of_a_frame_are_those_of_each_row():
    rows = pl.DataFrame(
        {
            "mean": [60.0, 60.0, 60.0, None, 55.0, 70.0],
            "sd": [10.0, 10.0, 10.0, None, None, 0.0],
            "n": [5, 40, 12, 3, 9, 1],
            "measure": ["team", "between", "team", "leader", "workplace", "overall"],
        }
    )
    got = compare.uncertainties(rows, 10.0)
    expected = [compare.uncertainty(*r, 10.0) for r in rows.iter_rows()]
    assert got == expected
    # By hand, as in test_uncertain_marker: wide; narrow and enough persons; too few persons.
    assert [(u.wide, u.small, u.uncertain) for u in got[:3]] == [
        (True, True, True),
        (False, False, False),
        (False, True, True),
    ]
    assert got[3] == got[4] == compare.NOT_SHOWN
    assert got[5].interval is None and got[5].wide  # one person: no interval
