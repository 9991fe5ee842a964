"""Benchmark by industry (issue 18 item 4), on a hand-computed organisation.

Every person answers one code throughout, so every score is that code's points:

    Mejeri Nord (C): Ost 6 × 75, Smør 6 × 100          -> 1050/12 = 87.5, n 12
    Mejeri Syd (C):  Mælk 5 × 50, Lager 5 × 25         ->  375/10 = 37.5, n 10
    Ostehuset (C):   Ysteri 8 × 75                      ->  600/8  = 75,   n 8
    Lille Mejeri (C): Pak 3 × 100                       -> hidden (3 < threshold 5)
    Plejehjemmet (Q): Dag 5 × 0                         ->    0/5  = 0,    n 5

Industry C, shown: Nord, Syd, Ostehuset (3; Lille Mejeri is hidden and does not count).
Its mean pools their persons: (450 + 600 + 250 + 125 + 600) / 30 = 2025/30 = 67.5; the range
between its workplaces 37.5-87.5, between its shown departments 25-100. All workplaces
(shown: 4): 2025/35, workplaces 0-87.5, departments 0-100.
"""

from __future__ import annotations

import json

import pytest

from queries import facts_store
from socialkapital import access, analysis, industry, references
from socialkapital.facts import Facts
from tests.analysis.helpers import INS, load

MEASURES = [analysis.OVERALL, *INS.dimension_keys]
OTHERS = ["Mejeri Syd", "Ostehuset", "Lille Mejeri", "Plejehjemmet"]


def same(code: int, count: int, workplace: str, department: str):
    return [(workplace, department, [code] * 21)] * count


ROWS = (
    same(4, 6, "Mejeri Nord", "Ost")
    + same(5, 6, "Mejeri Nord", "Smør")
    + same(3, 5, "Mejeri Syd", "Mælk")
    + same(2, 5, "Mejeri Syd", "Lager")
    + same(4, 8, "Ostehuset", "Ysteri")
    + same(5, 3, "Lille Mejeri", "Pak")
    + same(1, 5, "Plejehjemmet", "Dag")
)
INDUSTRY = {
    "Mejeri Nord": "C",
    "Mejeri Syd": "C",
    "Ostehuset": "C",
    "Lille Mejeri": "C",
    "Plejehjemmet": "Q",
}


def stored(make_store, rows=ROWS, industries=INDUSTRY):
    store = load(make_store(threshold=5), rows)
    for name, code in industries.items():
        facts_store.set_facts(store, name, Facts(industry=code))
    return store


def compare(store, workplace="Mejeri Nord", viewer=access.LOCAL):
    figs = analysis.round_figures(store, "R")
    return industry.compare(
        figs,
        facts_store.all_facts(store),
        workplace,
        MEASURES,
        INS.item_keys,
        store.settings.min_industry_workplaces,
        viewer,
    )


def test_a_workplace_beside_its_industry_and_all(make_store):
    found = compare(stored(make_store))
    assert (found.industry, found.status, found.minimum) == ("C", industry.COMPARED, 3)
    assert (found.industry_workplaces, found.all_workplaces) == (3, 4)
    assert found.industry_name("da") == "Fremstillingsvirksomhed"
    assert found.ranges
    assert found.rows["measure"].to_list() == MEASURES
    for r in found.rows.iter_rows(named=True):
        assert (r["score"], r["score_n"]) == pytest.approx((87.5, 12))
        assert r["industry_mean"] == pytest.approx(67.5)
        assert (r["industry_n"], r["industry_workplaces"]) == (30, 3)
        assert (r["industry_workplace_min"], r["industry_workplace_max"]) == (37.5, 87.5)
        assert (r["industry_team_min"], r["industry_team_max"]) == (25, 100)
        assert r["all_mean"] == pytest.approx(2025 / 35)
        assert (r["all_n"], r["all_workplaces"]) == (35, 4)
        assert (r["all_workplace_min"], r["all_workplace_max"]) == (0, 87.5)
        assert (r["all_team_min"], r["all_team_max"]) == (0, 100)
    assert "3 arbejdspladser i samme branche, C Fremstillingsvirksomhed" in industry.headline(
        found, "da"
    )


