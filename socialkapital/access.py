"""Who may see what: roles with a scope, decided here and nowhere else.

Every page, download, PDF, plan and CLI output asks this module, right after the anonymity
gate: the gate decides what no one may see (too few people), this module what one user may
see (their part). Scope is applied to the gated figures, never before the gate, so what is
hidden never depends on who is looking.

A viewer sees the all-workplaces figures (pooled, named by nobody), the workplaces in their
scope by name, and the departments in their scope. Other workplaces appear only as
"Arbejdsplads A, B, …" with their departments numbered, so a benchmark still compares
against them without saying who they are. A department manager sees the whole workplace and
their own departments; the other departments of the workplace are left out (the workplace
minus theirs is the rest together, which the gate keeps at the threshold or more).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import polars as pl

from socialkapital import text
from socialkapital.anonymity import PROTECTS


@dataclass(frozen=True)
class Role:
    name: str
    # How many workplaces the scope names: None = every workplace (no scope to give).
    workplaces: tuple[int, int | None] | None
    departments: bool  # the scope names departments of its one workplace
    can_import: bool
    can_report: bool
    edit_plans: bool
    manage_users: bool


ROLES = {
    r.name: r
    for r in (
        Role("admin", None, False, True, True, True, True),
        Role("consultant", (1, None), False, True, True, True, False),
        Role("management", (1, 1), False, False, True, True, False),
        Role("works-council", (1, 1), False, False, True, False, False),
        Role("department-manager", (1, 1), True, False, True, True, False),
    )
}


class OutOfScope(text.Worded, PermissionError):
    """The viewer asked for something outside their role's scope."""


class InvalidUser(text.Worded, ValueError):
    """A user cannot be added as given (unknown role, scope that does not fit the role...)."""


@dataclass(frozen=True)
class Viewer:
    """Someone looking at the results: their e-mail (None: local use), role and scope.

    ``workplaces``: the workplaces named by the scope (None: all). ``departments``:
    (workplace, department) pairs for a department manager (None: every department of the
    workplaces in scope). Names compare case-insensitively, as the store matches them.
    """

    email: str | None
    role: str
    workplaces: frozenset[str] | None = None
    departments: frozenset[tuple[str, str]] | None = None

    @property
    def rights(self) -> Role:
        return ROLES[self.role]

    @property
    def everything(self) -> bool:
        return self.workplaces is None and self.departments is None

    def sees_workplace(self, workplace: str | None) -> bool:
        return self.workplaces is None or _fold(workplace) in self.workplaces

    def sees_department(self, workplace: str | None, department: str | None) -> bool:
        """A department (None: the whole workplace) of a workplace in scope."""
        if not self.sees_workplace(workplace):
            return False
        if department is None or self.departments is None:
            return True
        return (_fold(workplace), _fold(department)) in self.departments

    def key(self) -> tuple:
        """The same for equal viewers, in every run: a cache key."""
        return (
            self.email,
            self.role,
            None if self.workplaces is None else tuple(sorted(self.workplaces)),
            None if self.departments is None else tuple(sorted(self.departments)),
        )

    def may(self, right: str) -> bool:
        """One of the role's rights: can_import, can_report, edit_plans, manage_users."""
        return bool(getattr(self.rights, right))


# Local use without sign-in: one person on their own machine, who holds the store file anyway.
LOCAL = Viewer(None, "admin")


def viewer(email: str, role: str, scope: list[tuple[str, str | None]]) -> Viewer:
    """A viewer from a user's stored role and scope rows (workplace, department or None)."""
    if role not in ROLES:
        raise InvalidUser("users.bad_role", role=role, roles=", ".join(ROLES))
    rights = ROLES[role]
    if rights.workplaces is None:
        return Viewer(email, role)
    workplaces = frozenset(_fold(w) for w, _ in scope)
    departments = None
    if rights.departments:
        departments = frozenset((_fold(w), _fold(d)) for w, d in scope if d is not None)
    return Viewer(email, role, workplaces, departments)


