"""Reporting groups in the store (issue 18): answers and invitations are stored under the
group, at import and when a layout is accepted for a round that has answers; the trends
follow a group back to its departments. Means are worked out by hand from the answers."""

from __future__ import annotations

import polars as pl
import pytest

from queries import group_store
from queries.store import StoreRefused
from socialkapital import results, trends
from socialkapital.grouping import BadMerge, Merge
from socialkapital.importers import read_responses, read_roster
from tests.conftest import template_rows, to_csv

R1, R2 = "Forår 2025", "Forår 2026"
W = "Mejeri Øst"
GROUP = Merge("Direktion + Administration", ("Direktion", "Administration"))


def answers(store, round_name, rows, replace=False):
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", store.instrument)
    return store.replace_responses(
        parsed.responses, round_name, None, "svar.csv", "template", replace=replace
    )


def roster(store, round_name, sizes, create=True):
    lines = [f"{d.lower()}{i}@x.dk;N;{d}" for d, n in sizes.items() for i in range(n)]
    parsed = read_roster("\n".join(lines).encode(), "liste.txt")
    store.replace_roster(parsed.invited, W, round_name, None, "liste.txt", create=create)


def team(store, round_name, department):
    """The gated team score and n of a department (None when it has no row)."""
    found = results.compute(store, round_name).group(W, department)
    if found is None:
        return None
    row = found["measures"]["team"]
    return row["mean"], row["n"]


def test_an_import_after_the_layout_stores_answers_under_the_group(store):
    roster(store, R2, {"Direktion": 3, "Administration": 5, "Lager": 8})
    group_store.save_layout(store, W, R2, [GROUP])
    # Direktion: 3 × "I meget høj grad" (100); Administration: 4 × "Delvist" (50).
    rows = [(W, "Direktion", [5] * 21)] * 3 + [(W, "ADMINISTRATION", [3] * 21)] * 4
    rows += [(W, "Lager", [4] * 21)] * 6
    answers(store, R2, rows)
    assert store.departments(R2, W) == ["Direktion + Administration", "Lager"]
    mean, n = team(store, R2, "Direktion + Administration")
    assert n == 7 and mean == pytest.approx((3 * 100 + 4 * 50) / 7)
    figures = results.compute(store, R2)
    invited = figures.groups.filter(pl.col("department") == "Direktion + Administration")
    assert invited["invited"].to_list() == [8]  # the roster follows the layout too
    assert not figures.measures.filter(pl.col("level") == "department")["suppressed"].any()


def test_a_roster_imported_after_the_layout_is_stored_under_the_group(store):
    group_store.save_layout(store, W, R2, [GROUP], create=True)
    roster(store, R2, {"Direktion": 3, "Administration": 5, "Lager": 8})
    counts = group_store.counts(store, W, R2)
    assert dict(counts.select("department", "invited").iter_rows()) == {
        "Direktion + Administration": 8,
        "Lager": 8,
    }


def test_accepting_a_layout_moves_stored_answers_and_the_trend_follows(store):
    # Round 1: A 5 × 100, B 6 × 25, C 8 × 75, all shown. In round 2 A has shrunk to 3: it is
    # hidden, and B (6) with it; the layout merges them, for the answers already stored.
    first = [(W, "A", [5] * 21)] * 5 + [(W, "B", [2] * 21)] * 6 + [(W, "C", [4] * 21)] * 8
    answers(store, R1, first)
    second = [(W, "A", [4] * 21)] * 3 + [(W, "B", [3] * 21)] * 6 + [(W, "C", [4] * 21)] * 8
    answers(store, R2, second)
    assert team(store, R2, "B")[0] is None  # hidden to protect A
    saved = group_store.save_layout(store, W, R2, [Merge("A + B", ("A", "B"))])
    assert saved == group_store.Saved(respondents=9, invited=0)
    mean, n = team(store, R2, "A + B")
    assert n == 9 and mean == pytest.approx((3 * 75 + 6 * 50) / 9)  # 58.33
    assert team(store, R2, "A") is None and team(store, R2, "B") is None
    assert team(store, R1, "A") == (100.0, 5)  # round 1 is left as it was
    # The group of round 2 links back to A and B of round 1: one line through both rounds.
    rows = trends.trends(store, W, ["team"])
    line = rows.filter((pl.col("kind") == "department") & pl.col("group").str.contains(r"\+"))
    by_round = {r["round"]: r for r in line.iter_rows(named=True)}
    assert set(by_round) == {R1, R2}
    assert sorted(by_round[R1]["members"]) == ["A", "B"]
    # Round 1's A and B together: (5 × 100 + 6 × 25) / 11 = 59.09.
    assert by_round[R1]["mean"] == pytest.approx(650 / 11)
    assert by_round[R2]["mean"] == pytest.approx(525 / 9)


def test_the_layout_is_kept_per_round_and_can_be_cleared(store):
    roster(store, R1, {"Direktion": 3, "Administration": 5})
    roster(store, R2, {"Direktion": 3, "Administration": 5})
    group_store.save_layout(store, W, R2, [GROUP])
    assert group_store.layout(store, W, R1) == {}
    assert group_store.layout(store, W, R2) == {
        "Direktion": "Direktion + Administration",
        "Administration": "Direktion + Administration",
    }
    assert group_store.clear_layout(store, W, R2) == 2
    assert group_store.layout(store, W, R2) == {}
    # Invitations already stored under the group stay there.
    assert store.departments(R2, W) == ["Direktion + Administration"]


def test_refusals_change_nothing(store):
    with pytest.raises(StoreRefused):  # an unknown round, unasked
        group_store.save_layout(store, W, R2, [GROUP])
    roster(store, R2, {"Direktion": 3, "Administration": 5, "Lager": 8})
    with pytest.raises(BadMerge):  # Administration in two groups
        group_store.save_layout(
            store, W, R2, [GROUP, Merge("Administration + Lager", ("Administration", "Lager"))]
        )
    assert group_store.layout(store, W, R2) == {}
    assert store.departments(R2, W) == ["Administration", "Direktion", "Lager"]


def test_planning_from_the_store(store):
    roster(store, R1, {"Direktion": 4, "Administration": 10, "Lager": 10})
    # 4 + 6 + 8 = 18 of 24 answered in round 1: 75 %, the rate for planning round 2.
    rows = [(W, "Direktion", [4] * 21)] * 4 + [(W, "Administration", [4] * 21)] * 6
    answers(store, R1, rows + [(W, "Lager", [4] * 21)] * 8)
    roster(store, R2, {"Direktion": 6, "Administration": 10, "Lager": 12})
    plan, kind, _ = group_store.plan_for(store, W, R2)
    assert kind == "roster_previous" and plan.rate == pytest.approx(0.75)
    # 6 × 0.75 = 4.5 -> 4: below 5; Administration 7 is the smallest sibling: hidden too.
    assert plan.below == ("Direktion",) and plan.protecting == ("Administration",)
    assert plan.merges == (GROUP,)
    # After the survey, for the next round: round 1's answers, Direktion's 4 too few again.
    plan, kind, _ = group_store.plan_for(store, W, R2, source=R1)
    assert kind == "answers" and plan.rate == 1
    assert [(u.name, u.expected) for u in plan.units] == [
        ("Administration", 6),
        ("Direktion", 4),
        ("Lager", 8),
    ]
    assert plan.merges == (GROUP,)
