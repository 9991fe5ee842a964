"""The subtraction attack on everything the analysis pages and `summary --json` show.

An attacker sees every figure of every filter combination: each department and workplace,
all workplaces, and every selection of workplaces (the benchmark and the CLI), each with
its n. Each shown mean is a known sum over a set of departments (mean × n). For every
measure, the test looks for any set of departments with fewer persons than the threshold
whose sum follows from the known sums by linear algebra (which covers subtracting one
figure from another, across levels and selections, in any combination), and also tries
the plain subtraction of every shown figure from every larger one.
"""

from __future__ import annotations

import dataclasses
import itertools
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from queries.store import Store
from socialkapital import analysis, results
from socialkapital.settings import Settings
from tests.analysis.helpers import INS, load

MEASURES = [*INS.dimension_keys, *INS.item_keys]
ANSWERS = st.one_of(st.integers(1, 5), st.integers(1, 5), st.none())


@st.composite
def organisations(draw):
    """1-4 workplaces of 1-4 departments of 1-9 persons, with blanks so n differs by measure."""
    rows = []
    for w in range(draw(st.integers(1, 4))):
        for d in range(draw(st.integers(1, 4))):
            for _ in range(draw(st.integers(1, 9))):
                answers = draw(st.lists(ANSWERS, min_size=21, max_size=21))
                if all(a is None for a in answers):
                    answers[0] = 3
                rows.append((f"W{w}", f"D{d}", answers))
    return rows


def visible(figs: analysis.RoundFigures) -> dict[str, list[tuple[frozenset, int, float]]]:
    """measure -> every shown (set of departments, n, mean), over all filter combinations."""
    depts = {}
    for r in figs.measures.filter(figs.measures["level"] == "department").iter_rows(named=True):
        depts.setdefault(r["workplace"], set()).add((r["workplace"], r["department"]))
    out = {m: [] for m in MEASURES}
    for r in figs.measures.iter_rows(named=True):
        if r["measure"] not in out or r["mean"] is None:
            continue
        if r["level"] == "department":
            group = {(r["workplace"], r["department"])}
        elif r["level"] == "workplace":
            group = depts.get(r["workplace"], set())
        else:
            group = set().union(*depts.values())
        out[r["measure"]].append((frozenset(group), r["n"], r["mean"]))
    for size in range(1, len(figs.workplaces) + 1):
        for chosen in itertools.combinations(figs.workplaces, size):
            group = frozenset(set().union(*(depts.get(w, set()) for w in chosen)))
            agg = analysis.selection_measures(figs, list(chosen), INS.item_keys)
            bench = analysis.benchmark(figs, list(chosen), INS.dimension_keys, INS.item_keys)
            for r in agg.iter_rows(named=True):
                if r["measure"] in out and r["mean"] is not None:
                    out[r["measure"]].append((group, r["n"], r["mean"]))
            for r in bench.iter_rows(named=True):  # the benchmark's mean is the same figure
                same = agg.filter(agg["measure"] == r["measure"])["mean"].to_list() or [None]
                assert (r["mean"] is None) == (same[0] is None)
    return out


def department_sizes(figs) -> dict[str, dict[tuple, int]]:
    """n of every department and measure (n is shown even where the mean is hidden)."""
    sizes = {m: {} for m in MEASURES}
    for r in figs.measures.filter(figs.measures["level"] == "department").iter_rows(named=True):
        if r["measure"] in sizes and r["n"] > 0:
            sizes[r["measure"]][(r["workplace"], r["department"])] = r["n"]
    return sizes


def attack(known, sizes: dict[tuple, int], threshold: int) -> list:
    """Sets of departments under the threshold whose total follows from the known sums."""
    atoms = sorted(sizes)
    if not atoms or not known:
        return []
    index = {a: i for i, a in enumerate(atoms)}
    rows = np.zeros((len(known), len(atoms)))
    for k, (group, n, _) in enumerate(known):
        for a in group:
            if a in index:
                rows[k, index[a]] = 1
        assert n == sum(sizes.get(a, 0) for a in group)  # n adds up: the attacker knows it
    # v is derivable iff it is orthogonal to the null space of the known rows.
    free = null_space(rows)
    small = [a for a in atoms if sizes[a] < threshold]
    found = []
    for size in range(1, len(small) + 1):
        for subset in itertools.combinations(small, size):
            if sum(sizes[a] for a in subset) >= threshold:
                continue
            v = np.zeros(len(atoms))
            v[[index[a] for a in subset]] = 1
            if free.size == 0 or np.allclose(free.T @ v, 0, atol=1e-9):
                found.append(subset)
    return found


def score(rows, threshold):
    with tempfile.TemporaryDirectory() as folder:
        store = load(Store(Path(folder) / "a.duckdb", settings=Settings(threshold, 0.5)), rows)
        return store, analysis.round_figures(store, "R")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(organisations(), st.integers(3, 6))
def test_no_hidden_group_can_be_worked_out_across_filters(rows, threshold):
    _, figs = score(rows, threshold)
    shown = visible(figs)
    sizes = department_sizes(figs)
    for measure in MEASURES:
        known = shown[measure]
        # The plain attack: a larger shown group minus a smaller one inside it.
        for (big, n_big, _), (part, n_part, _) in itertools.permutations(known, 2):
            if part < big:
                assert not 0 < n_big - n_part < threshold, (measure, big - part)
        # The general one: any combination of the known sums.
        assert not attack(known, sizes[measure], threshold), measure
        # Nothing shown rests on fewer persons than the threshold.
        assert all(n >= threshold for _, n, _ in known)


def test_the_attack_finds_what_the_workplace_protection_prevents(make_store):
    """With A1 shown, hidden A is the weighted mean of A1 and A2, and then C leaks."""
    rows = [("A", "A1", [4] * 21)] * 6 + [("A", "A2", [5] * 21)] * 6
    rows += [("B", "B1", [3] * 21)] * 5 + [("B", "B2", [2] * 21)] * 7 + [("C", "C1", [1] * 21)] * 3
    store = load(make_store(threshold=5), rows)
    protected = analysis.round_figures(store, "R")
    a1 = (pl.col("department") == "A1") & (pl.col("measure") == "team")
    assert protected.measures.filter(a1)["mean"].to_list() == [None]
    unhidden = protected.measures.with_columns(
        pl.when(a1).then(75.0).otherwise(pl.col("mean")).alias("mean"),
        pl.when(a1).then(False).otherwise(pl.col("suppressed")).alias("suppressed"),
    )
    unprotected = dataclasses.replace(protected, measures=unhidden)
    sizes = department_sizes(protected)["team"]
    assert attack(visible(unprotected)["team"], sizes, 5) == [(("C", "C1"),)]
    assert not attack(visible(protected)["team"], sizes, 5)


def test_issue5_overview_figure_of_a_workplace_agrees_with_the_round(make_store):
    """The overview's figures for one workplace hide what the all-workplaces gating hides.

    Otherwise: the benchmark shows all (27 persons) and B, the overview of A shows A, and
    all - A - B = C, a workplace of 3.
    """
    rows = [("A", "A1", [4] * 21)] * 6 + [("A", "A2", [5] * 21)] * 6
    rows += [("B", "B1", [3] * 21)] * 5 + [("B", "B2", [2] * 21)] * 7 + [("C", "C1", [1] * 21)] * 3
    store = load(make_store(threshold=5), rows)
    overview_a = results.compute(store, "R", ["A"]).group("A", None)["measures"]["team"]
    assert overview_a["mean"] is None
