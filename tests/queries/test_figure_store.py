"""The department sums the store keeps (queries/figure_store): used while they are true, never
after the answers or the rules they were made from changed."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries import figure_store
from queries.store import Store
from socialkapital import results
from socialkapital.importers import read_responses
from socialkapital.settings import Settings
from tests.conftest import template_rows, to_csv


def load(store, ins, rows, round_name="R"):
    parsed = read_responses(to_csv(template_rows(rows)), "x.csv", ins)
    store.replace_responses(parsed.responses, round_name, None, "x.csv", "template", replace=True)


def team_mean(store, workplace, department):
    results.forget_rounds()  # measure the store, not this process's memory of it
    row = results.compute(store, "R").group(workplace, department)["measures"]["team"]
    return row["mean"], row["n"]


def people(workplace, department, code, count=5):
    return [(workplace, department, [code] * 21)] * count


def kept(store, sql):
    with duckdb.connect(str(store.path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_an_import_keeps_the_sums_of_its_departments(store, ins):
    load(store, ins, people("W", "A", 4) + people("W", "B", 2))
    # team: every item 75 (code 4) or 25 (code 2), six items: scaled by 60, 5 persons
    found = dict(
        kept(
            store,
            "SELECT m.department_id, s.total FROM figure_sums s JOIN "
            "figure_departments m USING (round_id, department_id) WHERE measure = 'team'",
        )
    )
    assert sorted(found.values()) == [5 * 25 * 60, 5 * 75 * 60]
    assert team_mean(store, "W", "A") == (75.0, 5)


def test_kept_sums_are_what_the_figures_read(store, ins):
    load(store, ins, people("W", "A", 4))
    # Change the kept sum behind the store's back: the figures follow it, so they are read
    # from the kept sums (and not from the answers).
    with duckdb.connect(str(store.path)) as con:
        con.execute("UPDATE figure_sums SET total = 5 * 50 * 60 WHERE measure = 'team'")
    assert team_mean(store, "W", "A") == (50.0, 5)


def test_a_reimport_replaces_what_was_kept(store, ins):
    load(store, ins, people("W", "A", 4) + people("V", "C", 5))
    load(store, ins, people("W", "A", 1, count=6))
    assert team_mean(store, "W", "A") == (0.0, 6)
    assert team_mean(store, "V", "C") == (100.0, 5)  # the other workplace's were kept


@pytest.mark.parametrize("table", ["figure_sums", "figure_departments"])
def test_sums_that_no_longer_match_the_answers_are_computed_again(store, ins, table):
    load(store, ins, people("W", "A", 4))
    with duckdb.connect(str(store.path)) as con:
        # A stale fingerprint (as if the answers had changed since) or lost sums.
        if table == "figure_departments":
            con.execute("UPDATE figure_sums SET total = 0")
            con.execute("UPDATE figure_departments SET ids = ids + 1")
        else:
            con.execute("DELETE FROM figure_sums")
            con.execute("DELETE FROM figure_departments")
    assert team_mean(store, "W", "A") == (75.0, 5)
    # ... and kept again, now that the store was free to write.
    assert kept(store, "SELECT count(*) FROM figure_departments")[0][0] == 1


def test_a_store_without_kept_sums_gives_the_same_figures(store, ins):
    load(store, ins, [*people("W", "A", 4), ("W", "A", [2] * 6 + [None] * 15)])
    with_sums = results.compute(store, "R")
    with duckdb.connect(str(store.path)) as con:
        con.execute("DROP TABLE figure_sums")
        con.execute("DROP TABLE figure_departments")
    results.forget_rounds()
    assert results.compute(store, "R").measures.equals(with_sums.measures)


def test_other_rules_are_not_served_the_sums_of_the_old_ones(make_store, ins):
    # One person answers 2 of the 6 team items: a score under a one-third rule, none under
    # the default half rule.
    rows = [*people("W", "A", 4), ("W", "A", [5, 5] + [None] * 4 + [4] * 15)]
    half = make_store(share=0.5)
    load(half, ins, rows)
    assert team_mean(half, "W", "A") == (75.0, 5)
    third = make_store(share=0.3)  # the same file, read with another setting
    assert team_mean(third, "W", "A") == ((5 * 75 + 100) / 6, 6)
    rules = {r[0] for r in kept(third, "SELECT rules FROM figure_departments")}
    assert rules == {figure_store.rules_key(third)}


ANSWER = st.one_of(st.none(), st.integers(1, 5))
PERSON = st.tuples(
    st.sampled_from(["W", "V"]),
    st.sampled_from(["A", "B", "C"]),
    st.lists(ANSWER, min_size=21, max_size=21).filter(lambda a: any(a)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(PERSON, min_size=1, max_size=40), st.sampled_from([0.3, 0.5, 1.0]))
def test_the_sums_an_import_keeps_are_those_its_answers_give(tmp_path_factory, ins, rows, share):
    """An import makes the sums from its rows side by side (figure_store.wide_sums); the same
    sums computed from the stored answers, one row per answer (scores.sql), must agree."""
    store = Store(tmp_path_factory.mktemp("sums") / "s.duckdb", settings=Settings(5, share))
    load(store, ins, rows)
    columns = {
        "figure_sums": "department_id, measure, n, total, squares, scale",
        "figure_pairs": "department_id, row_measure, col_measure, n, sx, sy, sxx, syy, sxy",
    }
    at_import = {t: sorted(kept(store, f"SELECT {c} FROM {t}")) for t, c in columns.items()}
    with duckdb.connect(str(store.path)) as con:  # forget what the sums were made from
        con.execute("DELETE FROM figure_departments")
    with store.reading() as con:
        round_id = con.execute("SELECT round_id FROM rounds").fetchall()[0][0]
        sums, pairs, _made = figure_store.prepare(con, round_id, figure_store.rules_key(store))
    from_answers = {
        "figure_sums": sorted(sums.select(columns["figure_sums"].split(", ")).rows()),
        "figure_pairs": sorted(pairs.select(columns["figure_pairs"].split(", ")).rows()),
    }
    assert at_import == from_answers
    assert at_import["figure_sums"]  # (not two empty lists)
