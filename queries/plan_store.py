"""Action plans in the store: list, save (with a check for concurrent edits), notes, delete."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from queries.store import Store, _run, _scalar
from socialkapital import access
from socialkapital.plans import Plan


class StaleEdit(RuntimeError):
    """Someone else saved the plan after this editor opened it; nothing was overwritten."""


class UnknownName(ValueError):
    """The plan names a workplace, department or round the store does not have."""


def list_plans(store: Store) -> list[Plan]:
    """Every plan, with the version each was last saved at."""
    frame = store.frame("plans")
    return [_plan(row) for row in frame.iter_rows(named=True)]


def _plan(row: dict) -> Plan:
    items = [int(x) for x in (row["items"] or "").split(",") if x]
    return Plan(
        workplace=row["workplace"],
        department=row["department"],
        round=row["round"],
        dimension=row["dimension"],
        items=items,
        focus_area=row["focus_area"],
        description=row["description"],
        responsible=row["responsible"],
        start_date=row["start_date"],
        deadline=row["deadline"],
        follow_up=row["follow_up"] or "",
        goal=row["goal"] or "",
        continuation=row["continuation"] or "",
        status=row["status"],
        plan_id=row["plan_id"],
        version=row["version"],
    )


def save(store: Store, plan: Plan, viewer: access.Viewer = access.LOCAL) -> Plan:
    """Insert a new plan or update one, only if nobody saved it since ``plan.version``.

    Returns the plan as saved (with its id and new version)."""
    return save_many(store, [plan], viewer)[0]


def save_many(store: Store, plans: list[Plan], viewer: access.Viewer = access.LOCAL) -> list[Plan]:
    """Save several plans in one transaction: all of them, or none. The viewer must be
    allowed to edit both the plan's group and, for an update, the group it had."""
    with store.writing() as con:
        for plan in plans:
            access.require_plan_edit(viewer, plan.workplace, plan.department)
            if plan.plan_id is not None:
                _require_stored(con, viewer, plan.plan_id)
            _save(con, plan)
    return plans


def _require_stored(con, viewer: access.Viewer, plan_id: int) -> None:
    """The group a stored plan belongs to must be the viewer's to edit."""
    found = con.execute(
        """
        SELECT w.name, d.name FROM plans p
        JOIN workplaces w ON w.workplace_id = p.workplace_id
        LEFT JOIN departments d ON d.department_id = p.department_id
        WHERE p.plan_id = $id
        """,
        {"id": plan_id},
    ).fetchall()
    for workplace, department in found:
        access.require_plan_edit(viewer, workplace, department)


def _save(con, plan: Plan) -> None:
    ids = _ids(con, plan)
    values = {
        **ids,
        "items": ",".join(str(i) for i in plan.items),
        "dimension": plan.dimension,
        "focus_area": plan.focus_area,
        "description": plan.description,
        "responsible": plan.responsible,
        "start_date": plan.start_date,
        "deadline": plan.deadline,
        "follow_up": plan.follow_up,
        "goal": plan.goal,
        "continuation": plan.continuation,
        "status": plan.status,
        "at": datetime.now(),
    }
    current = None
    if plan.plan_id is not None:
        current = _scalar(
            con, "SELECT version FROM plans WHERE plan_id = $id", {"id": plan.plan_id}
        )
    if current is not None:
        if plan.version and current != plan.version:
            raise StaleEdit(
                f"plan {plan.plan_id} is at version {current}, "
                f"the editor started from {plan.version}"
            )
        _run(
            con,
            """
            UPDATE plans SET workplace_id = $workplace_id, department_id = $department_id,
                round_id = $round_id, dimension = $dimension, items = $items,
                focus_area = $focus_area, description = $description,
                responsible = $responsible, start_date = $start_date, deadline = $deadline,
                follow_up = $follow_up, goal = $goal, continuation = $continuation,
                status = $status, version = $version, updated_at = $at
            WHERE plan_id = $plan_id
            """,
            {**values, "version": current + 1, "plan_id": plan.plan_id},
        )
        plan.version = current + 1
        return
    plan.plan_id = plan.plan_id or _scalar(con, "SELECT coalesce(max(plan_id), 0) + 1 FROM plans")
    _run(
        con,
        """
        INSERT INTO plans VALUES ($plan_id, $workplace_id, $department_id, $round_id,
            $dimension, $items, $focus_area, $description, $responsible, $start_date,
            $deadline, $follow_up, $goal, $continuation, $status, 1, $at)
        """,
        {**values, "plan_id": plan.plan_id},
    )
    plan.version = 1


def _ids(con, plan: Plan) -> dict:
    workplace_id = _scalar(
        con,
        "SELECT workplace_id FROM workplaces WHERE lower(name) = lower($n)",
        {"n": plan.workplace},
    )
    round_id = _scalar(con, "SELECT round_id FROM rounds WHERE name = $n", {"n": plan.round})
    department_id = None
    if plan.department:
        department_id = _scalar(
            con,
            "SELECT department_id FROM departments WHERE workplace_id = $w "
            "AND lower(name) = lower($n)",
            {"w": workplace_id, "n": plan.department},
        )
    missing = [
        what
        for what, value, wanted in (
            ("workplace", workplace_id, True),
            ("round", round_id, True),
            ("department", department_id, bool(plan.department)),
        )
        if wanted and value is None
    ]
    if missing:
        raise UnknownName(", ".join(missing))
    return {"workplace_id": workplace_id, "department_id": department_id, "round_id": round_id}


def check_names(store: Store, plan: Plan) -> None:
    """Raise ``UnknownName`` unless the plan's workplace, department and round exist."""
    with store.reading() as con:
        _ids(con, plan)


def delete(store: Store, plan_id: int, version: int, viewer: access.Viewer = access.LOCAL) -> None:
    """Delete a plan and its notes, unless someone saved it since ``version``."""
    with store.writing() as con:
        _require_stored(con, viewer, plan_id)
        current = _scalar(con, "SELECT version FROM plans WHERE plan_id = $id", {"id": plan_id})
        if current is not None and current != version:
            raise StaleEdit(f"plan {plan_id} changed since it was opened")
        _run(con, "DELETE FROM plan_notes WHERE plan_id = $id", {"id": plan_id})
        _run(con, "DELETE FROM plans WHERE plan_id = $id", {"id": plan_id})


def add_note(
    store: Store, plan_id: int, noted_on: date, note: str, viewer: access.Viewer = access.LOCAL
) -> None:
    with store.writing() as con:
        _require_stored(con, viewer, plan_id)
        _run(
            con,
            "INSERT INTO plan_notes VALUES ($id, $on, $note, $at)",
            {"id": plan_id, "on": noted_on, "note": note, "at": datetime.now()},
        )


def notes(store: Store, plan_id: int) -> pl.DataFrame:
    return store.frame("plan_notes", plan_id=plan_id)
