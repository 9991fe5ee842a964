"""``socialkapital groups``: reporting groups, planned before the survey (issue 18).

``propose`` lists the departments that will get too few answers to be shown and those that
would be hidden to protect them, with merges that keep everyone shown; ``accept`` stores a
layout for a round (the proposals, or merges of your own); ``show`` and ``clear``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from queries import group_store
from queries.store import Store
from socialkapital import access, audit, grouping, settings, text
from socialkapital.cli_options import (
    DbOption,
    LangOption,
    fail,
    open_existing_store,
    open_store,
    refusals,
)
from socialkapital.users_cli import UserOption, viewer_of

groups = typer.Typer(
    help="Reporting groups: merge small departments before the survey, so none hides another.",
    no_args_is_help=True,
    add_completion=False,
)

WorkplaceOption = Annotated[str, typer.Option("--workplace", help="The workplace.")]
RoundOption = Annotated[
    str, typer.Option("--round", help="The survey round the layout is for.", show_default=False)
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from-round",
        help="Plan from this round's answers (advice for the next round); default: --round.",
        show_default=False,
    ),
]
CountOption = Annotated[
    list[str] | None,
    typer.Option(
        "--department",
        help='A department and its head count, "Name=12" (repeatable), before any roster.',
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _typed(typed: list[str] | None) -> dict[str, int] | None:
    """``--department "Name=12"`` options as counts (None when none are given)."""
    return grouping.parse_counts("\n".join(typed)) if typed else None


def report(plan: grouping.Plan, kind: str, threshold: int, lang: str) -> list[str]:
    """The plan as lines for the terminal (also after ``roster``)."""
    lines = grouping.advice(plan, threshold, lang)
    if plan.rate < 1:
        lines.append(text.t(f"groups.rate_{kind}", lang, rate=text.percent(plan.rate, lang)))
    return lines


def as_json(plan: grouping.Plan, kind: str, workplace: str, round_name: str) -> dict:
    return {
        "workplace": workplace,
        "round": round_name,
        "basis": kind,
        "expected_response_rate": plan.rate,
        "departments": [
            {"name": u.name, "count": u.count, "expected": u.expected} for u in plan.units
        ],
        "below_threshold": list(plan.below),
        "hidden_to_protect": list(plan.protecting),
        "proposals": [{"name": m.name, "members": list(m.members)} for m in plan.merges],
    }


@groups.command("propose")
def propose(
    workplace: WorkplaceOption,
    round_name: RoundOption,
    from_round: FromOption = None,
    department: CountOption = None,
    json_out: JsonOption = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Which departments will be hidden, and merges that keep them all shown."""
    try:
        typed = _typed(department)
        if typed and not settings.db_path(db).is_file():
            # Planned before anything is stored: no store to open (nor to make).
            chosen = settings.from_env()
            rate = chosen.planning_response_rate
            plan, kind = grouping.plan(typed, chosen.anonymity_threshold, rate), "roster"
            threshold = chosen.anonymity_threshold
        else:
            store = open_existing_store(db, lang)
            _allowed(store, user, workplace, lang)
            with refusals(lang):
                plan, kind, _ = group_store.plan_for(
                    store, workplace, round_name, from_round, typed
                )
            threshold = store.settings.anonymity_threshold
    except grouping.BadMerge as exc:
        fail(text.t(exc.key, lang, **exc.params), 2)
    except settings.SettingsError as exc:
        fail(exc.message(lang), 3)
    if json_out:
        typer.echo(json.dumps(as_json(plan, kind, workplace, round_name), ensure_ascii=False))
        return
    typer.echo(text.t("groups.heading", lang, workplace=workplace, round=round_name))
    for line in report(plan, kind, threshold, lang):
        typer.echo(f"  {line}")
    if plan.merges:
        typer.echo(text.t("groups.accept_hint", lang, workplace=workplace, round=round_name))


