"""What every ``socialkapital`` command shares: the --db and --lang options, opening the
store, and leaving with a message and an exit code (1 no data, 2 bad input, 3 store)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from queries.store import Store, StoreBusy, StoreError
from socialkapital import settings

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


def open_store(db: Path | None) -> Store:
    try:
        return Store(settings.db_path(db), settings=settings.from_env())
    except (StoreBusy, StoreError, settings.SettingsError) as exc:
        fail(str(exc), 3)
