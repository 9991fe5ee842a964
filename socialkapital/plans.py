"""Action plans from workshops: what a plan holds, its checks, export/import, and how the
scores it targeted moved in the next survey round.

Plans are stored by ``queries.plan_store``; every score shown beside a plan comes from
``trends.trends``, so it has passed each round's anonymity gate.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date

import polars as pl

from socialkapital import analysis, spreadsheet, stats, trends
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.instrument import Instrument

STATUSES = ("planned", "in_progress", "done", "dropped")
REQUIRED = (
    "workplace",
    "round",
    "dimension",
    "focus_area",
    "description",
    "responsible",
    "start_date",
    "deadline",
)
TEXT_FIELDS = ("focus_area", "description", "responsible", "follow_up", "goal", "continuation")


@dataclass
class Plan:
    workplace: str
    round: str
    dimension: str
    focus_area: str
    description: str
    responsible: str
    start_date: date
    deadline: date
    department: str | None = None  # None: the whole workplace
    items: list[int] = field(default_factory=list)
    follow_up: str = ""
    goal: str = ""
    continuation: str = ""
    status: str = "planned"
    plan_id: int | None = None
    version: int = 0  # the version the editor started from (0 = new)

    def overdue(self, today: date) -> bool:
        return self.status in ("planned", "in_progress") and self.deadline < today


class PlanInvalid(ValueError):
    """A plan that cannot be saved; ``problems`` are (field, text key) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(", ".join(f"{f}: {k}" for f, k in problems))