@groups.command("accept")
def accept(
    workplace: WorkplaceOption,
    round_name: RoundOption,
    merge: Annotated[
        list[str] | None,
        typer.Option(
            "--merge",
            help='A group of your own, "A,B=Name" (repeatable); default: the proposals.',
            show_default=False,
        ),
    ] = None,
    from_round: FromOption = None,
    department: CountOption = None,
    create: Annotated[
        bool, typer.Option("--create", help="Add the workplace and round if they are new.")
    ] = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Store a round's layout: answers and invitations of its departments go to their group."""
    store = open_store(db, lang)
    _allowed(store, user, workplace, lang)
    with refusals(lang, hint="store.hint_create"):
        try:
            plan, _, previous = group_store.plan_for(
                store, workplace, round_name, from_round, _typed(department)
            )
            units = [u.name for u in plan.units]
            chosen = [grouping.parse_merge(m, units) for m in merge] if merge else list(plan.merges)
            grouping.check_layout(chosen, units)
            layout = grouping.carry(previous, chosen)
        except grouping.BadMerge as exc:
            fail(text.t(exc.key, lang, **exc.params), 2)
        saved = group_store.save_layout(store, workplace, round_name, layout, create=create)
    detail = "; ".join(f"{m.name} = {', '.join(m.members)}" for m in layout)
    audit.record(store.path, user, "groups", f"{round_name}: {workplace}: {detail}")
    typer.echo(
        text.t("groups.saved", lang, count=len(layout), workplace=workplace, round=round_name)
    )
    for m in layout:
        typer.echo(f"  {m.name}: {grouping.names(list(m.members), lang)}")
    if saved.respondents or saved.invited:
        typer.echo(text.t("groups.moved", lang, count=saved.respondents, invited=saved.invited))


@groups.command("show")
def show(
    workplace: WorkplaceOption,
    round_name: RoundOption,
    json_out: JsonOption = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """The reporting groups stored for a round."""
    store = open_existing_store(db, lang)
    _allowed(store, user, workplace, lang)
    with refusals(lang):
        stored = group_store.merges(store, workplace, round_name)
    if json_out:
        data = [{"name": m.name, "members": list(m.members)} for m in stored]
        typer.echo(
            json.dumps(
                {"workplace": workplace, "round": round_name, "groups": data}, ensure_ascii=False
            )
        )
        return
    if not stored:
        typer.echo(text.t("groups.none", lang, workplace=workplace, round=round_name))
    for m in stored:
        typer.echo(f"{m.name}: {grouping.names(list(m.members), lang)}")


@groups.command("clear")
def clear(
    workplace: WorkplaceOption,
    round_name: RoundOption,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Forget a round's layout (answers already stored under a group stay there)."""
    store = open_existing_store(db, lang)
    _allowed(store, user, workplace, lang)
    with refusals(lang):
        count = group_store.clear_layout(store, workplace, round_name)
    audit.record(store.path, user, "groups", f"{round_name}: {workplace}: cleared")
    typer.echo(text.t("groups.cleared", lang, count=count, workplace=workplace, round=round_name))


def _allowed(store: Store, user: str | None, workplace: str, lang: str) -> None:
    """Planning the layout is part of importing: only roles that import, for their own."""
    with refusals(lang):
        access.require_import(viewer_of(store, user, lang), [workplace])


def advise_after_roster(store: Store, workplace: str, round_name: str, lang: str) -> None:
    """After a roster import: the departments at risk and the proposals, if any."""
    plan, kind, _ = group_store.plan_for(store, workplace, round_name, roster=True)
    if not plan.below:
        return
    typer.echo(text.t("groups.heading", lang, workplace=workplace, round=round_name))
    for line in report(plan, kind, store.settings.anonymity_threshold, lang):
        typer.echo(f"  {line}")
    typer.echo(text.t("groups.accept_hint", lang, workplace=workplace, round=round_name))