def test_fewer_than_three_shown_workplaces_of_the_industry_compare_with_all_only(make_store):
    rows = [r for r in ROWS if r[0] != "Ostehuset"]
    industries = {k: v for k, v in INDUSTRY.items() if k != "Ostehuset"}
    found = compare(stored(make_store, rows, industries))
    # Lille Mejeri is of the industry but hidden: two shown, not three.
    assert (found.status, found.industry_workplaces, found.all_workplaces) == (
        industry.TOO_FEW,
        2,
        3,
    )
    assert found.rows["industry_mean"].is_null().all()
    assert found.rows["industry_workplace_min"].is_null().all()
    assert found.rows["all_mean"].to_list() == pytest.approx([1425 / 27] * len(MEASURES))
    said = industry.headline(found, "da")
    assert said.startswith("For få arbejdspladser i samme branche til en sammenligning")
    assert "C Fremstillingsvirksomhed har 2 arbejdspladser" in said
    english = industry.headline(found, "en")
    assert english.startswith("Too few workplaces of the same industry for a comparison")


def test_the_setting_asks_for_more_workplaces(make_store, tmp_path):
    store = stored(make_store)
    figs = analysis.round_figures(store, "R")
    found = industry.compare(
        figs, facts_store.all_facts(store), "Mejeri Nord", MEASURES, INS.item_keys, 4
    )
    assert found.status == industry.TOO_FEW
    assert found.rows["industry_mean"].is_null().all()


def test_a_workplace_without_an_industry_says_how_to_set_it(make_store):
    store = stored(make_store, industries={k: v for k, v in INDUSTRY.items() if k != "Ostehuset"})
    found = compare(store, "Ostehuset")
    assert (found.industry, found.status) == (None, industry.NO_INDUSTRY)
    assert found.rows["industry_mean"].is_null().all()
    assert found.rows["all_mean"].to_list() == pytest.approx([2025 / 35] * len(MEASURES))
    data = industry.as_json(found, "da")
    assert data["industry"] is None and data["status"] == "no_industry"
    assert "--industry" in data["note"] and "Ostehuset" in data["note"]


def test_a_scoped_viewer_gets_the_pooled_industry_but_no_names_and_no_ranges(make_store):
    store = stored(make_store)
    viewer = access.viewer("leder@nord.dk", "management", [("Mejeri Nord", None)])
    found = compare(store, viewer=viewer)
    assert found.status == industry.COMPARED and not found.ranges
    row = found.rows.row(0, named=True)
    # Still pooled over the industry, but whole (67.5 -> 68) and without its n: the exact
    # figures could be matched to sums of the stand-ins' figures.
    assert (row["industry_mean"], row["industry_n"]) == (68, None)
    assert row["industry_workplace_min"] is None and row["industry_team_max"] is None
    # All workplaces: from what the viewer sees (stand-ins keep their figures).
    assert (row["all_workplace_min"], row["all_workplace_max"]) == (0, 87.5)
    said = json.dumps(industry.as_json(found, "da"), ensure_ascii=False)
    for name in OTHERS:
        assert name not in said
    assert "Spændene inden for branchen vises kun" in said
    # Outside the scope: refused.
    with pytest.raises(access.OutOfScope):
        compare(store, "Mejeri Syd", viewer)


def test_a_consultant_who_sees_the_whole_industry_gets_its_ranges(make_store):
    store = stored(make_store)
    scope = [(w, None) for w in ["Mejeri Nord", "Mejeri Syd", "Ostehuset", "Lille Mejeri"]]
    found = compare(store, viewer=access.viewer("k@x.dk", "consultant", scope))
    assert found.ranges
    assert found.rows["industry_team_min"].to_list() == [25] * len(MEASURES)


