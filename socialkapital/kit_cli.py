"""``socialkapital kit``: the questionnaire of a round as a file for a survey tool or paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from queries.store import Store
from socialkapital import access, files, settings, text
from socialkapital import instrument as instrument_mod
from socialkapital.cli_options import DbOption, fail, refusals
from socialkapital.users_cli import UserOption, viewer_of


def departments(store: Store | None, round_name: str, workplace: str) -> list[str]:
    """The round's departments of the workplace (respondents or roster); none without a store."""
    return store.departments(round_name, workplace) if store is not None else []


def kit(
    workplace: Annotated[str, typer.Option(help="The workplace the questionnaire is for.")],
    round_name: Annotated[str, typer.Option("--round", help="Name of the survey round.")],
    fmt: Annotated[
        str, typer.Option("--format", help="lss (LimeSurvey), qsf (Qualtrics), gforms, xlsx, pdf.")
    ],
    lang: Annotated[str, typer.Option("--lang", help="Language of the questionnaire.")] = "da",
    out: Annotated[Path | None, typer.Option(help="The file to write.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Write the questionnaire for a round (the departments from the store) for a survey tool."""
    from socialkapital import kit as kit_mod  # the survey tools' formats: only for this command

    if lang not in text.LANGS:
        fail(text.t("kit.bad_lang", "en", value=lang), 2)
    if fmt not in kit_mod.FORMATS:
        fail(text.t("kit.bad_format", lang, value=fmt, formats=", ".join(kit_mod.FORMATS)), 2)
    if not workplace.strip() or not round_name.strip():
        fail(text.t("kit.need_names", lang), 2)
    try:
        chosen = settings.from_env()
    except settings.SettingsError as exc:
        fail(exc.message(lang), 3)
    path = settings.db_path(db)
    store = None
    with refusals(lang):
        if path.is_file():  # a kit may come before any answers: then there is no store yet
            store = Store(path, settings=chosen)
            access.require_import(viewer_of(store, user, lang), [workplace])
        names = departments(store, round_name, workplace)
    content = kit_mod.content(
        instrument_mod.load(), workplace, round_name, lang, names, chosen.anonymity_threshold
    )
    target = out or Path(kit_mod.file_name(content, fmt))
    if target.exists() and not force:
        fail(text.t("cli.out_exists", lang, path=target), 2)
    try:
        files.write_file(target, kit_mod.make(content, fmt))
    except OSError as exc:
        fail(text.t("cli.unwritable_file", lang, path=target, reason=exc.strerror or exc), 2)
    typer.echo(text.t("kit.written", lang, path=target))
    if not names:
        typer.echo(text.t("kit.no_departments", lang))
