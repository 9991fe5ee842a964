"""Trends across two small hand-computed rounds: figures, changes, the department mapping
(rename, split, merge), a hidden part never shown through a group, and a changed
questionnaire breaking the trend."""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from queries import trend_store
from tests.analysis.helpers import ITEM_KEYS

R1, R2 = "Forår 2025", "Forår 2026"
POINTS = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}

ROUND1 = {
    ("W", "Pakkeri"): [3, 3, 3, 3, 4, 4, 4, 4],
    ("W", "Lager"): [2, 2, 3, 3, 2, 3],
    ("W", "Kontor"): [4, 4, 5, 4, 4],
    ("V", "A"): [2, 3, 2, 3, 2],
    ("V", "B"): [4, 5, 4, 5, 4],
}
ROUND2 = {
    ("W", "Pakkeri Dag"): [4, 4, 4, 5, 5, 4],
    ("W", "Pakkeri Nat"): [3, 3, 4, 3, 3],
    ("W", "Lager & Logistik"): [3, 3, 3, 4, 3, 3],
    ("W", "Kontor"): [4, 4, 5, 5, 4],
    ("V", "AB"): [3, 4] * 5,
}


def put(store, round_name, day, groups, wordings=None, replace=False):
    records = [
        {"workplace": w, "department": d, "respondent": f"{round_name}{w}{d}{i}"}
        | dict.fromkeys(ITEM_KEYS, code)
        for (w, d), codes in groups.items()
        for i, code in enumerate(codes)
    ]
    schema = {"workplace": pl.String, "department": pl.String, "respondent": pl.String}
    schema |= {k: pl.Int64 for k in ITEM_KEYS}
    frame = pl.DataFrame(records, schema=schema)
    if wordings is not None:  # item number -> wording, the same in every workplace
        rows = [(w, n, text) for w in {w for w, _ in groups} for n, text in wordings.items()]
        schema = {"workplace": pl.String, "item": pl.Int16, "wording": pl.String}
        wordings = pl.DataFrame(rows, schema=schema, orient="row")
    store.replace_responses(frame, round_name, day, "t", "test", wordings, replace=replace)


@pytest.fixture
def two_rounds(store):
    put(store, R1, datetime.date(2025, 4, 1), ROUND1)
    put(store, R2, datetime.date(2026, 4, 1), ROUND2)
    trend_store.save_links(
        store, "W", R2, {"Pakkeri": ["Pakkeri Dag", "Pakkeri Nat"], "Lager": ["Lager & Logistik"]}
    )
    trend_store.save_links(store, "V", R2, {"A": ["AB"], "B": ["AB"]})
    return store


def scores(groups, *keys):
    return np.array([POINTS[c] for k in keys for c in groups[k]], dtype=float)


def test_lineages_follow_renames_splits_and_merges(two_rounds):
    from socialkapital import trends

    w = {lin.label: lin.members for lin in trends.lineages(two_rounds, "W", [R1, R2])}
    assert w == {
        "Kontor": {R1: ("Kontor",), R2: ("Kontor",)},
        "Lager → Lager & Logistik": {R1: ("Lager",), R2: ("Lager & Logistik",)},
        "Pakkeri → Pakkeri Dag + Pakkeri Nat": {
            R1: ("Pakkeri",),
            R2: ("Pakkeri Dag", "Pakkeri Nat"),
        },
    }
    v = {lin.label: lin.members for lin in trends.lineages(two_rounds, "V", [R1, R2])}
    assert v == {"A + B → AB": {R1: ("A", "B"), R2: ("AB",)}}
    assert trend_store.links(two_rounds, "V").height == 2


def test_trend_figures_and_changes_by_hand(two_rounds):
    from socialkapital import trends

    got = trends.trends(two_rounds, "W", ["team"])
    split = got.filter(pl.col("group") == "Pakkeri → Pakkeri Dag + Pakkeri Nat").sort("date")
    assert split["mean"].to_list() == pytest.approx([62.5, 775 / 11])
    assert split["n"].to_list() == [8, 11]
    later = split.row(1, named=True)
    before = scores(ROUND1, ("W", "Pakkeri"))
    after = scores(ROUND2, ("W", "Pakkeri Dag"), ("W", "Pakkeri Nat"))
    ref = sps.ttest_ind(after, before, equal_var=False)
    assert later["change"] == pytest.approx(775 / 11 - 62.5)
    assert later["p"] == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval(0.95)
    assert (later["change_low"], later["change_high"]) == pytest.approx((ci.low, ci.high))
    assert later["previous"] == R1 and not later["broken"]
    whole = got.filter(pl.col("kind") == "workplace").sort("date")
    assert whole["mean"].to_list() == pytest.approx(
        [(500 + 225 + 400) / 19, (775 + 325 + 425) / 22]
    )
    # Holm across the three lineages and the workplace for team, 2025 -> 2026
    changed = got.filter(pl.col("p").is_not_null())
    ps = changed["p"].to_list()
    m = len(ps)
    order = np.argsort(ps)
    expected, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        expected[i] = running
    assert changed["p_adjusted"].to_list() == pytest.approx(expected)
    # The merge at V: A and B together in 2025 (600 / 10), AB in 2026 (625 / 10)
    merged = trends.trends(two_rounds, "V", ["team"]).filter(pl.col("kind") == "department")
    assert merged.sort("date")["mean"].to_list() == pytest.approx([60.0, 62.5])


