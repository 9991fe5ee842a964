"""Reporting groups in the store (issue 18): a round's layout per workplace, and what
accepting one does to what is stored.

A department in a round's layout has its answers and invitations stored under its reporting
group: an import renames it as it writes (``store.replace_responses``/``replace_roster``),
and accepting a layout for a round that holds answers already moves them, in the same
transaction as the layout, and links each department to its group so the trends follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from queries.sql import query, subquery
from queries.store import (
    Store,
    _require_known,
    _require_name,
    _run,
    _scalar,
    _upsert_names,
    _upsert_round,
)
from socialkapital import grouping
from socialkapital.grouping import Merge, check_layout


@dataclass(frozen=True)
class Saved:
    """What accepting a layout changed: respondents and invitations moved to a group."""

    respondents: int
    invited: int


def layout(store: Store, workplace: str, round_name: str) -> dict[str, str]:
    """The workplace's layout for the round: department -> reporting group (none: {})."""
    found = store.frame("reporting_groups", workplace=workplace, round=round_name)
    return dict(found.iter_rows())


def merges(store: Store, workplace: str, round_name: str) -> list[Merge]:
    """The layout as merges (a group and its departments)."""
    groups: dict[str, list[str]] = {}
    for department, group in layout(store, workplace, round_name).items():
        groups.setdefault(group, []).append(department)
    return [Merge(g, tuple(m)) for g, m in groups.items()]


def counts(store: Store, workplace: str, round_name: str) -> pl.DataFrame:
    """The workplace's departments (groups) in the round: department, invited, respondents."""
    return store.frame("planning_counts", workplace=workplace, round=round_name)


def rounds_with_answers(store: Store, workplace: str) -> list[str]:
    """The rounds in which the workplace has answers, newest first."""
    return store.frame("workplace_rounds", workplace=workplace)["round"].to_list()


def previous_rate(store: Store, workplace: str, round_name: str | None = None) -> float | None:
    """The workplace's response rate in its newest round with a roster and answers (other
    than ``round_name``); None when there is none."""
    rates = store.frame("workplace_rates", workplace=workplace)
    rates = rates.filter(pl.col("round") != (round_name or ""))
    if not rates.height:
        return None
    row = rates.row(0, named=True)
    return min(1.0, row["respondents"] / row["invited"]) if row["invited"] else None


def plan_for(
    store: Store,
    workplace: str,
    round_name: str,
    source: str | None = None,
    typed: dict[str, int] | None = None,
    roster: bool = False,
) -> tuple[grouping.Plan, str, dict[str, str]]:
    """The advice for a workplace's round: the plan, what it rests on ('answers', 'roster'
    at the setting's response rate, 'roster_previous' at the last round's) and the stored
    layout it builds on (the round's departments that are groups already).

    Head counts typed by hand come first; then the answers of ``source`` (default: the
    round itself; an earlier round's answers advise the next round), unless ``roster``
    (right after a roster import: its invited); then the invited of the roster.
    """
    settings = store.settings
    threshold = settings.anonymity_threshold
    if typed:
        rate = settings.planning_response_rate
        return grouping.plan(typed, threshold, rate), "roster", {}
    basis = source or round_name
    found = counts(store, workplace, basis)
    previous = layout(store, workplace, basis)
    if found["respondents"].sum() and not (roster and found["invited"].sum()):
        answered = dict(found.select("department", "respondents").iter_rows())
        return grouping.plan(answered, threshold), "answers", previous
    if not found["invited"].sum():
        raise grouping.BadMerge("groups.no_counts", workplace=workplace, round=basis)
    # Departments that only answered (no one of them on the roster) are not planned for.
    invited = dict(found.filter(pl.col("invited") > 0).select("department", "invited").iter_rows())
    rate = previous_rate(store, workplace, basis)
    kind = "roster" if rate is None else "roster_previous"
    rate = settings.planning_response_rate if rate is None else rate
    return grouping.plan(invited, threshold, rate), kind, previous


