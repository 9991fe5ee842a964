"""``socialkapital report``: a feedback PDF for a department or a workplace, or all at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from queries.store import StoreBusy, StoreError
from socialkapital import access, audit, files, text
from socialkapital.cli_options import DbOption, fail, open_existing_store
from socialkapital.users_cli import UserOption, viewer_of


def report(
    round_name: Annotated[str, typer.Option("--round", help="Name of the survey round.")],
    workplace: Annotated[str, typer.Option(help="The workplace.")],
    department: Annotated[
        str | None, typer.Option(help="Only this department (default: the whole workplace).")
    ] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Every department and the whole workplace (a folder, or a .zip)."
        ),
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: da or en.")] = "da",
    out: Annotated[
        Path | None,
        typer.Option(help="The PDF to write; with --all a folder or a file ending in .zip."),
    ] = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Write the feedback report (PDF) of a workplace or a department, or all of them."""
    # The PDF and statistics libraries take a second to load: only this command needs them.
    from socialkapital import results
    from socialkapital.reports import build

    if lang not in text.LANGS:
        fail(f"--lang {lang!r}: use one of {', '.join(text.LANGS)}", 2)
    if department and all_:
        fail(text.t("report.department_or_all", lang), 2)
    store = open_existing_store(db, lang)
    viewer = viewer_of(store, user, lang)
    today = date.today()
    target = out or Path(build.file_name(department or workplace).removesuffix(".pdf"))
    try:
        if all_:
            made = build.batch(store, round_name, workplace, lang, target, today, viewer=viewer)
            audit.record(store.path, user, "report", f"{round_name}: {workplace} (--all)")
            typer.echo(text.t("report.batch_written", lang, count=len(made.files), path=target))
            for skipped in made.skipped:
                typer.echo(build.skip_reason(skipped, lang, store.settings.anonymity_threshold))
            return
        if department:
            pdf = build.department_report(
                store, round_name, workplace, department, lang, today, viewer
            )
        else:
            pdf = build.workplace_report(store, round_name, workplace, lang, today, viewer)
    except access.OutOfScope as exc:
        fail(exc.message(lang), 2)
    except results.NoData as exc:
        fail(exc.message(lang), 1)
    except build.UnknownGroup as exc:
        fail(str(exc), 1)
    except build.NoReport as exc:
        fail(str(exc), 1)
    except (StoreBusy, StoreError) as exc:
        fail(str(exc), 3)
    except OSError as exc:  # the folder or ZIP could not be written: nothing of it is there
        fail(text.t("cli.unwritable_file", lang, path=target, reason=exc.strerror or exc), 2)
    path = target if target.suffix.lower() == ".pdf" else target.with_name(target.name + ".pdf")
    try:
        files.write_file(path, pdf)  # the whole PDF, or none
    except OSError as exc:
        fail(text.t("cli.unwritable_file", lang, path=path, reason=exc.strerror or exc), 2)
    audit.record(store.path, user, "report", f"{round_name}: {workplace} {department or ''}")
    typer.echo(text.t("report.written", lang, path=path))
