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
import pytest
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


def visible(
    figs: analysis.RoundFigures, store: Store | None = None, most: int = 99
) -> dict[str, list]:
    """measure -> every shown (set of departments, n, mean), over all filter combinations.

    The analysis pages' figures and every selection of workplaces (benchmark, CLI); with
    ``store``, also ``results.compute`` for every selection of up to ``most`` workplaces (the
    overview shows one workplace, ``summary --workplace`` any set of them).
    """
    depts = {}
    for r in figs.measures.filter(pl.col("level") == "department").iter_rows(named=True):
        depts.setdefault(r["workplace"], set()).add((r["workplace"], r["department"]))
    out = {m: [] for m in MEASURES}
    add_rows(out, figs.measures, depts, figs.workplaces)
    site_rows = figs.measures.filter(pl.col("level") == "workplace")
    shown_sites = {
        (r["workplace"], r["measure"])
        for r in site_rows.iter_rows(named=True)
        if not r["suppressed"]
    }
    n_site = {(r["workplace"], r["measure"]): r["n"] for r in site_rows.iter_rows(named=True)}

    def site_n(sites, measure) -> int:
        return sum(n_site.get((w, measure), 0) for w in sites)

    for size in range(1, len(figs.workplaces) + 1):
        for chosen in itertools.combinations(figs.workplaces, size):
            agg = analysis.selection_measures(figs, list(chosen), INS.item_keys)
            bench = analysis.benchmark(figs, list(chosen), INS.dimension_keys, INS.item_keys)
            for r in agg.iter_rows(named=True):
                if r["measure"] in out and r["mean"] is not None:
                    # Pooled from the chosen workplaces shown for the measure (the page
                    # names the ones left out); the attack checks that n adds up.
                    parts = [w for w in chosen if (w, r["measure"]) in shown_sites]
                    if site_n(parts, r["measure"]) != r["n"]:
                        parts = list(chosen)  # a total over every chosen workplace
                    group = frozenset(set().union(*(depts.get(w, set()) for w in parts)))
                    out[r["measure"]].append((group, r["n"], r["mean"]))
            for r in bench.iter_rows(named=True):  # the benchmark's mean is the same figure
                same = agg.filter(pl.col("measure") == r["measure"])["mean"].to_list() or [None]
                assert (r["mean"] is None) == (same[0] is None)
            if store is not None and size <= most:
                res = results.compute(store, "R", list(chosen))
                add_rows(out, res.measures, depts, chosen)
    return out


def add_rows(out, measures: pl.DataFrame, depts: dict, workplaces) -> None:
    """Shown rows as (departments covered, n, mean).

    An all-workplaces row covers every workplace, or (as a gate may compute it) only the
    workplaces shown for that measure: whichever its n adds up to.
    """
    sizes = {
        (r["level"], r["workplace"], r["department"], r["measure"]): r["n"]
        for r in measures.iter_rows(named=True)
    }
    for r in measures.iter_rows(named=True):
        if r["measure"] not in out or r["mean"] is None:
            continue
        if r["level"] == "department":
            group = {(r["workplace"], r["department"])}
        elif r["level"] == "workplace":
            group = depts.get(r["workplace"], set())
        else:
            every = [w for w in workplaces if w in depts]
            shown = [
                w
                for w in every
                if measures.filter(
                    (pl.col("level") == "workplace")
                    & (pl.col("workplace") == w)
                    & (pl.col("measure") == r["measure"])
                )["mean"].to_list()
                not in ([], [None])
            ]
            n_of = lambda ws, m=r["measure"]: sum(  # noqa: E731
                sizes.get(("workplace", w, None, m), 0) for w in ws
            )
            chosen = every if n_of(every) == r["n"] else shown
            assert n_of(chosen) == r["n"], r
            group = set().union(*(depts[w] for w in chosen)) if chosen else set()
        out[r["measure"]].append((frozenset(group), r["n"], r["mean"]))


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


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def check(shown, sizes, threshold) -> None:
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