def test_a_department_manager_gets_no_ranges_that_could_be_a_sibling(make_store):
    store = stored(make_store)
    viewer = access.viewer("o@nord.dk", "department-manager", [("Mejeri Nord", "Ost")])
    found = compare(store, viewer=viewer)
    assert not found.ranges
    # Smør (100) is the top of every department range; the manager does not see it.
    assert found.rows["all_team_max"].to_list() == [75] * len(MEASURES)
    assert found.rows["industry_team_max"].is_null().all()


def test_the_dairy_reference_holds_the_seed_figures():
    ref = references.dairy_reference()
    got = {r["measure"]: r for r in ref.rows.iter_rows(named=True)}
    assert [got[d]["mean"] for d in INS.dimension_keys] == [73, 66, 74, 66]
    assert (got["between"]["workplace_min"], got["between"]["team_min"]) == (58, 13)
    assert (got["leader"]["workplace_max"], got["leader"]["team_max"]) == (82, 100)
    assert "NFA" in ref.source["da"] and ref.industry == "C"


# -- summary --json -------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    from queries.store import Store
    from tests.analysis.helpers import ROUND

    path = tmp_path / "industry.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = load(Store(path), ROWS)
    for name, code in INDUSTRY.items():
        facts_store.set_facts(store, name, Facts(industry=code))
    return path, ROUND


def summary(*args) -> dict:
    from typer.testing import CliRunner

    from socialkapital.cli import app

    result = CliRunner().invoke(app, ["summary", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_summary_json_gives_each_workplace_its_industry_benchmark(cli_db):
    data = summary()
    groups = {g["workplace"]: g for g in data["groups"] if g["department"] is None}
    nord = groups["Mejeri Nord"]["benchmark"]
    assert nord["industry"] == {"code": "C", "name": "Fremstillingsvirksomhed"}
    assert nord["status"] == "compared" and nord["min_industry_workplaces"] == 3
    assert nord["compared_with"] == {"industry": 3, "all": 4}
    assert set(nord["figures"]) == {analysis.OVERALL, *INS.dimension_keys}
    team = nord["figures"]["team"]
    assert team["score"] == pytest.approx(87.5) and team["n"] == 12
    assert team["industry"]["mean"] == pytest.approx(67.5)
    assert team["industry"]["workplaces"] == 3
    assert team["industry"]["workplace_range"] == [37.5, 87.5]
    assert team["industry"]["team_range"] == [25, 100]
    assert team["all"]["mean"] == pytest.approx(2025 / 35)
    assert team["all"]["workplace_range"] == [0, 87.5]
    # The care home is alone in its industry: compared with all only.
    care = groups["Plejehjemmet"]["benchmark"]
    assert care["status"] == "too_few" and care["figures"]["team"]["industry"] is None
    assert "benchmark" not in groups[None]  # all workplaces together: nothing to compare
    english = summary("--lang", "en")
    first = next(g for g in english["groups"] if g["workplace"] == "Mejeri Nord")
    assert first["benchmark"]["industry"]["name"] == "Manufacturing"


def test_summary_json_for_a_scoped_user_names_no_other_workplace(cli_db):
    from typer.testing import CliRunner

    from socialkapital.cli import app

    add = ["users", "add", "m@x.dk", "--role", "management", "--workplace", "Mejeri Nord"]
    assert CliRunner().invoke(app, add).exit_code == 0
    data = summary("--user", "m@x.dk")
    said = json.dumps(data, ensure_ascii=False)
    for name in OTHERS:
        assert name not in said
    groups = {g["workplace"]: g for g in data["groups"] if g["department"] is None}
    nord = groups["Mejeri Nord"]["benchmark"]
    assert nord["industry"]["code"] == "C" and nord["industry_ranges"] is False
    assert nord["figures"]["team"]["industry"]["mean"] == 68
    assert nord["figures"]["team"]["industry"]["n"] is None
    assert nord["figures"]["team"]["industry"]["workplace_range"] is None
    stand_ins = [g for name, g in groups.items() if name not in (None, "Mejeri Nord")]
    assert stand_ins and all(g["benchmark"] is None for g in stand_ins)
