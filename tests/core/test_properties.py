"""Property tests: random organisations scored by the product and by a plain reference.

The reference below is an independent, deliberately simple computation of the domain rules
(domain.md), written without SQL or polars.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries.store import Store
from socialkapital import instrument, results
from socialkapital.importers import read_responses
from socialkapital.settings import Settings
from tests.conftest import template_rows, to_csv

INS = instrument.load()
DIMS = {d: [i.number for i in INS.items_of(d)] for d in INS.dimension_keys}
ANSWERS = st.one_of(st.integers(1, 5), st.sampled_from([None, "Ved ikke"]))


@st.composite
def organisations(draw):
    """Rows (workplace, department, answers) of 1-3 workplaces with 1-5 departments each."""
    rows = []
    for w in range(draw(st.integers(1, 3))):
        for d in range(draw(st.integers(1, 5))):
            for _ in range(draw(st.integers(1, 9))):
                answers = draw(st.lists(ANSWERS, min_size=21, max_size=21))
                if all(a in (None, "Ved ikke") for a in answers):
                    answers[draw(st.integers(0, 20))] = draw(st.integers(1, 5))
                rows.append((f"Arbejdsplads {w}", f"Afdeling {d}", answers))
    return rows


def reference(rows, threshold=None):
    """Plain-Python means and n per (workplace, department) group and measure.

    With ``threshold``, the all-workplaces figure of each measure takes only the persons of
    the workplaces with at least the threshold for that measure (the rest are left out)."""
    people = {}
    for workplace, department, answers in rows:
        scores = {i + 1: (a - 1) * 25 for i, a in enumerate(answers) if isinstance(a, int)}
        person = {f"q{i}": s for i, s in scores.items()}
        for dim, numbers in DIMS.items():
            got = [scores[i] for i in numbers if i in scores]
            if len(got) * 2 >= len(numbers):
                person[dim] = sum(got) / len(got)
        groups = [(None, None), (workplace, None), (workplace, department)]
        for group in groups:
            people.setdefault(group, []).append(person)
    out = {}
    for group, persons in people.items():
        for key in [*DIMS, *(f"q{i}" for i in range(1, 22))]:
            values = [p[key] for p in persons if key in p]
            if group == (None, None) and threshold is not None:
                values = []
                for site in {g for g in people if g[0] is not None and g[1] is None}:
                    here = [p[key] for p in people[site] if key in p]
                    values += here if len(here) >= threshold else []
            out[(group, key)] = (sum(values) / len(values) if values else None, len(values))
        out[(group, "respondents")] = (None, len(persons))
    return out


def score(rows, threshold=3, shuffle_seed=None):
    rows = list(rows)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "p.duckdb", settings=Settings(threshold, 0.5))
        parsed = read_responses(to_csv(template_rows(rows)), "p.csv", INS)
        store.replace_responses(parsed.responses, "R", None, "p.csv", "template")
        return results.compute(store, "R")


def shown(res):
    """(group, measure) -> (mean, n, suppressed) for every figure of the results."""
    return {
        ((r["workplace"], r["department"]), r["measure"]): (r["mean"], r["n"], r["suppressed"])
        for r in res.measures.iter_rows(named=True)
    }


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(organisations(), st.integers(3, 6))
def test_scores_match_the_reference_and_respect_the_threshold(rows, threshold):
    ref = reference(rows, threshold)
    res = score(rows, threshold)
    for (group, key), (mean, n, suppressed) in shown(res).items():
        if key == "overall":
            continue
        ref_mean, ref_n = ref[(group, key)]
        assert n == ref_n
        if mean is None:
            continue
        assert not suppressed
        assert n >= threshold  # no figure below the threshold
        assert 0 <= mean <= 100
        assert abs(mean - ref_mean) < 1e-9
    for g in res.groups.iter_rows(named=True):
        group = (g["workplace"], g["department"])
        assert g["respondents"] == ref[(group, "respondents")][1]


@SETTINGS
@given(organisations(), st.integers(3, 6))
def test_no_hidden_group_can_be_worked_out_by_subtraction(rows, threshold):
    """The attack: parent total minus the shown children's totals = the hidden children's.

    For every workplace and measure, the hidden departments must together hold either nobody
    or at least the threshold of persons, so the attack only ever reveals a large enough
    group; the all-workplaces total holds only shown workplaces, so it reveals nothing.
    """
    res = score(rows, threshold)
    figures = shown(res)
    parents = {(w, None) for (w, d), _ in figures if d is not None}
    parents |= {(None, None)} if any(d is None and w for (w, d), _ in figures) else set()
    for parent in parents:
        for key in [*DIMS, *(f"q{i}" for i in range(1, 22))]:
            if (parent, key) not in figures:
                continue
            children = [
                (g, v)
                for (g, k), v in figures.items()
                if k == key
                and g != parent
                and g[0] is not None
                and (g[1] is not None if parent[0] else g[1] is None)
                and (parent[0] is None or g[0] == parent[0])
            ]
            p_mean, p_n, _ = figures[(parent, key)]
            hidden_n = sum(n for _, (m, n, _) in children if m is None)
            if parent == (None, None):
                # Workplaces are pooled only where shown: the total is exactly the shown ones.
                assert p_n == sum(n for _, (m, n, _) in children if m is not None)
                continue
            if p_mean is not None:
                assert hidden_n == 0 or hidden_n >= threshold, (parent, key, children)
                # And the attack's result really is the hidden group's mean, at n >= threshold.
                if hidden_n:
                    total = p_mean * p_n - sum(m * n for _, (m, n, _) in children if m is not None)
                    assert -1e-6 <= total / hidden_n <= 100 + 1e-6


def assert_same(a: dict, b: dict) -> None:
    """The same figures, up to the last bits of floating point (sums run in any order)."""
    assert a.keys() == b.keys()
    for key, (mean, n, hidden) in a.items():
        other = b[key]
        assert (n, hidden) == (other[1], other[2]), key
        assert (mean is None) == (other[0] is None), key
        if mean is not None:
            assert abs(mean - other[0]) < 1e-9, key


@SETTINGS
@given(organisations(), st.integers(0, 10_000))
def test_row_order_does_not_matter(rows, seed):
    assert_same(shown(score(rows)), shown(score(rows, shuffle_seed=seed)))


@SETTINGS
@given(organisations())
def test_missing_is_never_counted_as_zero(rows):
    """Writing 'Ved ikke' where a cell was blank changes nothing: both are missing."""
    dont_know = [(w, d, ["Ved ikke" if a is None else a for a in ans]) for w, d, ans in rows]
    assert_same(shown(score(rows)), shown(score(dont_know)))