@examples(20)
@given(organisations(), st.integers(3, 6))
def test_no_hidden_group_can_be_worked_out_across_filters(rows, threshold):
    """The analysis pages and every selection of workplaces (benchmark, CLI)."""
    with tempfile.TemporaryDirectory() as folder:
        store = load(Store(Path(folder) / "a.duckdb", settings=Settings(threshold, 0.5)), rows)
        figs = analysis.round_figures(store, "R")
    check(visible(figs), department_sizes(figs), threshold)


@examples(6)
@given(organisations(), st.integers(3, 6))
def test_nor_across_the_analysis_pages_and_the_overview(rows, threshold):
    """... together with the overview's figures of each workplace (``results.compute``)."""
    with tempfile.TemporaryDirectory() as folder:
        store = load(Store(Path(folder) / "a.duckdb", settings=Settings(threshold, 0.5)), rows)
        figs = analysis.round_figures(store, "R")
        shown = visible(figs, store, most=1)
    check(shown, department_sizes(figs), threshold)


def test_a_small_site_is_left_out_of_the_totals_and_the_attack_finds_it_otherwise(make_store):
    """C (3 persons) is hidden and left out of the all-workplaces figure, so A and B stay
    shown; were C counted in that figure, C would follow by subtraction."""
    rows = [("A", "A1", [4] * 21)] * 6 + [("A", "A2", [5] * 21)] * 6
    rows += [("B", "B1", [3] * 21)] * 5 + [("B", "B2", [2] * 21)] * 7 + [("C", "C1", [1] * 21)] * 3
    store = load(make_store(threshold=5), rows)
    protected = analysis.round_figures(store, "R")
    team = protected.measures.filter(pl.col("measure") == "team")
    site = {
        r["workplace"]: r["mean"]
        for r in team.filter(pl.col("level") == "workplace").rows(named=True)
    }
    # A: 6 × 75 + 6 × 100 over 12; B: 5 × 50 + 7 × 25 over 12; C hidden.
    assert site == {"A": 87.5, "B": pytest.approx(425 / 12), "C": None}
    whole = team.filter(pl.col("level") == "all").row(0, named=True)
    assert (whole["n"], whole["mean"]) == (24, pytest.approx((1050 + 425) / 24))
    assert analysis.left_out(protected, None) == ["C"]
    sizes = department_sizes(protected)["team"]
    assert not attack(visible(protected)["team"], sizes, 5)
    # The same page with C counted in the total (n 27, C's persons all at 0).
    counted = protected.measures.with_columns(
        pl.when((pl.col("level") == "all") & (pl.col("measure") == "team"))
        .then(pl.lit(27))
        .otherwise(pl.col("n"))
        .alias("n"),
        pl.when((pl.col("level") == "all") & (pl.col("measure") == "team"))
        .then(pl.lit(1475 / 27))
        .otherwise(pl.col("mean"))
        .alias("mean"),
    )
    unprotected = dataclasses.replace(protected, measures=counted)
    assert attack(visible(unprotected)["team"], sizes, 5) == [(("C", "C1"),)]


def test_issue5_no_subtraction_across_overview_benchmark_and_cli(make_store):
    """A small site next to two larger ones: nothing on any page or in the CLI gives it away.

    With a workplace-level secondary suppression that only the all-workplaces view applies,
    the overview of A would show A, the benchmark all and B, and all - A - B = C.
    """
    rows = [("A", "A1", [4] * 21)] * 6 + [("A", "A2", [5] * 21)] * 6
    rows += [("B", "B1", [3] * 21)] * 5 + [("B", "B2", [2] * 21)] * 7 + [("C", "C1", [1] * 21)] * 3
    store = load(make_store(threshold=5), rows)
    figs = analysis.round_figures(store, "R")
    shown = visible(figs, store)
    sizes = department_sizes(figs)
    for measure in MEASURES:
        assert not attack(shown[measure], sizes[measure], 5), measure