def test_items_on_request(two_rounds):
    from socialkapital import trends

    got = trends.trends(two_rounds, "W", ["q1"])
    split = got.filter(pl.col("group").str.starts_with("Pakkeri")).sort("date")
    assert split["mean"].to_list() == pytest.approx([62.5, 775 / 11])


def test_a_hidden_part_is_never_shown_through_a_group(store):
    from socialkapital import trends

    put(store, R1, datetime.date(2025, 4, 1), ROUND1)
    small = dict(ROUND2)
    small[("W", "Pakkeri Nat")] = [1, 1, 1]  # 3 persons: hidden
    put(store, R2, datetime.date(2026, 4, 1), small)
    trend_store.save_links(store, "W", R2, {"Pakkeri": ["Pakkeri Dag", "Pakkeri Nat"]})
    got = trends.trends(store, "W")
    group = got.filter(
        (pl.col("group") == "Pakkeri → Pakkeri Dag + Pakkeri Nat") & (pl.col("round") == R2)
    )
    assert group.height == 4
    assert not group["shown"].any()
    assert group["mean"].is_null().all() and group["change"].is_null().all()
    assert set(group["reason"]) == {trends.PART_HIDDEN}
    # Nat alone has no history, so it has no lineage of its own; nothing anywhere shows it.
    shown_r2 = got.filter((pl.col("round") == R2) & pl.col("shown"))
    assert 0.0 not in shown_r2["mean"].to_list()  # Nat's mean (everyone answered code 1)


def test_a_changed_questionnaire_breaks_the_trend(two_rounds):
    from socialkapital import trends

    trend_store.set_instrument_version(two_rounds, R1, "2016")
    trend_store.set_instrument_version(two_rounds, R2, "2024")
    got = trends.trends(two_rounds, "W", ["team"]).filter(pl.col("round") == R2)
    assert got["broken"].all()
    assert got["change"].is_null().all()
    assert got["mean"].is_not_null().all()  # each round's figures are still there


ITEM_7 = "Der er et godt samarbejde mellem vores egen gruppe og de øvrige grupper/afdelinger"
OWN_7 = "Vi arbejder godt sammen med de andre afdelinger i huset"
ITEM_15 = "Den nærmeste leder bidrager til at løse konkrete problemer i hverdagen"
ALIAS_15 = "Vores nærmeste leder bidrager til at løse konkrete problemer i hverdagen"
ENGLISH_1 = "In our group we help colleagues who have too much to do"


def test_a_reworded_question_breaks_its_trend_and_its_forms_but_nothing_else(store):
    from socialkapital import trends

    put(store, R1, datetime.date(2025, 4, 1), ROUND1, {7: ITEM_7, 15: ALIAS_15, 1: None})
    # 2026: item 7 in the workplace's own words, item 15 in the standard wording (its
    # alias is the same question), item 1 in English, item 2 not said by the export.
    put(store, R2, datetime.date(2026, 4, 1), ROUND2, {7: OWN_7, 15: ITEM_15, 1: ENGLISH_1})
    got = trends.trends(store, "W", ["team", "between", "leader", "q7", "q15"])
    later = got.filter((pl.col("round") == R2) & (pl.col("kind") == "workplace"))
    by = {r["measure"]: r for r in later.iter_rows(named=True)}
    assert by["q7"]["broken"] and by["q7"]["reworded"] == [7]
    assert by["between"]["broken"] and by["between"]["reworded"] == [7]
    assert by["q7"]["change"] is None and by["between"]["change"] is None
    assert by["q7"]["mean"] is not None  # the round's own figure is still there
    for kept in ("team", "leader", "q15"):
        assert not by[kept]["broken"] and by[kept]["reworded"] == [], kept
        assert by[kept]["change"] is not None, kept
    # Departments follow their workplace's wordings.
    kontor = got.filter((pl.col("group") == "Kontor") & (pl.col("round") == R2))
    assert kontor.filter(pl.col("measure") == "between")["broken"].to_list() == [True]
    shown = trends.wordings(store, "W", [7], [R1, R2]).sort("round")
    assert shown.rows() == [(7, R1, ITEM_7), (7, R2, OWN_7)]


def test_reimporting_a_workplace_replaces_its_wordings_only(store):
    put(store, R1, datetime.date(2025, 4, 1), ROUND1, {7: OWN_7})
    again = {("W", "Kontor"): [4, 4, 5, 4, 4]}
    put(store, R1, datetime.date(2025, 4, 1), again, {7: ITEM_7}, replace=True)
    got = store.frame("item_wordings", workplace="W").rows()
    assert got == [(R1, 7, ITEM_7)]
    assert store.frame("item_wordings", workplace="V").rows() == [(R1, 7, OWN_7)]


def test_rounds_imported_before_versions_were_recorded_use_the_instrument_version(two_rounds):
    from socialkapital import trends

    with two_rounds.writing() as con:
        con.execute("DELETE FROM round_instruments WHERE round_id = 1").fetchall()
    order = trends.rounds_in_order(two_rounds)
    assert order["instrument_version"].to_list() == [two_rounds.instrument.version] * 2
    got = trends.trends(two_rounds, "W", ["team"]).filter(pl.col("round") == R2)
    assert not got["broken"].any()
