"""Reporting groups planned from head counts (issue 18, item 2). Expected proposals are worked
out by hand from the rule: hide the small department, then its smallest siblings until the
hidden ones hold the threshold; merge the smallest hidden department with a too small one
that makes the threshold together, else with the smallest that makes it alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkapital import grouping
from socialkapital.grouping import BadMerge, Merge


@pytest.mark.parametrize(
    ("counts", "below", "protecting", "merges"),
    [
        # The dairy: 3 managers are hidden, and the smallest sibling, cleaning (18), with them.
        (
            {"Direktion": 3, "Administration": 36, "Rengøring": 18, "Lager": 60},
            ["Direktion"],
            ["Rengøring"],
            [Merge("Direktion + Rengøring", ("Direktion", "Rengøring"))],
        ),
        # Two small ones that make 5 together: merged with each other, nobody else touched.
        (
            {"A": 2, "B": 3, "C": 40, "D": 50},
            ["A", "B"],
            [],
            [Merge("A + B", ("A", "B"))],
        ),
        # 1 + 2 = 3 is still too few: A goes with C (smallest to make 5 alone, 31), then B
        # (2, hidden, protected by A + C) joins A + C, the smallest unit that makes it;
        # named smallest first.
        (
            {"A": 1, "B": 2, "C": 30, "D": 40},
            ["A", "B"],
            ["C"],
            [Merge("A + B + C", ("A", "B", "C"))],
        ),
        # Nothing too small: nothing to do.
        ({"A": 5, "B": 6}, [], [], []),
        # Nobody expected in A: it is below, but protects nothing by being hidden.
        ({"A": 0, "B": 10, "C": 10}, ["A"], [], [Merge("A + B", ("A", "B"))]),
        # The whole workplace is too small: all in one, which still is (then no layout helps).
        ({"A": 2, "B": 2}, ["A", "B"], [], [Merge("A + B", ("A", "B"))]),
    ],
)
def test_proposals_worked_out_by_hand(counts, below, protecting, merges):
    plan = grouping.plan(counts, 5)
    assert list(plan.below) == below
    assert list(plan.protecting) == protecting
    assert list(plan.merges) == merges


def test_a_roster_is_planned_at_the_expected_response_rate():
    # 12 invited at 80 % -> 9 (9.6 rounded down); 6 -> 4 (4.8), below 5; 26 -> 20 (20.8).
    plan = grouping.plan({"Direktion": 6, "IT": 12, "Lager": 26}, 5, rate=0.8)
    assert [u.expected for u in plan.units] == [4, 9, 20]
    assert plan.below == ("Direktion",) and plan.protecting == ("IT",)
    assert plan.merges == (Merge("Direktion + IT", ("Direktion", "IT")),)
    assert grouping.expected(7, 0.7) == 4  # 4.9, never rounded up
    assert grouping.expected(10, 0.5) == 5


def test_the_advice_in_plain_danish():
    plan = grouping.plan({"Direktion": 4, "Administration": 36, "Rengøring": 26}, 5, rate=0.8)
    assert grouping.advice(plan, 5, "da") == [
        "Direktion (4 inviterede, ca. 3 svar) får for få svar til at blive vist. "
        "For at beskytte den skjules også Rengøring (26 inviterede, ca. 20 svar).",
        "Forslag: slå Direktion sammen med Rengøring til »Direktion + Rengøring« (ca. 23 svar).",
    ]
    answered = grouping.plan({"A": 2, "B": 3, "C": 40}, 5)
    assert grouping.advice(answered, 5, "en") == [
        "A (2 answers) and B (3 answers) will get too few answers to be shown.",
        "Proposal: merge A with B into “A + B” (5 answers).",
    ]
    assert grouping.advice(grouping.plan({"A": 9}, 5), 5, "da")[0].startswith("Alle afdelinger")
    assert "færre end 5" in grouping.advice(grouping.plan({"A": 2, "B": 2}, 5), 5, "da")[0]


def test_merges_typed_by_the_user():
    known = ["Direktion", "Administration", "Rengøring"]
    assert grouping.parse_merge("direktion, Administration=Ledelse og adm.", known) == Merge(
        "Ledelse og adm.", ("Direktion", "Administration")
    )
    assert grouping.parse_merge("Direktion,Rengøring", known).name == "Direktion + Rengøring"
    with pytest.raises(BadMerge) as refused:
        grouping.parse_merge("Direktion,Kantine", known)
    assert refused.value.key == "groups.unknown_department"
    with pytest.raises(BadMerge):
        grouping.parse_merge("Direktion=X", known)  # one department is no group
    one, two = Merge("X", ("Direktion", "Rengøring")), Merge("Y", ("Rengøring", "Lager"))
    with pytest.raises(BadMerge, match="member_twice"):
        grouping.check_layout([one, two], known)
    with pytest.raises(BadMerge, match="name_taken"):  # would mix in Administration's answers
        grouping.check_layout([Merge("Administration", ("Direktion", "Rengøring"))], known)
    grouping.check_layout([Merge("Administration", ("Direktion", "Administration"))], known)


def test_head_counts_typed_or_pasted():
    typed = "Direktion; 4\nAdministration\t36\n\nRengøring, 26\nIT=12\n"
    assert grouping.parse_counts(typed) == {
        "Direktion": 4,
        "Administration": 36,
        "Rengøring": 26,
        "IT": 12,
    }
    with pytest.raises(BadMerge) as refused:
        grouping.parse_counts("Direktion; 4\nLager; mange")
    assert refused.value.params["line"] == 2


def test_a_group_merged_again_takes_its_departments_along():
    previous = {"Direktion": "Ledelse", "Administration": "Ledelse"}
    assert grouping.carry(previous, [Merge("Ledelse + IT", ("Ledelse", "IT"))]) == [
        Merge("Ledelse + IT", ("Direktion", "Administration", "Ledelse", "IT"))
    ]
    assert grouping.carry(previous, []) == [Merge("Ledelse", ("Direktion", "Administration"))]


@settings(max_examples=200, deadline=None)
@given(
    counts=st.dictionaries(
        st.text("ABCDEFGH", min_size=1, max_size=3), st.integers(0, 40), min_size=1, max_size=9
    ),
    threshold=st.integers(3, 10),
)
def test_after_the_proposals_the_gate_hides_no_one(counts, threshold):
    """Proved in ``propose``: it stops only when the gate hides nothing or one unit is left;
    checked here with the gate on the grouped counts, and every department in one unit."""
    plan = grouping.plan(counts, threshold)
    sizes = grouping.grouped(counts, plan.layout)
    assert sum(sizes.values()) == sum(counts.values())
    members = [m for merge in plan.merges for m in merge.members]
    assert len(members) == len(set(members)) and set(members) <= set(counts)
    if sum(counts.values()) >= threshold:
        assert grouping.hidden(sizes, threshold) == ([], [])
        assert min(sizes.values()) >= threshold
    else:
        assert len(sizes) == 1
    # Departments that were never at risk and not needed as a partner stay as they were.
    if not plan.below:
        assert plan.merges == ()
