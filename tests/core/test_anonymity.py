"""The gate on tables built by hand: which departments it hides, measure by measure, and
that the further departments it hides to protect a small one are the fewest respondents.

Every expectation below is worked out by hand in its comment; the property test at the end
checks the gate against a brute force over every subset of departments.
"""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkapital import anonymity

SCHEMA = ["level", "workplace", "department", "measure", "mean", "sd", "n"]


def stats(sizes: dict[str, dict[str, int]], workplace: str = "W") -> pl.DataFrame:
    """measure -> department -> n, as the store's rows (the workplace holds them all)."""
    rows = []
    for measure, by_department in sizes.items():
        rows.append(
            ("workplace", workplace, None, measure, 70.0, 10.0, sum(by_department.values()))
        )
        rows += [
            ("department", workplace, d, measure, 70.0, 10.0, n) for d, n in by_department.items()
        ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def hidden(gated: pl.DataFrame, measure: str) -> dict[str, str]:
    rows = gated.filter((pl.col("level") == "department") & (pl.col("measure") == measure))
    return {r["department"]: r["reason"] for r in rows.iter_rows(named=True) if r["suppressed"]}


# Department A has 2 persons. For the form 'team' the smallest other department is C (6),
# for question 1 it is D (5, a few blanks). Hidden one measure at a time, C would show its
# question 1 and D its team score; so the old gate hid both C and D for every measure. One
# department shown in both measures is enough: the gap is 5 - 2 = 3 persons, and a shown
# department holds at least 5. The one with the fewest respondents (its largest n) is D (7:
# B 12, C 8), hidden for both measures: team 2 + 7 = 9, question 1 2 + 5 = 7 persons.
N = {
    "team": {"A": 2, "B": 12, "C": 6, "D": 7},
    "q1": {"A": 2, "B": 12, "C": 8, "D": 5},
}


def test_one_department_protects_every_measure_and_is_hidden_for_every_measure():
    gated = anonymity.gate(stats(N), threshold=5)
    for measure in N:
        assert hidden(gated, measure) == {"A": "primary", "D": "secondary"}
        shown = gated.filter((pl.col("measure") == measure) & (pl.col("department") == "C"))
        assert shown["mean"].to_list() == [70.0] and not shown["suppressed"][0]


def test_without_a_small_department_nothing_more_is_hidden():
    big = stats(N).filter(pl.col("department") != "A")
    gated = anonymity.gate(big, threshold=5)
    assert gated.filter(pl.col("level") == "department")["suppressed"].sum() == 0


def test_siblings_below_the_threshold_protect_each_other():
    # Threshold 10: 3 persons and siblings of 6, 7 and 8 are all hidden in their own right,
    # and together (24) they are more than 10, so nothing else is hidden: Big stays.
    sizes = {"team": {"Small": 3, "Six": 6, "Seven": 7, "Eight": 8, "Big": 30}}
    gated = anonymity.gate(stats(sizes), threshold=10)
    assert hidden(gated, "team") == dict.fromkeys(["Small", "Six", "Seven", "Eight"], "primary")


def test_the_nurses_alone_protect_management_in_every_measure():
    # Issue 18 (Solgården): a 3-person management group; per measure the smallest shown
    # department differs (the nurses skipped question 9 more often), so the old gate hid
    # both the nurses (12) and cleaning (15). The nurses are shown in all three measures,
    # so they alone fill every gap: 3 + 12, 3 + 12, 3 + 9 persons, all at least 5.
    sizes = {
        "team": {"Mgmt": 3, "Nurses": 12, "Cleaning": 15, "Activity": 16, "Ward": 60},
        "q1": {"Mgmt": 3, "Nurses": 12, "Cleaning": 15, "Activity": 14, "Ward": 60},
        "q9": {"Mgmt": 3, "Nurses": 9, "Cleaning": 8, "Activity": 16, "Ward": 58},
    }
    gated = anonymity.gate(stats(sizes), threshold=5)
    for measure in sizes:
        assert hidden(gated, measure) == {"Mgmt": "primary", "Nurses": "secondary"}


def test_two_partly_shown_departments_can_be_cheaper_than_one_whole():
    # Threshold 5. Small has 1 person. P is shown for m1 (6) but not m2 (2); Q the other way.
    # Gaps: m1 has 1 + Q's 2 = 3 hidden, m2 1 + P's 2 = 3: both short. P fills m1, Q fills
    # m2; R (13) fills both alone. P and Q hide 6 + 6 = 12 respondents, R 13: P and Q.
    # Hidden then: m1 1 + 2 + 6 = 9, m2 1 + 2 + 6 = 9 persons.
    sizes = {
        "m1": {"Small": 1, "P": 6, "Q": 2, "R": 13},
        "m2": {"Small": 1, "P": 2, "Q": 6, "R": 13},
    }
    gated = anonymity.gate(stats(sizes), threshold=5)
    assert hidden(gated, "m1") == {"Small": "primary", "P": "secondary", "Q": "primary"}
    assert hidden(gated, "m2") == {"Small": "primary", "P": "primary", "Q": "secondary"}
    # With R at 12, a tie on respondents (12 = 6 + 6): the fewest departments, R alone.
    sizes = {m: {**d, "R": 12} for m, d in sizes.items()}
    gated = anonymity.gate(stats(sizes), threshold=5)
    assert hidden(gated, "m1") == {"Small": "primary", "Q": "primary", "R": "secondary"}


def test_ties_go_to_the_first_name():
    # Bager and Alfa both have 8: Alfa comes first, whatever the order of the rows.
    sizes = {"team": {"Lille": 2, "Bager": 8, "Alfa": 8, "Stor": 40}}
    frame = stats(sizes)
    for rows in (frame, frame.reverse()):
        assert hidden(anonymity.gate(rows, threshold=5), "team") == {
            "Lille": "primary",
            "Alfa": "secondary",
        }


def test_nothing_to_subtract_from_when_no_department_is_shown():
    # Every department is below 5 in m2 (the workplace's 6 is shown there, but no shown
    # department could be hidden to help); in m1 Stor (9) is shown and fills the gap.
    sizes = {"m1": {"Lille": 2, "Stor": 9}, "m2": {"Lille": 2, "Stor": 4}}
    gated = anonymity.gate(stats(sizes), threshold=5)
    assert hidden(gated, "m1") == {"Lille": "primary", "Stor": "secondary"}
    assert hidden(gated, "m2") == {"Lille": "primary", "Stor": "primary"}


def test_a_secondary_hiding_names_whom_it_protects():
    sizes = {
        "m1": {"Direktion": 3, "Kontor": 1, "Rengøring": 18, "Pakkeri": 40},
        "m2": {"Direktion": 3, "Kontor": 1, "Rengøring": 18, "Pakkeri": 40},
    }
    gated = anonymity.gate(stats(sizes), threshold=5)
    rows = gated.filter(pl.col("level") == "department").sort("department", "measure")
    whom = {(r["department"], r["measure"]): r["protects"] for r in rows.iter_rows(named=True)}
    assert whom[("Rengøring", "m1")] == whom[("Rengøring", "m2")] == ["Direktion", "Kontor"]
    assert whom[("Direktion", "m1")] is None and whom[("Pakkeri", "m1")] is None
    # The workplace's and all workplaces' rows, one per measure: nobody to name.
    assert gated.filter(pl.col("level") != "department")["protects"].null_count() == 4


def test_workplaces_are_protected_each_on_their_own():
    one = stats({"team": {"Lille": 2, "Mellem": 9, "Stor": 30}}, "W1")
    two = stats({"team": {"Lille": 2, "Mellem": 20, "Stor": 7}}, "W2")
    gated = anonymity.gate(pl.concat([one, two]), threshold=5)
    rows = gated.filter(pl.col("suppressed") & (pl.col("reason") == "secondary"))
    assert sorted(rows.select("workplace", "department").rows()) == [
        ("W1", "Mellem"),
        ("W2", "Stor"),
    ]


def test_the_search_is_exact_when_several_departments_are_needed():
    # Gaps in three measures; each of A, B, C covers two of them, D covers all three but has
    # 40. A (10) + B (11) cover all three for 21, A + C 22, B + C 23: A and B.
    cover = anonymity._cheapest_cover([10, 11, 12, 40], [0b011, 0b110, 0b101, 0b111], 0b111)
    assert cover == [0, 1]
    # Nothing can fill a gap in measure 3 (bit 0b1000): the rest is filled as before.
    assert anonymity._cheapest_cover([10, 11], [0b011, 0b111], 0b1111) == [1]


# -- against a brute force ----------------------------------------------------------------


def brute_force(sizes: dict[str, dict[str, int]], threshold: int) -> tuple[int, int, list]:
    """(respondents, departments, names) of the cheapest set of further departments to hide:
    every subset of the departments shown in some measure, in plain Python.

    A set will do when, in every measure, the departments hidden there (below the threshold
    there, or in the set) hold no respondents, or at least the threshold, or are all the
    departments with respondents in that measure (nothing more could be hidden)."""
    names = sorted(next(iter(sizes.values())))
    cost = {d: max(sizes[m][d] for m in sizes) for d in names}
    candidates = [d for d in names if any(sizes[m][d] >= threshold for m in sizes)]

    def safe(chosen: set[str]) -> bool:
        for by_department in sizes.values():
            held = [d for d, n in by_department.items() if n > 0]
            hid = [d for d in held if by_department[d] < threshold or d in chosen]
            total = sum(by_department[d] for d in hid)
            if hid and total < threshold and set(hid) != set(held):
                return False
        return True

    best = None
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            if safe(set(chosen)):
                key = (sum(cost[d] for d in chosen), size, sorted(chosen))
                best = key if best is None or key < best else best
    return best


@st.composite
def workplaces(draw):
    """2-8 departments, 1-3 measures, n 0-14 (mostly the same across measures, as when a
    few people skip a question), and a threshold of 3-10."""
    departments = [f"D{i}" for i in range(draw(st.integers(2, 8)))]
    measures = [f"m{i}" for i in range(draw(st.integers(1, 3)))]
    base = {d: draw(st.integers(0, 14)) for d in departments}
    sizes = {
        m: {d: max(0, base[d] - draw(st.sampled_from([0, 0, 0, 1, 2, 5]))) for d in departments}
        for m in measures
    }
    return sizes, draw(st.integers(3, 10))


@settings(max_examples=300, deadline=None)
@given(workplaces())
def test_the_gate_hides_as_few_respondents_as_a_brute_force_finds(case):
    sizes, threshold = case
    gated = anonymity.gate(stats(sizes), threshold)
    depts = gated.filter(pl.col("level") == "department")
    secondary = sorted(set(depts.filter(pl.col("reason") == "secondary")["department"]))
    cost = {d: max(sizes[m][d] for m in sizes) for d in next(iter(sizes.values()))}
    respondents, count, names = brute_force(sizes, threshold)
    assert (sum(cost[d] for d in secondary), len(secondary), secondary) == (
        respondents,
        count,
        names,
    )
    # And, checked on the gate's own output: in each measure the hidden hold no one, at
    # least the threshold, or every department with respondents there.
    for measure in sizes:
        mine = depts.filter(pl.col("measure") == measure)
        hid = mine.filter(pl.col("suppressed") & (pl.col("n") > 0))
        held = mine.filter(pl.col("n") > 0)
        total = hid["n"].sum()
        assert hid.height == 0 or total >= threshold or hid.height == held.height
        assert mine.filter(pl.col("suppressed"))["mean"].null_count() == mine["suppressed"].sum()
        for department in secondary:  # hidden for every measure
            assert mine.filter(pl.col("department") == department)["suppressed"].all()
