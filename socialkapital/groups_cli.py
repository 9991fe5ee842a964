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
from queries.store import Store, StoreBusy, StoreError, StoreRefused
from queries.store_errors import refusal_message
from socialkapital import access, audit, grouping, text
from socialkapital.cli_options import DbOption, LangOption, fail, open_existing_store, open_store
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


def planned(
    store: Store,
    workplace: str,
    round_name: str,
    source: str | None = None,
    typed: list[str] | None = None,
    roster: bool = False,
) -> tuple[grouping.Plan, str, dict[str, str]]:
    """The plan, what it rests on ('typed', 'answers', 'roster', 'roster_previous') and the
    stored layout it builds on (departments already in groups).

    Counts typed by hand come first; then the round's answers (unless ``roster``: right
    after a roster import, its invited), then its roster at the expected response rate.
    """
    settings = store.settings
    if typed:
        rate = settings.planning_response_rate
        return grouping.plan(_typed(typed), settings.anonymity_threshold, rate), "roster", {}
    basis = source or round_name
    found = group_store.counts(store, workplace, basis)
    previous = group_store.layout(store, workplace, basis)
    if found["respondents"].sum() and not (roster and found["invited"].sum()):
        counts = dict(found.select("department", "respondents").iter_rows())
        return grouping.plan(counts, settings.anonymity_threshold), "answers", previous
    if found.height:
        counts = dict(found.select("department", "invited").iter_rows())
        rate = group_store.previous_rate(store, workplace, basis)
        kind = "roster" if rate is None else "roster_previous"
        rate = settings.planning_response_rate if rate is None else rate
        return grouping.plan(counts, settings.anonymity_threshold, rate), kind, previous
    raise grouping.BadMerge("groups.no_counts", workplace=workplace, round=basis)


def _typed(typed: list[str]) -> dict[str, int]:
    counts = {}
    for spec in typed:
        name, _, count = spec.rpartition("=")
        if not name.strip() or not count.strip().isdigit():
            raise grouping.BadMerge("groups.bad_count", spec=spec)
        counts[name.strip()] = int(count)
    return counts


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
    store = open_existing_store(db, lang)
    _allowed(store, user, workplace, lang)
    try:
        plan, kind, _ = planned(store, workplace, round_name, from_round, department)
    except grouping.BadMerge as exc:
        fail(text.t(exc.key, lang, **exc.params), 2)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
    if json_out:
        typer.echo(json.dumps(as_json(plan, kind, workplace, round_name), ensure_ascii=False))
        return
    typer.echo(text.t("groups.heading", lang, workplace=workplace, round=round_name))
    for line in report(plan, kind, store.settings.anonymity_threshold, lang):
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
    try:
        plan, _, previous = planned(store, workplace, round_name, from_round, department)
        units = [u.name for u in plan.units]
        chosen = [grouping.parse_merge(m, units) for m in merge] if merge else list(plan.merges)
        grouping.check_layout(chosen, units)
        layout = grouping.carry(previous, chosen)
        saved = group_store.save_layout(store, workplace, round_name, layout, create=create)
    except grouping.BadMerge as exc:
        fail(text.t(exc.key, lang, **exc.params), 2)
    except StoreRefused as exc:
        fail(f"{refusal_message(exc, lang)} {text.t('store.hint_create', lang)}", 2)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
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
    try:
        stored = group_store.merges(store, workplace, round_name)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
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
    try:
        count = group_store.clear_layout(store, workplace, round_name)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
    audit.record(store.path, user, "groups", f"{round_name}: {workplace}: cleared")
    typer.echo(text.t("groups.cleared", lang, count=count, workplace=workplace, round=round_name))


def _allowed(store: Store, user: str | None, workplace: str, lang: str) -> None:
    """Planning the layout is part of importing: only roles that import, for their own."""
    try:
        access.require_import(viewer_of(store, user, lang), [workplace])
    except access.OutOfScope as exc:
        fail(exc.message(lang), 2)


def advise_after_roster(store: Store, workplace: str, round_name: str, lang: str) -> None:
    """After a roster import: the departments at risk and the proposals, if any."""
    plan, kind, _ = planned(store, workplace, round_name, roster=True)
    if not plan.below:
        return
    typer.echo(text.t("groups.heading", lang, workplace=workplace, round=round_name))
    for line in report(plan, kind, store.settings.anonymity_threshold, lang):
        typer.echo(f"  {line}")
    typer.echo(text.t("groups.accept_hint", lang, workplace=workplace, round=round_name))
