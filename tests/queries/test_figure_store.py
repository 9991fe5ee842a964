"""The department sums the store keeps (queries/figure_store): used while they are true, never
after the answers or the rules they were made from changed."""

from __future__ import annotations

import duckdb
import pytest

from queries import figure_store
from socialkapital import results
from socialkapital.importers import read_responses
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
