"""AppTest of the action plans page: create from the overview, edit, stale edits, delete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import plan_store
from queries.store import Store
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv
from tests.plans.test_plans import plan

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def db(tmp_path, monkeypatch, ins):
    path = tmp_path / "plans.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    rows = [("Mejeri Øst", "Ost & Lager", [4] * 21)] * 6 + [("Mejeri Øst", "Pakkeri", [3] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(parsed.responses, "R1", date(2026, 3, 1), "svar.csv", "template")
    return path


def test_make_a_plan_from_the_overview(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="department_da").select("Ost & Lager").run()
    at.selectbox(key="plan_target").select("between").run()
    at.button(key="plan_make").click().run()
    assert not at.exception
    assert at.selectbox(key="new_dept").value == "Ost & Lager"
    assert at.selectbox(key="new_dim").value == "between"
    # The sidebar keeps the department the meeting was looking at.
    assert at.sidebar.selectbox(key="department_da").value == "Ost & Lager"
    at.text_input(key="new_focus").input("Overlevering mellem skift")
    at.text_area(key="new_desc").input("Fem minutters overlevering ved hvert skift")
    at.text_input(key="new_resp").input("Holdleder")
    form_submit = next(b for b in at.button if b.label == "Gem")
    form_submit.click().run()
    assert not at.exception
    saved = plan_store.list_plans(Store(db))
    assert [(p.department, p.dimension, p.focus_area) for p in saved] == [
        ("Ost & Lager", "between", "Overlevering mellem skift")
    ]
    assert at.selectbox(key="plans_open").value == saved[0].plan_id  # the new plan, open


def test_a_new_plan_is_the_one_opened_after_saving(db):
    store = Store(db)
    plan_store.save(store, plan(focus_area="Den gamle plan"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/plans.py").run()
    assert at.selectbox(key="plans_open").value == 1
    at.text_input(key="new_focus").input("Den nye plan")
    at.text_area(key="new_desc").input("Noget, vi vil gøre")
    at.text_input(key="new_resp").input("Holdleder")
    next(b for b in at.button if b.label == "Gem").click().run()
    assert not at.exception
    (new,) = [p for p in plan_store.list_plans(store) if p.focus_area == "Den nye plan"]
    assert at.selectbox(key="plans_open").value == new.plan_id != 1


def test_a_plan_without_required_fields_is_refused(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/plans.py").run()
    next(b for b in at.button if b.label == "Gem").click().run()
    assert not at.exception
    assert "kan ikke gemmes" in at.error[0].value
    assert plan_store.list_plans(Store(db)) == []


def test_edit_detects_a_save_by_someone_else(db):
    store = Store(db)
    plan_store.save(store, plan(workplace="Mejeri Øst", round="R1"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/plans.py").run()
    assert not at.exception
    # Someone else saves the plan while this page has it open.
    theirs = plan_store.list_plans(store)[0]
    theirs.status = "done"
    plan_store.save(store, theirs)
    at.text_input(key="edit_1_focus").input("Min ændring")
    saves = [b for b in at.button if b.label == "Gem"]
    saves[-1].click().run()  # the edit form's save
    assert not at.exception
    assert any("En anden har gemt" in e.value for e in at.error)
    assert plan_store.list_plans(store)[0].focus_area == "Overlevering"


def test_overdue_filter_and_before_after(db):
    store = Store(db)
    plan_store.save(
        store,
        plan(
            round="R1", status="in_progress", start_date=date(2025, 1, 1), deadline=date(2025, 2, 1)
        ),
    )
    plan_store.save(store, plan(round="R1", status="done", focus_area="Færdig"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/plans.py").run()
    at.toggle(key="plans_f_overdue").set_value(True).run()
    assert not at.exception
    listed = at.dataframe[0].value
    assert len(listed) == 1 and "Overskredet" in listed.iloc[0]["Status"]
    before = at.table[0].value
    assert before.iloc[0, 1] == "75,0 (n = 6)"  # the targeted form in R1, gated


def test_make_a_plan_from_the_heatmap(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/heatmap.py").run()
    assert not at.exception
    at.selectbox(key="heatmap_drill_pick").select("Pakkeri").run()
    at.selectbox(key="heatmap_plan_target").select("leader").run()
    at.button(key="heatmap_plan_make").click().run()
    assert not at.exception
    assert at.selectbox(key="new_dept").value == "Pakkeri"
    assert at.selectbox(key="new_dim").value == "leader"


def test_a_plan_for_a_split_department_is_followed_into_its_parts(tmp_path, monkeypatch):
    from queries import trend_store
    from tests.core.test_trends import R1, R2, ROUND1, ROUND2, put

    path = tmp_path / "split.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    put(store, R1, date(2025, 4, 1), ROUND1)
    put(store, R2, date(2026, 4, 1), ROUND2)
    trend_store.save_links(store, "W", R2, {"Pakkeri": ["Pakkeri Dag", "Pakkeri Nat"]})
    plan_store.save(
        store, plan(workplace="W", department="Pakkeri", round=R1, dimension="team", items=[1])
    )
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/plans.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Pakkeri → Pakkeri Dag + Pakkeri Nat" in captions
    table = at.table[0].value.set_index("Tal")
    assert table.loc["Inden for teamet", f"I {R1}"] == "62,5 (n = 8)"
    assert table.loc["Inden for teamet", f"I {R2}"] == "70,5 (n = 11)"  # 775 / 11
    assert (
        table.loc[
            "Spørgsmål 1: " + "I vores gruppe hjælper vi kolleger, der har for meget at lave",
            "Ændring",
        ]
        == "+8,0"
    )
    assert table.loc["Inden for teamet", "Vurdering"] == "kan skyldes tilfældigheder"
