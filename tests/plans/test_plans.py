"""Action plans: checks, the store (concurrent edits, re-imports), before/after, CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from scipy import stats as sps
from typer.testing import CliRunner

from queries import plan_store, trend_store
from socialkapital import plans
from socialkapital.cli import app
from socialkapital.importers import ImportFailed, read_responses
from tests.conftest import template_rows, to_csv


def plan(**changes) -> plans.Plan:
    values = dict(
        workplace="Mejeri Øst",
        department="Ost & Lager",
        round="R1",
        dimension="between",
        items=[7, 10],
        focus_area="Overlevering",
        description="Fælles overlevering ved skifteskift",
        responsible="Holdleder",
        start_date=date(2026, 5, 1),
        deadline=date(2026, 8, 1),
    )
    values.update(changes)
    return plans.Plan(**values)


def load(store, ins, round_name, answer_between, answer_rest=4, n=6, day=None, replace=False):
    """n people in Ost & Lager answering the between items with one code, the rest another."""
    answers = [answer_rest] * 6 + [answer_between] * 6 + [answer_rest] * 9
    rows = [("Mejeri Øst", "Ost & Lager", answers)] * n
    rows += [("Mejeri Øst", "Pakkeri", [3] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(
        parsed.responses, round_name, day, "svar.csv", "template", replace=replace
    )


def test_required_fields_and_dates_are_checked(ins):
    with pytest.raises(plans.PlanInvalid) as caught:
        plans.validate(
            plan(
                focus_area=" ",
                responsible="",
                deadline=date(2026, 4, 1),
                dimension="nope",
                status="maybe",
                items=[22],
            ),
            ins,
        )
    assert set(caught.value.problems) == {
        ("focus_area", "plan.error.required"),
        ("responsible", "plan.error.required"),
        ("deadline", "plan.error.deadline_before_start"),
        ("dimension", "plan.error.unknown_dimension"),
        ("status", "plan.error.unknown_status"),
        ("items", "plan.error.unknown_item"),
    }
    plans.validate(plan(), ins)


def test_overdue(ins):
    assert plan(status="in_progress").overdue(date(2026, 9, 1))
    assert not plan(status="done").overdue(date(2026, 9, 1))
    assert not plan(status="planned").overdue(date(2026, 7, 1))


def test_save_update_and_a_concurrent_edit_is_caught(store, ins):
    load(store, ins, "R1", 2)
    first = plan_store.save(store, plan())
    assert (first.plan_id, first.version) == (1, 1)
    mine, theirs = plan_store.list_plans(store)[0], plan_store.list_plans(store)[0]
    theirs.status = "in_progress"
    plan_store.save(store, theirs)  # they save first
    mine.description = "Min ændring"
    with pytest.raises(plan_store.StaleEdit):
        plan_store.save(store, mine)
    saved = plan_store.list_plans(store)[0]
    assert (saved.status, saved.description, saved.version) == (
        "in_progress",
        "Fælles overlevering ved skifteskift",
        2,
    )
    with pytest.raises(plan_store.StaleEdit):
        plan_store.delete(store, saved.plan_id, version=1)
    plan_store.add_note(store, saved.plan_id, date(2026, 6, 1), "Tjeklisten er i brug")
    assert plan_store.notes(store, saved.plan_id)["note"].to_list() == ["Tjeklisten er i brug"]
    plan_store.delete(store, saved.plan_id, version=2)
    assert plan_store.list_plans(store) == []


def test_plans_survive_reimporting_the_answers(store, ins):
    load(store, ins, "R1", 2)
    plan_store.save(store, plan())
    load(store, ins, "R1", 3, replace=True)  # the same round imported again
    assert len(plan_store.list_plans(store)) == 1


def test_unknown_names_are_refused(store, ins):
    load(store, ins, "R1", 2)
    with pytest.raises(plan_store.UnknownName, match="department"):
        plan_store.save(store, plan(department="Findes ikke"))


def test_before_and_after_the_next_round(make_store, ins):
    store = make_store(threshold=5)
    load(store, ins, "R1", 2, day=date(2025, 4, 1))  # between: 25
    load(store, ins, "R2", 4, day=date(2026, 4, 1))  # between: 75
    saved = plan_store.save(store, plan())
    following = store.frame("next_round", round="R1", workplace="Mejeri Øst")["name"]
    assert following.to_list() == ["R2"]
    follow = plans.effect(store, saved, "R2")
    assert follow.group == "Ost & Lager"
    got = [(c.measure, c.before, c.before_n, c.after, c.after_n, c.change) for c in follow.changes]
    assert got == [
        ("between", 25.0, 6, 75.0, 6, 50.0),
        ("q7", 25.0, 6, 75.0, 6, 50.0),
        ("q10", 25.0, 6, 75.0, 6, 50.0),
    ]
    # Everyone answered alike in each round: no spread, so nothing to test.
    assert [c.holds for c in follow.changes] == [None, None, None]


def test_before_and_after_never_shows_a_hidden_group(make_store, ins):
    store = make_store(threshold=5)
    load(store, ins, "R1", 2, n=4, day=date(2025, 4, 1))  # Ost & Lager: 4 people, hidden
    load(store, ins, "R2", 4, n=6, day=date(2026, 4, 1))
    saved = plan_store.save(store, plan())
    changes = plans.effect(store, saved, "R2").changes
    assert changes[0].before is None and changes[0].change is None


def test_export_and_import_round_trip(store, ins, tmp_path):
    load(store, ins, "R1", 2)
    plan_store.save(store, plan(items=[], department=None, goal="Når alle bruger den"))
    runner = CliRunner()
    out = runner.invoke(app, ["plans", "export", "--format", "json", "--db", str(store.path)])
    records = json.loads(out.output)
    assert records[0]["department"] is None and records[0]["goal"] == "Når alle bruger den"
    records[0]["status"] = "done"
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    done = runner.invoke(app, ["plans", "import", str(path), "--db", str(store.path)])
    assert done.exit_code == 0, done.output
    assert [p.status for p in plan_store.list_plans(store)] == ["done"]
    csv_out = runner.invoke(app, ["plans", "export", "--db", str(store.path)]).output
    assert csv_out.splitlines()[0].startswith("plan_id,workplace,department,round")


def test_import_names_every_bad_cell(ins):
    data = (
        "workplace,round,dimension,focus_area,description,responsible,start_date,deadline\n"
        "Mejeri Øst,R1,team,Fokus,Beskrivelse,Ansvarlig,2026-05-01,2026-04-01\n"
        "Mejeri Øst,R1,hygge,,Beskrivelse,Ansvarlig,1. maj,2026-06-01\n"
    ).encode()
    with pytest.raises(ImportFailed) as caught:
        plans.parse(data, "plans.csv", ins)
    assert [(p.row, p.column, p.key) for p in caught.value.problems] == [
        (2, "deadline", "deadline_before_start"),
        (3, "start_date", "bad_date"),
        (3, "focus_area", "required"),
        (3, "dimension", "unknown_dimension"),
    ]


def test_a_split_department_is_followed_into_its_parts_and_tested_as_the_plans_family(store):
    from tests.core.test_trends import R1, R2, ROUND1, ROUND2, put, scores

    put(store, R1, date(2025, 4, 1), ROUND1)
    put(store, R2, date(2026, 4, 1), ROUND2)
    trend_store.save_links(store, "W", R2, {"Pakkeri": ["Pakkeri Dag", "Pakkeri Nat"]})
    saved = plan_store.save(
        store, plan(workplace="W", department="Pakkeri", round=R1, dimension="team", items=[1])
    )
    follow = plans.effect(store, saved, R2)
    assert follow.group == "Pakkeri → Pakkeri Dag + Pakkeri Nat"
    team, q1 = follow.changes
    assert (team.before, team.before_n) == (62.5, 8)
    assert (team.after, team.after_n) == (pytest.approx(775 / 11), 11)
    # Welch on the persons' scores, then Holm over the plan's two figures (same p twice,
    # as every item of a person has the same code here: both adjusted to 2p, capped at 1).
    before = scores(ROUND1, ("W", "Pakkeri"))
    after = scores(ROUND2, ("W", "Pakkeri Dag"), ("W", "Pakkeri Nat"))
    ref = sps.ttest_ind(after, before, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (team.low, team.high) == pytest.approx((ci.low, ci.high))
    assert team.holds == (min(1.0, 2 * ref.pvalue) < 0.05)
    assert q1.change == pytest.approx(775 / 11 - 62.5)