def check_scope(role: str, workplaces: list[str], departments: list[str]) -> None:
    """Refuse a scope that does not fit the role (before anything is stored)."""
    if role not in ROLES:
        raise InvalidUser("users.bad_role", role=role, roles=", ".join(ROLES))
    rights = ROLES[role]
    if rights.workplaces is None:
        if workplaces or departments:
            raise InvalidUser("users.admin_no_scope")
        return
    low, high = rights.workplaces
    if not low <= len(workplaces) <= (high or len(workplaces)):
        key = "users.one_workplace" if high == 1 else "users.some_workplace"
        raise InvalidUser(key, role=role)
    if rights.departments and not departments:
        raise InvalidUser("users.needs_department", role=role)
    if departments and not rights.departments:
        raise InvalidUser("users.no_department", role=role)


def require(viewer: Viewer, workplace: str | None, department: str | None = None) -> None:
    """Refuse a workplace or department outside the viewer's scope."""
    if not viewer.sees_department(workplace, department):
        if department is not None and viewer.sees_workplace(workplace):
            raise OutOfScope("access.no_department", department=department)
        raise OutOfScope("access.no_workplace", workplace=workplace)


def require_right(viewer: Viewer, right: str) -> None:
    """Refuse an action the viewer's role does not allow."""
    if not viewer.may(right):
        raise OutOfScope("access.not_allowed", role=viewer.role)


def own_workplaces(viewer: Viewer, names: list[str]) -> list[str]:
    """The names (of a round, a list...) that the viewer sees by name, in the given order."""
    return [w for w in names if viewer.sees_workplace(w)]


def own_departments(viewer: Viewer, workplace: str, names: list[str]) -> list[str]:
    return [d for d in names if viewer.sees_department(workplace, d)]


# -- figures ---------------------------------------------------------------------------------