def save_layout(
    store: Store,
    workplace: str,
    round_name: str,
    chosen: list[Merge],
    round_date: date | None = None,
    *,
    create: bool = False,
) -> Saved:
    """Make ``chosen`` the workplace's layout for the round, in one transaction: the layout
    replaced, the round's answers and invitations of its departments moved to their
    groups, and trend links from each department to its group.

    As for a roster, the workplace and round must be known unless ``create``.
    """
    _require_name(round_name, "round")
    _require_name(workplace, "workplace")
    check_layout(chosen)
    rows = pl.DataFrame(
        [(member, m.name) for m in chosen for member in m.members],
        schema={"department": pl.String, "reporting_group": pl.String},
        orient="row",
    )
    with store.writing() as con:
        if not create:
            _require_known(con, round_name, workplace)
        round_id = _upsert_round(con, round_name, round_date)
        # The groups become departments of the workplace (made if new), as an import would.
        con.register(
            "incoming",
            pl.DataFrame(
                {"workplace": workplace, "department": [m.name for m in chosen] or [None]},
                schema={"workplace": pl.String, "department": pl.String},
            ),
        )
        _upsert_names(con)
        workplace_id = _scalar(
            con,
            "SELECT workplace_id FROM workplaces WHERE lower(name) = lower($w)",
            {"w": workplace},
        )
        ids = {"w": workplace_id, "r": round_id}
        # Links this round's earlier layout made go with it; the demo's split (or any other
        # link the user made) stays.
        con.register("layout_rows", _with_previous(con, rows, ids))
        _run(
            con,
            """
            DELETE FROM department_links
            WHERE workplace_id = $w AND round_id = $r AND new_department_id IN (
                SELECT department_id FROM departments
                WHERE workplace_id = $w
                  AND lower(name) IN (SELECT lower(reporting_group) FROM layout_rows))
            """,
            ids,
        )
        con.register("layout_rows", rows)
        _run(con, "DELETE FROM reporting_groups WHERE round_id = $r AND workplace_id = $w", ids)
        _run(
            con,
            "INSERT INTO reporting_groups SELECT $r, $w, department, reporting_group "
            "FROM layout_rows",
            ids,
        )
        before = _moved(con, ids)
        moves = subquery("layout_moves")
        _run(con, f"CREATE OR REPLACE TEMP TABLE layout_moves AS {moves}", {"w": workplace_id})
        _run(con, query("remap_respondents"), {"r": round_id})
        _run(con, query("remap_roster"), ids)
        _run(con, f"INSERT INTO department_links {subquery('group_links')}", ids)
        # A department whose answers all went to its group has no history of its own left:
        # its links would only repeat the group's lineage on the trends page.
        _run(
            con,
            """
            DELETE FROM department_links WHERE workplace_id = $w AND old_department_id IN (
                SELECT d.department_id FROM departments d
                WHERE d.workplace_id = $w
                  AND lower(d.name) IN (SELECT lower(department) FROM reporting_groups
                                        WHERE workplace_id = $w)
                  AND NOT EXISTS (SELECT 1 FROM respondents r
                                  WHERE r.department_id = d.department_id))
            """,
            {"w": workplace_id},
        )
    return before


def clear_layout(store: Store, workplace: str, round_name: str) -> int:
    """Forget the workplace's layout for the round; return how many departments it had.

    Answers stored under a group stay there: which department each came from is not kept
    (that is what protects the small department)."""
    with store.writing() as con:
        found = _scalar(
            con,
            """
            SELECT count(*) FROM reporting_groups g
            JOIN rounds o ON o.round_id = g.round_id
            JOIN workplaces w ON w.workplace_id = g.workplace_id
            WHERE o.name = $r AND lower(w.name) = lower($w)
            """,
            {"r": round_name, "w": workplace},
        )
        _run(
            con,
            """
            DELETE FROM reporting_groups WHERE
                round_id IN (SELECT round_id FROM rounds WHERE name = $r)
                AND workplace_id IN (SELECT workplace_id FROM workplaces
                                     WHERE lower(name) = lower($w))
            """,
            {"r": round_name, "w": workplace},
        )
    return int(found or 0)


def _with_previous(con, rows: pl.DataFrame, ids: dict) -> pl.DataFrame:
    """The new layout's rows and the round's stored ones (whose links are replaced)."""
    stored = con.sql(
        "SELECT department, reporting_group FROM reporting_groups "
        "WHERE round_id = $r AND workplace_id = $w",
        params=ids,
    ).pl()
    return pl.concat([rows, stored], how="vertical_relaxed")


def _moved(con, ids: dict) -> Saved:
    """Respondents and invitations of the round that the layout is about to move."""
    counted = {}
    for table in ("respondents", "roster"):
        counted[table] = _scalar(
            con,
            f"""
            SELECT count(*) FROM {table} t
            JOIN departments d ON d.department_id = t.department_id
            JOIN layout_rows l ON lower(d.name) = lower(l.department)
            WHERE t.round_id = $r AND d.workplace_id = $w
              AND lower(l.department) <> lower(l.reporting_group)
            """,
            ids,
        )
    return Saved(int(counted["respondents"] or 0), int(counted["roster"] or 0))