def validate(plan: Plan, instrument: Instrument) -> None:
    """Refuse a plan with a missing required field, a deadline before its start, an unknown
    form, status or item. Every problem is listed."""
    problems = []
    for name in REQUIRED:
        value = getattr(plan, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append((name, "plan.error.required"))
    dated = isinstance(plan.start_date, date) and isinstance(plan.deadline, date)
    if dated and plan.deadline < plan.start_date:
        problems.append(("deadline", "plan.error.deadline_before_start"))
    if plan.dimension and plan.dimension not in instrument.dimension_keys:
        problems.append(("dimension", "plan.error.unknown_dimension"))
    if plan.status not in STATUSES:
        problems.append(("status", "plan.error.unknown_status"))
    numbers = {i.number for i in instrument.items}
    if any(i not in numbers for i in plan.items):
        problems.append(("items", "plan.error.unknown_item"))
    if problems:
        raise PlanInvalid(problems)


# -- export and import -------------------------------------------------------------------

COLUMNS = [
    "plan_id",
    "workplace",
    "department",
    "round",
    "dimension",
    "items",
    "focus_area",
    "description",
    "responsible",
    "start_date",
    "deadline",
    "follow_up",
    "goal",
    "continuation",
    "status",
]


def to_records(plans: list[Plan]) -> list[dict]:
    """Plans as flat records (dates ISO, items '3,4'), the columns of the CSV and JSON."""
    out = []
    for plan in plans:
        record = asdict(plan)
        record.pop("version")
        record["items"] = ",".join(str(i) for i in plan.items)
        record["start_date"] = plan.start_date.isoformat()
        record["deadline"] = plan.deadline.isoformat()
        out.append(record)
    return out


def export_csv(plans: list[Plan]) -> str:
    """The plans as CSV; a cell a spreadsheet would run as a formula is quoted
    (``spreadsheet.cell``), and ``parse`` takes the quote off again."""
    return spreadsheet.records_csv(to_records(plans), COLUMNS)


def export_json(plans: list[Plan]) -> str:
    return json.dumps(to_records(plans), ensure_ascii=False, indent=2)


def parse(data: bytes, name: str, instrument: Instrument) -> list[Plan]:
    """Plans from a CSV or JSON file in the export's columns; every bad cell is named."""
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(
                [Problem(name, exc.lineno, None, None, "bad_json", {"detail": exc.msg})]
            ) from exc
        rows = list(enumerate(records, start=1))
    else:
        records = csv.DictReader(io.StringIO(text))
        unquoted = ({k: _plain(v) for k, v in r.items()} for r in records)
        rows = list(enumerate(unquoted, start=2))
    plans, problems = [], []
    for row, record in rows:
        plan, found = _from_record(record)
        try:
            validate(plan, instrument)
        except PlanInvalid as exc:
            bad_dates = {column for column, _ in found}
            found += [(c, k) for c, k in exc.problems if c not in bad_dates]
        if found:
            problems += [
                Problem(
                    name,
                    row,
                    column,
                    str(record.get(column) or ""),
                    key.removeprefix("plan.error."),
                )
                for column, key in found
            ]
        else:
            plans.append(plan)
    if problems:
        raise ImportFailed(problems)
    return plans


def _plain(value):
    return spreadsheet.plain(value) if isinstance(value, str) else value


def _from_record(record: dict) -> tuple[Plan, list[tuple[str, str]]]:
    """A plan from a flat record, and the cells that could not be read (bad dates, items)."""
    problems = []

    def day(column: str) -> date | None:
        raw = str(record.get(column) or "").strip()
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            problems.append((column, "plan.error.bad_date"))
            return None

    def items() -> list[int]:
        raw = str(record.get("items") or "").replace(";", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            problems.append(("items", "plan.error.unknown_item"))
            return []

    plan_id = str(record.get("plan_id") or "").strip()
    plan = Plan(
        workplace=str(record.get("workplace") or "").strip(),
        department=str(record.get("department") or "").strip() or None,
        round=str(record.get("round") or "").strip(),
        dimension=str(record.get("dimension") or "").strip(),
        items=items(),
        status=str(record.get("status") or "planned").strip(),
        start_date=day("start_date"),
        deadline=day("deadline"),
        plan_id=int(plan_id) if plan_id.isdigit() else None,
        **{name: str(record.get(name) or "").strip() for name in TEXT_FIELDS},
    )
    return plan, problems


# -- before and after --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    measure: str  # dimension key or item key (q7)
    before: float | None
    before_n: int
    after: float | None
    after_n: int
    low: float | None = None  # 95 % interval of the change (Welch)
    high: float | None = None
    holds: bool | None = None  # None: no test (a figure hidden, no spread, or broken)
    reworded: tuple[int, ...] = ()  # questions worded differently in the two rounds
    broken: bool = False  # a changed questionnaire: the two figures are not comparable

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.broken:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class FollowUp:
    group: str  # who is followed: the department, or its lineage ("Pakkeri → Pakkeri Dag + …")
    changes: list[Change]


def measures(plan: Plan) -> list[str]:
    """The measures a plan targets: its form and its questions (q7 ...)."""
    return [plan.dimension, *(f"q{i}" for i in plan.items)]


def effect(store, plan: Plan, next_round: str | None, frame=None) -> FollowUp:
    """The targeted form (and items) in the plan's round and in the next one, for the plan's
    department followed through renames, splits and merges (``trends``).

    Every figure is gated per round, and a group of several departments is shown only when
    all of them are. The plan named its form and questions before the next round was
    measured, so the changes are tested as that one family (Holm across the plan's own
    measures), not against every department of the workplace as on the trends page.
    ``frame``: the workplace's ``trends.trends`` for ``measures(plan)``, when the caller
    has it (cached) already.
    """
    targets = measures(plan)
    if frame is None:
        frame = trends.trends(store, plan.workplace, targets)
    group = plan.workplace
    if plan.department is not None:
        group = trends.lineage_of(frame, plan.department, plan.round, next_round)
    kind = "workplace" if plan.department is None else "department"
    mine = frame.filter((pl.col("kind") == kind) & (pl.col("group") == group))
    rows = {(r["round"], r["measure"]): r for r in mine.iter_rows(named=True)}
    if group is None:  # a department with no history of its own yet: its own figures
        group = plan.department
        rows = _own_rows(analysis.round_figures(store, plan.round), plan, targets)
    after_rows = [rows.get((next_round, m)) for m in targets]
    follows = [r is not None and r["previous"] == plan.round for r in after_rows]
    tested = [r for r, f in zip(after_rows, follows, strict=True) if f and r["p"] is not None]
    adjusted = dict(
        zip((r["measure"] for r in tested), stats.holm([r["p"] for r in tested]), strict=True)
    )
    changes = []
    for m, after, follow in zip(targets, after_rows, follows, strict=True):
        before = rows.get((plan.round, m))
        changes.append(
            Change(
                m,
                before["mean"] if before else None,
                int(before["n"]) if before else 0,
                after["mean"] if after else None,
                int(after["n"]) if after else 0,
                after["change_low"] if follow else None,
                after["change_high"] if follow else None,
                adjusted[m] < trends.ALPHA if m in adjusted else None,
                tuple(after["reworded"]) if follow else (),
                bool(after["broken"]) if follow else False,
            )
        )
    return FollowUp(group, changes)


def _own_rows(figs, plan: Plan, measures: list[str]) -> dict[tuple[str, str], dict]:
    """The department's own gated figures in the plan's round, as trend rows."""
    found = figs.measures.filter(
        (pl.col("level") == "department")
        & (pl.col("workplace") == plan.workplace)
        & (pl.col("department") == plan.department)
        & pl.col("measure").is_in(measures)
    )
    return {
        (plan.round, r["measure"]): {"mean": None if r["suppressed"] else r["mean"], "n": r["n"]}
        for r in found.iter_rows(named=True)
    }
