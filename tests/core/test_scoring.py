"""Scoring against hand-computed examples, through the product's whole path.

Each example is written as a template file, imported, stored and scored in SQL; the expected
values below were worked out by hand (score = (code - 1) * 25).
"""

from __future__ import annotations

import pytest

from socialkapital import results
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv

FOUR = [4] * 15  # items 7-21 answered "I høj grad" (75) where an example only varies team


def load(store, ins, rows, round_name="R1"):
    parsed = read_responses(to_csv(template_rows(rows)), "example.csv", ins)
    store.replace_responses(parsed.responses, round_name, None, "example.csv", "template")
    return results.compute(store, round_name)


def measure(res, workplace, department, key):
    row = res.group(workplace, department)["measures"][key]
    return row["mean"], row["n"]


# statistics.md's hand-checkable example on the 3-item "workplace" form (items 19-21).
STATS_EXAMPLE = {
    "A": ["443", "454", "554", "344", "445"],
    "B": ["223", "322", "232", "212"],
    "C": ["545", "443", "334", "554", "4-4", "--3"],
}


def stats_example_rows():
    rows = []
    for team, people in STATS_EXAMPLE.items():
        for answers in people:
            codes = [None if a == "-" else int(a) for a in answers]
            rows.append(("Mejeriet", team, [None] * 18 + codes))
    return rows


def test_statistics_md_example_with_threshold_3(make_store, ins):
    res = load(make_store(threshold=3), ins, stats_example_rows())
    for team, expected, n in [("A", 78.333333, 5), ("B", 29.166667, 4), ("C", 76.666667, 5)]:
        mean, got_n = measure(res, "Mejeriet", team, "workplace")
        assert mean == pytest.approx(expected, abs=1e-5)
        assert got_n == n
    # The whole workplace: the mean of all 14 person scores (C's last person has 1 of 3).
    mean, n = measure(res, "Mejeriet", None, "workplace")
    assert mean == pytest.approx((391.6667 + 116.6667 + 383.3333) / 14, abs=1e-3)
    assert n == 14
    # Item 20 in team C: answers 4, 4, 3, 5 (two missing) -> 75, 75, 50, 100.
    assert measure(res, "Mejeriet", "C", "q20") == (pytest.approx(75.0), 4)
    # C has 6 respondents: the person with only item 21 answered still responded.
    assert res.group("Mejeriet", "C")["respondents"] == 6


def test_statistics_md_example_with_threshold_5_hides_b_and_one_more(make_store, ins):
    res = load(make_store(threshold=5), ins, stats_example_rows())
    b = res.group("Mejeriet", "B")
    assert b["suppressed"] and b["respondents"] == 4
    assert all(m["mean"] is None for m in b["measures"].values())
    hidden = [t for t in "AC" if measure(res, "Mejeriet", t, "workplace")[0] is None]
    # B alone (4 people) could be worked out from the workplace minus A and C: one more goes.
    assert len(hidden) == 1
    assert measure(res, "Mejeriet", None, "workplace")[0] is not None


# The half-answered rule and "Ved ikke" on the 6-item team form; threshold 5.
HALF = [
    ([5, 5, 5, "Ved ikke", "Ved ikke", "Ved ikke"], 100.0),  # 3 of 6 answered: counts
    ([1, 1, None, None, None, None], None),  # 2 of 6: no team score
    ([3, 3, 3, 3, 3, 3], 50.0),
    ([4, 4, 4, 4, 2, 2], 350 / 6),
    ([2, "Ved ikke", 2, 2, None, None], 25.0),
    ([5, 4, 3, 2, 1, 5], 350 / 6),
]


def test_half_answered_rule_and_dont_know(store, ins):
    rows = [("Plejehjemmet", "Nattevagt", [*team, *FOUR]) for team, _ in HALF]
    res = load(store, ins, rows)
    scores = [s for _, s in HALF if s is not None]
    mean, n = measure(res, "Plejehjemmet", "Nattevagt", "team")
    assert n == 5
    assert mean == pytest.approx(sum(scores) / 5)  # 58.333, the "Ved ikke" never as 0
    assert measure(res, "Plejehjemmet", "Nattevagt", "q1") == (pytest.approx(350 / 6), 6)
    assert measure(res, "Plejehjemmet", "Nattevagt", "q2") == (pytest.approx(60.0), 5)
    # q4 has 4 answers: below the threshold, hidden; and so the overall is hidden too.
    assert measure(res, "Plejehjemmet", "Nattevagt", "q4") == (None, 4)
    assert measure(res, "Plejehjemmet", "Nattevagt", "overall")[0] is None
    assert measure(res, "Plejehjemmet", "Nattevagt", "between") == (pytest.approx(75.0), 6)


def test_overall_is_the_mean_of_the_21_item_means(store, ins):
    # Persons answer every item alike: 100, 75, 75, 50, 0 -> every item mean 60.
    rows = [("Lageret A/S", "Pluk", [code] * 21) for code in (5, 4, 4, 3, 1)]
    res = load(store, ins, rows)
    assert measure(res, "Lageret A/S", "Pluk", "overall") == (pytest.approx(60.0), 5)
    for key in ins.dimension_keys:
        assert measure(res, "Lageret A/S", "Pluk", key) == (pytest.approx(60.0), 5)


def test_overall_with_unequal_items(store, ins):
    # Item 1 gets 100 from all, the other 20 items 50: overall = (100 + 20 * 50) / 21.
    rows = [("Lageret A/S", "Pluk", [5] + [3] * 20) for _ in range(5)]
    res = load(store, ins, rows)
    assert measure(res, "Lageret A/S", None, "overall")[0] == pytest.approx(1100 / 21)
    assert measure(res, "Lageret A/S", None, "team")[0] == pytest.approx((100 + 5 * 50) / 6)


def test_a_person_without_any_valid_answer_is_not_a_respondent(store, ins):
    rows = [("Lageret A/S", "Pluk", [3] * 21) for _ in range(5)]
    rows.append(("Lageret A/S", "Pluk", ["Ved ikke"] * 21))
    rows.append(("Lageret A/S", "Pluk", [None] * 21))
    res = load(store, ins, rows)
    assert res.group("Lageret A/S", "Pluk")["respondents"] == 5


def test_share_setting_changes_the_rule(make_store, ins):
    # With the share at 100 %, a person must answer all six team items to get a team score.
    rows = [("W", "D", [*team, *FOUR]) for team, _ in HALF]
    res = load(make_store(threshold=3, share=1.0), ins, rows)
    assert measure(res, "W", "D", "team") == (pytest.approx((50 + 350 / 6 * 2) / 3), 3)


def test_summary_gives_the_t_interval_of_each_form(make_store, ins):
    res = load(make_store(threshold=3), ins, stats_example_rows())
    groups = {(g["workplace"], g["department"]): g for g in results.to_summary(res, ins)["groups"]}
    a = groups[("Mejeriet", "A")]["dimensions"]["workplace"]
    # Team A: mean 78.333, SD 11.180 (statistics.md), n 5; t(0.975, 4) = 2.776445.
    half = 2.776445 * 11.180340 / 5**0.5
    assert a["ci95"] == [
        pytest.approx(78.333333 - half, abs=1e-4),
        pytest.approx(78.333333 + half, abs=1e-4),
    ]