def pseudonyms(names: list[str], lang: str) -> dict[str, str]:
    """'Arbejdsplads A, B, …' for workplaces outside a scope.

    Lettered in the order of a hash of the name, not by name: the letters must not hint at
    who is who (alphabetical order would).
    """
    ordered = sorted(set(names), key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return {
        name: text.t("access.other_workplace", lang, letter=_letters(i))
        for i, name in enumerate(ordered)
    }


def _letters(i: int) -> str:
    """A, B, …, Z, AA, AB, …"""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def restrict(frame: pl.DataFrame, viewer: Viewer, lang: str) -> pl.DataFrame:
    """The rows of a gated frame (level, workplace, department, …) that the viewer may see.

    All-workplaces rows stay; workplaces and departments in scope stay by name; other
    workplaces and their departments stay under stand-in names (for benchmarks and ranges);
    the out-of-scope departments of a workplace in scope are left out.
    """
    if viewer.everything or not frame.height:
        return frame
    groups = frame.filter(pl.col("workplace").is_not_null()).select("workplace", "department")
    groups = groups.unique().sort("workplace", "department", nulls_last=False)
    names = groups["workplace"].unique().to_list()
    others = pseudonyms([w for w in names if not viewer.sees_workplace(w)], lang)
    numbers = _department_numbers(groups.filter(pl.col("workplace").is_in(list(others))), lang)
    renamed = []
    # One row per group (a few thousand at most), not per person.
    for workplace, department in groups.iter_rows():
        if workplace in others:
            renamed.append(
                (workplace, department, others[workplace], numbers.get((workplace, department)))
            )
        elif viewer.sees_department(workplace, department):
            renamed.append((workplace, department, workplace, department))
    mapping = pl.DataFrame(
        renamed,
        schema={"workplace": pl.String, "department": pl.String, "_w": pl.String, "_d": pl.String},
        orient="row",
    )
    named = frame.join(
        mapping,
        on=["workplace", "department"],
        how="inner",
        nulls_equal=True,
        maintain_order="left",
    ).with_columns(pl.col("_w").alias("workplace"), pl.col("_d").alias("department"))
    if PROTECTS in frame.columns:
        named = _rename_protected(named, mapping)
    everyone = frame.filter(pl.col("workplace").is_null())
    out = pl.concat([everyone, named.drop("_w", "_d")], how="vertical_relaxed")
    # Re-sorted after renaming: the order of the real names must not show through.
    return out.sort("workplace", "department", nulls_last=False, maintain_order=True)


def _rename_protected(named: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """The departments a hidden figure protects (``anonymity.PROTECTS``: real names), named
    as the viewer sees them: stand-in names in other workplaces, and left out where the
    viewer does not see the department (then nobody is named). ``named``'s workplaces are
    already the names the viewer sees (``mapping``'s ``_w``)."""
    names = mapping.drop_nulls("_d").select(
        pl.col("_w").alias("workplace"), pl.col("department").alias(PROTECTS), "_d"
    )
    rows = named.with_row_index("_row")
    seen = (
        rows.select("_row", "workplace", PROTECTS)
        .explode(PROTECTS)
        .join(names, on=["workplace", PROTECTS])
        .group_by("_row")
        .agg(pl.col("_d").sort().alias("_seen"))
    )
    return (
        rows.join(seen, on="_row", how="left", maintain_order="left")
        .with_columns(pl.col("_seen").alias(PROTECTS))
        .drop("_row", "_seen")
    )


def _department_numbers(groups: pl.DataFrame, lang: str) -> dict[tuple[str, str], str]:
    """'Afdeling 1, 2, …' within each workplace outside the scope, in the order of a hash."""
    numbers: dict[tuple[str, str], str] = {}
    for (workplace,), part in groups.drop_nulls("department").group_by(["workplace"]):
        names = part["department"].to_list()
        ordered = sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
        for i, name in enumerate(ordered, start=1):
            numbers[(workplace, name)] = text.t("access.other_department", lang, number=i)
    return numbers


def _fold(name: str | None) -> str:
    return (name or "").strip().casefold()


def restrict_figures(figs, viewer: Viewer, lang: str):
    """A ``RoundFigures`` or ``Results`` with only what the viewer may see (``restrict``)."""
    if viewer.everything:
        return figs
    changes = {
        "groups": restrict(figs.groups, viewer, lang),
        "measures": restrict(figs.measures, viewer, lang),
    }
    if hasattr(figs, "workplaces"):
        sites = changes["groups"].filter(pl.col("level") == "workplace")["workplace"]
        changes["workplaces"] = tuple(sites.to_list())
    return dataclasses.replace(figs, **changes)


def restrict_departments(frame: pl.DataFrame, viewer: Viewer, workplace: str) -> pl.DataFrame:
    """Rows of one workplace's departments (a ``department`` column) that the viewer sees."""
    require(viewer, workplace)
    if viewer.departments is None:
        return frame
    names = frame["department"].drop_nulls().unique().to_list()
    mine = own_departments(viewer, workplace, names)
    return frame.filter(pl.col("department").is_null() | pl.col("department").is_in(mine))


def restrict_trends(frame: pl.DataFrame, viewer: Viewer, workplace: str) -> pl.DataFrame:
    """Trend rows (``kind``, ``members``) of a workplace that the viewer sees: the workplace,
    and lines whose every department, in every round, is in the viewer's scope."""
    require(viewer, workplace)
    if viewer.departments is None:
        return frame
    names = frame["members"].explode().drop_nulls().unique().to_list()
    outside = [d for d in names if not viewer.sees_department(workplace, d)]
    lines = frame.filter(pl.col("members").list.set_intersection(outside).list.len() > 0)
    hidden = lines["group"].unique().to_list()
    return frame.filter((pl.col("kind") == "workplace") | ~pl.col("group").is_in(hidden))


def require_request(
    viewer: Viewer, workplaces: list[str] | None, department: str | None = None
) -> None:
    """Refuse a filter reaching outside the scope. None (every workplace) is allowed: such
    figures are pooled and name nobody."""
    for workplace in workplaces or []:
        require(viewer, workplace, department)


def visible_plans(plans: list, viewer: Viewer) -> list:
    """The action plans the viewer may read: of their workplaces and (department manager)
    their departments, plus the plans for the whole workplace."""
    return [p for p in plans if viewer.sees_department(p.workplace, p.department)]


def may_edit_plan(viewer: Viewer, workplace: str, department: str | None) -> bool:
    """Edit (or make, delete) a plan: a role that edits plans, for a group in scope; a
    department manager only for their own departments, not the whole workplace's."""
    if not viewer.may("edit_plans") or not viewer.sees_department(workplace, department):
        return False
    return department is not None or viewer.departments is None


def require_plan_edit(viewer: Viewer, workplace: str, department: str | None) -> None:
    """Refuse making, changing or deleting a plan the viewer may not edit."""
    if not may_edit_plan(viewer, workplace, department):
        raise OutOfScope("access.not_allowed", role=viewer.role)


def require_import(viewer: Viewer, workplaces: list[str]) -> None:
    """Refuse an import unless the role imports and every workplace of the file is its own."""
    require_right(viewer, "can_import")
    for workplace in workplaces:
        require(viewer, workplace)
