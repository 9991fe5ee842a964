"""``socialkapital users``: who may sign in to the dashboard, with which role and scope; and
``--user EMAIL`` for the commands that show figures (exactly what that user may see)."""

from __future__ import annotations

from typing import Annotated

import typer

from queries import user_store
from queries.store import Store
from socialkapital import access, audit, text
from socialkapital.cli_options import (
    DbOption,
    LangOption,
    fail,
    open_existing_store,
    open_store,
    refusals,
)

users = typer.Typer(
    help="Who may sign in to the dashboard: add, list and remove users.",
    no_args_is_help=True,
    add_completion=False,
)

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Show only what this dashboard user (e-mail) may see.",
        show_default=False,
    ),
]


def viewer_of(store: Store, email: str | None, lang: str) -> access.Viewer:
    """The viewer a command runs as: the user named by --user, or local use (everything:
    whoever runs the command holds the store file)."""
    if email is None:
        return access.LOCAL
    found = user_store.viewer_for(store, email)
    if found is None:
        fail(text.t("users.unknown_viewer", lang, email=email), 2)
    return found


@users.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The e-mail the sign-in provider gives.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(access.ROLES)}.")],
    workplace: Annotated[
        list[str] | None, typer.Option(help="A workplace in the scope (repeatable).")
    ] = None,
    department: Annotated[
        list[str] | None, typer.Option(help="A department (department-manager; repeatable).")
    ] = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Add a user, or change the role and scope of one."""
    store = open_store(db, lang)
    with refusals(lang):
        try:
            user_store.add_user(store, email, role, workplace, department)
        except access.InvalidUser as exc:
            fail(exc.message(lang), 2)
    detail = f"{email.strip().lower()} {role} {_scope_text(workplace, department)}"
    audit.record(store.path, None, "user_add", detail.strip())
    typer.echo(
        text.t("users.added", lang, email=email.strip().lower(), role=text.t(f"role.{role}", lang))
    )


@users.command("list")
def list_(db: DbOption = None, lang: LangOption = "da") -> None:
    """Every user with their role and scope."""
    store = open_existing_store(db, lang)
    frame = user_store.list_users(store)
    if not frame.height:
        typer.echo(text.t("users.none", lang))
        return
    for (email,), rows in frame.group_by(["email"], maintain_order=True):
        role = rows["role"][0]
        scope = _scope_text(*_scope_lists(rows))
        typer.echo(f"{email}\t{role}\t{scope}".rstrip())


@users.command("remove")
def remove(
    email: Annotated[str, typer.Argument(help="The user's e-mail.")],
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Remove a user: they can no longer see anything."""
    store = open_store(db, lang)
    with refusals(lang):
        found = user_store.remove_user(store, email)
    if not found:
        fail(text.t("users.not_found", lang, email=email), 1)
    audit.record(store.path, None, "user_remove", email.strip().lower())
    typer.echo(text.t("users.removed", lang, email=email.strip().lower()))


def _scope_lists(rows) -> tuple[list[str], list[str]]:
    workplaces = sorted({w for w in rows["workplace"].to_list() if w})
    departments = [d for d in rows["department"].to_list() if d]
    return workplaces, departments


def _scope_text(workplaces, departments) -> str:
    """'workplace: X department: Y' for the audit log and the list."""
    parts = [f"workplace: {w}" for w in workplaces or []]
    parts += [f"department: {d}" for d in departments or []]
    return " ".join(parts)
