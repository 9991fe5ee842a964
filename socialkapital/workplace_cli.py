"""``socialkapital workplace``: a workplace's facts (CVR number, industry, employees)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from queries import facts_store
from socialkapital import access, facts, text
from socialkapital.cli_options import DbOption, LangOption, fail, open_existing_store, refusals
from socialkapital.users_cli import UserOption, viewer_of

workplace = typer.Typer(
    help="A workplace's facts: CVR number, industry (DB07 section), number of employees.",
    no_args_is_help=True,
    add_completion=False,
)

NameArgument = Annotated[str, typer.Argument(help="The workplace, as in the store (any case).")]


@workplace.command("set")
def set_(
    name: NameArgument,
    cvr: Annotated[
        str | None,
        typer.Option("--cvr", help='CVR number, 8 digits ("" to clear).', show_default=False),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option(
            "--industry", help='DB07 section, a letter A-U ("" to clear).', show_default=False
        ),
    ] = None,
    employees: Annotated[
        int | None,
        typer.Option("--employees", help="Number of employees (0 to clear).", show_default=False),
    ] = None,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Set facts of a workplace; the facts not given stay as they are."""
    store = open_existing_store(db, lang)
    viewer = viewer_of(store, user, lang)
    with refusals(lang):
        access.require_right(viewer, "can_import")
        known, now = facts_store.get_facts(store, name)
        access.require(viewer, known)
        try:
            wanted = facts.checked(
                now.cvr if cvr is None else cvr,
                now.industry if industry is None else industry,
                now.employees if employees is None else (employees or None),
            )
        except facts.BadFact as exc:
            fail(exc.message(lang), 2)
        facts_store.set_facts(store, known, wanted)
    typer.echo(text.t("facts.saved", lang, workplace=known))
    typer.echo(_lines(wanted, lang))


@workplace.command("show")
def show(
    name: NameArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """The facts of one workplace."""
    store = open_existing_store(db, lang)
    viewer = viewer_of(store, user, lang)
    with refusals(lang):
        known, found = facts_store.get_facts(store, name)
        access.require(viewer, known)
    if as_json:
        data = {"workplace": known, **facts.as_json(found, lang)}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(known)
        typer.echo(_lines(found, lang))


@workplace.command("list")
def list_(user: UserOption = None, db: DbOption = None, lang: LangOption = "da") -> None:
    """Every workplace (in the user's scope) with its CVR number, industry and employees."""
    store = open_existing_store(db, lang)
    viewer = viewer_of(store, user, lang)
    with refusals(lang):
        every = facts_store.all_facts(store)
    for name in access.own_workplaces(viewer, list(every)):
        found = every[name]
        cells = [
            name,
            found.cvr or text.DASH,
            found.industry or text.DASH,
            text.DASH if found.employees is None else str(found.employees),
        ]
        typer.echo("\t".join(cells))


def _lines(found: facts.Facts, lang: str) -> str:
    """The facts one per line, '–' where unknown."""
    section = facts.industries().get(found.industry or "")
    industry = text.DASH
    if found.industry is not None:
        industry = f"{found.industry} {section.name(lang)}" if section else found.industry
    employees = text.DASH if found.employees is None else text.integer(found.employees, lang)
    return "\n".join(
        [
            f"  {text.t('facts.cvr', lang)}: {found.cvr or text.DASH}",
            f"  {text.t('facts.industry', lang)}: {industry}",
            f"  {text.t('facts.employees', lang)}: {employees}",
        ]
    )
