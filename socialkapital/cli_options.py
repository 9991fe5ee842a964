"""What every ``socialkapital`` command shares: the --db and --lang options, opening the
store, and leaving with a message and an exit code (1 no data, 2 bad input, 3 store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from queries.store import Store, StoreBusy, StoreError
from queries.store_errors import StoreRefused, refusal_message
from socialkapital import access, settings, text

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The store file (default: $SOCIALKAPITAL_DB or data/).", show_default=False
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of messages: da or en.")]


def fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def refusals(lang: str, hint: str | None = None) -> Iterator[None]:
    """Leave with a message for what the rules or the store refuse inside the block: a
    request outside the viewer's scope or a refused change exit 2 (the refusal followed by
    the text ``hint`` names, if any), a busy or unusable store exit 3."""
    try:
        yield
    except access.OutOfScope as exc:
        fail(exc.message(lang), 2)
    except StoreRefused as exc:
        fail(" ".join([refusal_message(exc, lang), *([text.t(hint, lang)] if hint else [])]), 2)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)


def _settings(lang: str | None) -> settings.Settings:
    """The settings in force; a value that is not allowed ends the command (exit 3) with a
    message naming the variable and the allowed values."""
    try:
        return settings.from_env()
    except settings.SettingsError as exc:
        fail(exc.message(lang) if lang in text.LANGS else str(exc), 3)


def open_store(db: Path | None, lang: str | None = None) -> Store:
    """The store for a command that writes: made (with its schema) when it does not exist."""
    chosen = _settings(lang)
    try:
        return Store(settings.db_path(db), settings=chosen)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)


def open_existing_store(db: Path | None, lang: str | None = None) -> Store:
    """The store for a command that only reads (summary, trends, report, plans export, users
    list): a path where there is no store is a mistake to say (exit 1), never a new file."""
    chosen = _settings(lang)
    path = settings.db_path(db)
    if not path.is_file():
        fail(text.t("cli.no_store", lang if lang in text.LANGS else "en", path=path), 1)
    try:
        return Store(path, settings=chosen)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
