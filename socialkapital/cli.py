"""The ``socialkapital`` command: import, roster, summary, demo and template, for scripts."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from queries import facts_store
from queries.store_errors import RoundHasResponses, refusal_message
from socialkapital import access, audit, facts, text
from socialkapital import instrument as instrument_mod
from socialkapital.cli_options import (
    DbOption,
    LangOption,
    fail,
    open_existing_store,
    open_store,
    refusals,
)
from socialkapital.users_cli import UserOption, viewer_of

app = typer.Typer(
    help="Social capital at work: import survey exports, summarise, report.",
    no_args_is_help=True,
    add_completion=False,
)

RoundOption = Annotated[str, typer.Option("--round", help="Name of the survey round.")]
DateOption = Annotated[
    str | None, typer.Option("--date", help="Date of the survey round (YYYY-MM-DD).")
]


def _round_date(value: str | None, lang: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(text.t("cli.bad_date", lang, value=value), 2)


def _read_file(path: Path, lang: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        fail(text.t("cli.no_such_file", lang, path=path), 2)
    except OSError as exc:
        fail(text.t("cli.unreadable_file", lang, path=path, reason=exc.strerror or exc), 2)


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Exports (CSV, TSV, XLSX, ZIP); a SurveyXact dataset.csv brings "
            "the labels.csv and structure.csv of its folder."
        ),
    ],
    round_name: RoundOption,
    round_date: DateOption = None,
    workplace: Annotated[
        str | None, typer.Option(help="Workplace of every row, for a file without that column.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="TOML file saying which columns are which and what answers mean."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the round's earlier responses.")
    ] = False,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Check answer files and store them in a survey round (all files, or none)."""
    from socialkapital.importers import ImportFailed, Mapping
    from socialkapital.importers.canonical import clean_name

    when = _round_date(round_date, lang)  # checked before any file is read
    for option, name in (("--round", round_name), ("--workplace", workplace)):
        if name is not None and not clean_name(name):  # a name nobody could see or pick
            fail(text.t("problem.blank_option", lang, option=option), 2)
    store = open_store(db, lang)
    chosen = None
    try:
        if mapping is not None:
            raw = _read_file(mapping, lang).decode("utf-8", "replace")
            chosen = Mapping.from_toml(raw, mapping.name)
    except ImportFailed as exc:
        fail(exc.describe(lang), 2)
    exports = _exports(files, lang)
    with refusals(lang), store.importing(round_name, replace) as con:
        if con is not None:  # nothing to confirm: read in the store's connection, store at once
            parsed = _read_exports(exports, store, workplace, chosen, lang, con)
            _store_parsed(store, parsed, round_name, when, replace, lang, held=True)
            return
    parsed = _read_exports(exports, store, workplace, chosen, lang)
    with refusals(lang):
        _store_parsed(store, parsed, round_name, when, replace, lang)


def _read_exports(exports, store, workplace, chosen, lang, con=None) -> list:
    """Every export read and checked (in ``con`` if given), or the first refusal said."""
    from socialkapital.importers import ImportFailed, formats, read_responses

    parsed = []
    for export in exports:
        name = next(iter(export))
        try:
            extras = {n: d for n, d in export.items() if n != name}
            parsed.append(
                read_responses(
                    export[name],
                    name.rpartition("/")[2],
                    store.instrument,
                    workplace,
                    chosen,
                    extras,
                    con,
                )
            )
        except ImportFailed as exc:
            typer.echo(text.t("cli.refused", lang, file=name), err=True)
            fail(exc.describe(lang), 2)
    for p in parsed:
        typer.echo(
            text.t(
                "cli.read",
                lang,
                file=p.file,
                tool=formats.NAMES[p.format],
                count=p.respondents,
            )
        )
        for key, values in p.notes:
            typer.echo(text.t(key, lang, **values))
    return parsed


def _text_file(path: Path, lang: str) -> Path | None:
    """A CSV or text file as its path, so that a large one is read from the disk and never
    held in memory whole (None for other files: they are read as bytes)."""
    name = path.name.casefold()
    if path.suffix.casefold() not in (".csv", ".tsv", ".txt") or name.startswith(
        ("dataset", "labels", "structure")
    ):
        return None
    try:
        with path.open("rb"):
            return path
    except FileNotFoundError:
        fail(text.t("cli.no_such_file", lang, path=path), 2)
    except OSError as exc:
        fail(text.t("cli.unreadable_file", lang, path=path, reason=exc.strerror or exc), 2)


def _exports(paths: list[Path], lang: str) -> list[dict[str, bytes | Path]]:
    """The exports among the files, each with its SurveyXact companions."""
    from socialkapital.importers import ImportFailed, formats

    files: dict[str, bytes | Path] = {}
    for path in paths:
        files[str(path)] = _text_file(path, lang) or _read_file(path, lang)
        if path.name.casefold().startswith("dataset"):
            for stem in ("labels", "structure"):
                for companion in path.parent.glob(f"{stem}*"):
                    files.setdefault(str(companion), _read_file(companion, lang))
    try:
        return formats.group_exports(files)  # ZIPs are opened here
    except ImportFailed as exc:
        typer.echo(text.t("cli.refused", lang, file=exc.problems[0].file), err=True)
        fail(exc.describe(lang), 2)


def _store_parsed(store, parsed, round_name, round_date, replace, lang, held=False) -> None:
    """Store what was read; ``held``: in ``Store.importing``'s connection, which found the
    round without responses (or ``replace`` given), so there is nothing to ask."""
    from socialkapital.importers import wording_frame

    workplaces = sorted({w for p in parsed for w in p.workplaces})
    existing = {} if held else store.existing_respondents(round_name, workplaces)
    if existing and not replace:
        ask = sys.stdin.isatty()
        names = ", ".join(existing)
        typer.echo(
            text.t("cli.would_replace", lang, round=round_name, workplaces=names), err=not ask
        )
        if not ask or not typer.confirm(text.t("cli.confirm_replace", lang)):
            fail(text.t("cli.cancelled", lang), 1)
    # The bulk reader's checked rows go from its files into the store in SQL (for_store).
    responses = [p.for_store() for p in parsed]
    sources = ", ".join(p.file for p in parsed)
    formats = ", ".join(sorted({p.format for p in parsed}))
    wordings = wording_frame(parsed, store.instrument)
    # What was confirmed: everything (--replace), or exactly the responses asked about. The
    # store checks again inside its write: an import that landed meanwhile is not replaced.
    confirmed = True if replace else existing
    try:
        outcome = store.replace_responses(
            responses, round_name, round_date, sources, formats, wordings, replace=confirmed
        )
    except RoundHasResponses as exc:
        fail(refusal_message(exc, lang), 1)
    audit.record(store.path, None, "import", audit.import_detail(outcome, sources))
    typer.echo(
        text.t(
            "cli.imported",
            lang,
            count=outcome.respondents,
            answers=outcome.answers,
            workplaces=", ".join(outcome.workplaces),
            round=round_name,
        )
    )
    if outcome.replaced:
        typer.echo(text.t("cli.replaced", lang, count=outcome.replaced))


@app.command()
def roster(
    file: Annotated[Path, typer.Argument(help="Roster: 'e-mail; name; department' per line.")],
    workplace: Annotated[str, typer.Option(help="The workplace the roster belongs to.")],
    round_name: RoundOption,
    round_date: DateOption = None,
    create: Annotated[
        bool, typer.Option("--create", help="Add the workplace and round if they are new.")
    ] = False,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Store the invitation roster of a workplace (the denominator of response rates)."""
    from socialkapital.importers import ImportFailed, read_roster
    from socialkapital.importers.canonical import clean_name

    when = _round_date(round_date, lang)
    workplace = clean_name(workplace)  # as the answers' workplace names are, so they match
    for option, name in (("--round", round_name), ("--workplace", workplace)):
        if not clean_name(name):
            fail(text.t("problem.blank_option", lang, option=option), 2)
    store = open_store(db, lang)
    try:
        parsed = read_roster(_read_file(file, lang), file.name)
    except ImportFailed as exc:
        typer.echo(text.t("cli.refused", lang, file=file.name), err=True)
        fail(exc.describe(lang), 2)
    for key, values in parsed.notes:
        typer.echo(text.t(key, lang, **values))
    # Refused: a misspelt workplace or round, or a new one (--create).
    with refusals(lang, hint="store.hint_create"):
        count = store.replace_roster(
            parsed.invited, workplace, round_name, when, file.name, create=create
        )
    audit.record(store.path, None, "roster", f"{round_name}: {workplace} ({file.name}), {count}")
    typer.echo(text.t("cli.roster_saved", lang, count=count, workplace=workplace, round=round_name))
    from socialkapital import groups_cli  # the reporting groups this roster calls for (issue 18)

    groups_cli.advise_after_roster(store, workplace, round_name, lang)


@app.command()
def summary(
    round_name: Annotated[
        str | None, typer.Option("--round", help="Survey round (default: the newest).")
    ] = None,
    workplace: Annotated[
        list[str] | None, typer.Option(help="Only this workplace (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Scores of a round for all workplaces together, each workplace and each department."""
    from socialkapital import analysis, industry, results  # scipy: loaded when needed

    store = open_existing_store(db, lang)
    viewer = viewer_of(store, user, lang)
    with refusals(lang):
        access.require_request(viewer, workplace or None)
        try:
            gated = results.compute(store, round_name, workplace or None)
        except results.NoData as exc:
            fail(exc.message(lang), 1)
        seen = access.restrict_figures(gated, viewer, lang)
        # The rest only reads: one connection for all of it (the figures above may have
        # kept their department sums, which needs a connection of its own).
        with store.sharing_reads():
            if as_json:
                groups = results.summary_groups(seen, store.instrument)
                data = {"round": seen.round, "anonymity_threshold": seen.threshold}
            else:
                data = results.to_summary(seen, store.instrument)
            data |= analysis.summary_extras(store, gated.round, workplace or None, viewer, lang)
            if as_json:
                stubs = _workplace_stubs(groups, store, gated.round, viewer, lang)
                typer.echo(_summary_json(data, groups, stubs))
                return
            facts.add_to_summary(data, facts_store.all_facts(store), viewer, lang)
            industry.add_to_summary(data, store, gated.round, viewer, lang)
    typer.echo(_summary_table(data, store.instrument, lang))


def _workplace_stubs(groups, store, round_name: str, viewer, lang: str) -> list[dict]:
    """Each workplace group's additions to ``summary --json``: its ``facts`` and its
    industry ``benchmark``, made as for the table (one small dict per workplace)."""
    from socialkapital import industry

    places = groups.filter(pl.col("level") == "workplace")
    stubs = {"groups": [{"workplace": w, "department": None} for w in places["workplace"]]}
    facts.add_to_summary(stubs, facts_store.all_facts(store), viewer, lang)
    industry.add_to_summary(stubs, store, round_name, viewer, lang)
    return stubs["groups"]


def _summary_json(data: dict, groups, stubs: list[dict]) -> str:
    """``data`` as indented JSON with the groups' entries (JSON texts, one a line) as its
    ``groups``, each workplace's with what ``stubs`` add (facts, benchmark): a million
    respondents make some 20,000 groups, too many to build as Python objects and indent
    one by one."""
    extra = {}
    for s in stubs:
        added = {k: v for k, v in s.items() if k not in ("workplace", "department")}
        if added:
            extra[s["workplace"]] = (
                "".join(
                    f",{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}"
                    for k, v in added.items()
                )
                + "}"
            )
    lines = groups["json"].to_list()
    if extra:
        for i, (level, name) in enumerate(zip(groups["level"], groups["workplace"], strict=True)):
            if level == "workplace" and name in extra:
                lines[i] = lines[i][:-1] + extra[name]
    entries = ",\n    ".join(lines)
    listed = f'  "groups": [\n    {entries}\n  ]' if lines else '  "groups": []'

    def field(key: str, value: object) -> str:
        shown = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        return f"  {json.dumps(key)}: {shown}"

    first = ("round", "anonymity_threshold")  # before the groups, as to_summary has them
    fields = [
        *(field(k, v) for k, v in data.items() if k in first),
        listed,
        *(field(k, v) for k, v in data.items() if k not in first),
    ]
    return "{\n" + ",\n".join(fields) + "\n}"


def _summary_table(data: dict, instrument, lang: str) -> str:
    """A plain-text table of the summary, one line per group."""
    dims = instrument.dimension_keys
    head = [
        "",
        text.t("overview.respondents", lang),
        text.t("overview.response_rate", lang),
        text.t("overview.overall", lang),
        *[instrument.dimension(d).short[lang] for d in dims],
    ]
    lines = [head]
    for g in data["groups"]:
        name = g["department"] or g["workplace"] or text.t("app.all_workplaces", lang)
        indent = "    " if g["department"] else ("  " if g["workplace"] else "")
        lines.append(
            [
                indent + name,
                text.integer(g["respondents"], lang),
                text.percent(g["response_rate"], lang),
                text.score(g["overall"], lang),
                *[text.score(g["dimensions"][d]["mean"], lang) for d in dims],
            ]
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = [
        f"{data['round']}  ({text.t('app.threshold', lang, threshold=data['anonymity_threshold'])})"
    ]
    for row in lines:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo files.")] = Path("data/demo"),
    load: Annotated[
        bool, typer.Option("--load", help="Also load the files into the store.")
    ] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="With --load: only when the store has no data.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2026,
    respondents: Annotated[int, typer.Option(help="Respondents per round.")] = 2000,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Write a realistic synthetic data set (answers and rosters), and optionally load it."""
    from socialkapital import demo as demo_mod
    from socialkapital.importers import read_responses, read_roster

    store = open_store(db, lang) if load else None
    if store is not None and if_empty and store.counts()["respondents"]:
        typer.echo(text.t("cli.demo_skipped", lang))
        return
    rounds = demo_mod.generate(seed=seed, respondents=respondents)
    paths = demo_mod.write(rounds, out)
    typer.echo(text.t("cli.demo_written", lang, folder=out, files=len(paths)))
    if store is None:
        return
    total = 0
    for r in rounds:
        for workplace, invited in r.rosters.items():
            lines = "\n".join(";".join(row) for row in invited).encode()
            parsed = read_roster(lines, f"roster {workplace}")
            # The demo's rosters come before its answers: their round is made here.
            store.replace_roster(
                parsed.invited, workplace, r.name, r.date, parsed.file, create=True
            )
        buffer = r.responses.write_csv().encode()
        parsed = read_responses(buffer, f"{r.name}.csv", store.instrument)
        outcome = store.replace_responses(
            parsed.responses, r.name, r.date, parsed.file, "demo", replace=True
        )
        total += outcome.respondents
    from queries import plan_store
    from socialkapital import plans as plans_mod

    demo_plans = plans_mod.parse(
        json.dumps(demo_mod.plans(rounds)).encode(), "demo", store.instrument
    )
    plan_store.save_many(store, demo_plans)
    from queries import trend_store

    for workplace, round_name, mapping in demo_mod.department_links():
        trend_store.save_links(store, workplace, round_name, mapping)
    for workplace, code in demo_mod.INDUSTRIES.items():
        facts_store.set_facts(store, workplace, facts.Facts(industry=code))
    typer.echo(text.t("cli.demo_loaded", lang, rounds=len(rounds), respondents=total))


plans_app = typer.Typer(help="Action plans: export and import.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


@plans_app.command("export")
def plans_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --out file.")] = False,
    user: UserOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Write every action plan (that --user may read) as CSV or JSON."""
    from queries import plan_store
    from socialkapital import plans as plans_mod

    if fmt not in ("csv", "json"):
        fail(f"--format {fmt!r}: expected csv or json", 2)
    _refuse_overwrite(out, force, lang)
    store = open_existing_store(db, lang)
    with refusals(lang):
        all_plans = access.visible_plans(plan_store.list_plans(store), viewer_of(store, user, lang))
    audit.record(store.path, user, "export", f"plans ({fmt}, {len(all_plans)})")
    body = plans_mod.export_csv(all_plans) if fmt == "csv" else plans_mod.export_json(all_plans)
    if out is None:
        typer.echo(body, nl=False)
    else:
        _write(out, body.encode("utf-8"), lang)
        typer.echo(text.t("cli.plans_exported", lang, count=len(all_plans), path=out))


@plans_app.command("import")
def plans_import(
    file: Annotated[Path, typer.Argument(help="Plans as CSV or JSON, in the export's columns.")],
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Add or update action plans (a plan_id that exists is updated); all of them, or none."""
    from queries import plan_store
    from socialkapital import plans as plans_mod
    from socialkapital.importers import ImportFailed, Problem

    store = open_store(db, lang)
    try:
        parsed = plans_mod.parse(_read_file(file, lang), file.name, store.instrument)
    except ImportFailed as exc:
        typer.echo(text.t("cli.refused", lang, file=file.name), err=True)
        fail(exc.describe(lang), 2)
    unknown = []
    for row, plan in enumerate(parsed, start=2):
        try:
            plan_store.check_names(store, plan)
        except plan_store.UnknownName as exc:
            unknown.append(
                Problem(file.name, row, None, None, "unknown_name", {"detail": str(exc)})
            )
    if unknown:
        fail(ImportFailed(unknown).describe(lang), 2)
    with refusals(lang):
        plan_store.save_many(store, parsed)
    typer.echo(text.t("cli.plans_imported", lang, count=len(parsed)))


def _write(out: Path, data: bytes, lang: str) -> None:
    """The whole file, or (with a message) none of it."""
    from socialkapital import files

    try:
        files.write_file(out, data)
    except OSError as exc:
        fail(text.t("cli.unwritable_file", lang, path=out, reason=exc.strerror or exc), 2)


def _refuse_overwrite(out: Path | None, force: bool, lang: str) -> None:
    """Every command that writes a file it is told to (--out) leaves an existing one alone
    unless --force says otherwise: it may be a plan list or a mapping edited by hand."""
    if out is not None and out.exists() and not force:
        fail(text.t("cli.out_exists", lang, path=out), 2)


@app.command("mapping")
def mapping_draft(
    files: Annotated[list[Path], typer.Argument(help="An export (and its SurveyXact files).")],
    out: Annotated[
        Path, typer.Option(help="Where to write the mapping ('-': standard output).")
    ] = Path("mapping.toml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing mapping file.")] = False,
    lang: LangOption = "da",
) -> None:
    """Write a draft mapping for an export: what was found, and the file's columns to choose
    from, for you to complete and pass to ``import --mapping``."""
    from socialkapital.importers import ImportFailed, formats, load_export
    from socialkapital.importers import mapping as mapping_mod

    to_stdout = str(out) == "-"
    if not to_stdout:  # it may be a mapping completed by hand
        _refuse_overwrite(out, force, lang)
    ins = instrument_mod.load()
    exports = _exports(files, lang)
    try:
        source = load_export(exports[0], ins)
    except ImportFailed as exc:
        fail(exc.describe(lang), 2)
    if not isinstance(source, mapping_mod.Source):
        typer.echo(text.t("cli.mapping_not_needed", lang, file=source.file))
        return
    draft = mapping_mod.suggest(source, ins)
    # Unknown answers are left as comments: the import refuses them until a person says
    # what each one means (nothing is guessed, not even "missing").
    unknown = "\n".join(
        f'# {json.dumps(value, ensure_ascii=False)} = ?   # {count} times: a code 1-5 or "missing"'
        for value, count in mapping_mod.unknown_values(source, ins, draft)
    )
    listing = "\n".join(f"#   {c.key!r}: {c.text[:100]}" for c in source.columns)
    # Roles not found stay as comments in [columns] that name the key to write.
    roles = "".join(
        f'# {role} = ""   # {hint}\n'
        for role, hint in (
            ("department", "the column with the department"),
            ("workplace", 'the column with the workplace, or workplace_name = "its name"'),
        )
        if getattr(draft, role) is None
    )
    toml = draft.to_toml().replace("[columns]\n", f"[columns]\n{roles}", 1)
    codes = mapping_mod.department_codes(source, draft)
    names = "".join(f'# {json.dumps(code)} = ""\n' for code in codes)
    if names:  # a department question exported as codes: say which department each one is
        names = f"\n[department_names]\n{names}"
    body = f"{toml}{unknown}\n{names}\n# The file's columns:\n{listing}\n"
    if to_stdout:
        typer.echo(body, nl=False)
    else:
        out.write_text(body, encoding="utf-8")
    found = sum(1 for k in draft.items if k)
    typer.echo(
        text.t(
            "cli.mapping_written",
            lang,
            path="-" if to_stdout else out,
            found=found,
            total=len(ins.items),
            tool=formats.NAMES[source.format],
        ),
        err=to_stdout,  # the mapping itself is what goes to standard output
    )


@app.command()
def template(
    out: Annotated[Path, typer.Option(help="Where to write the template CSV.")] = Path(
        "socialkapital-skabelon.csv"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    lang: LangOption = "da",
) -> None:
    """Write the import template (CSV with two example rows)."""
    from socialkapital.importers.template import template_csv

    _refuse_overwrite(out, force, lang)
    _write(out, template_csv(instrument_mod.load(), lang), lang)
    typer.echo(text.t("cli.template_written", lang, path=out))


from socialkapital import serve  # noqa: E402
from socialkapital.groups_cli import groups  # noqa: E402
from socialkapital.kit_cli import kit  # noqa: E402
from socialkapital.reports.cli import report  # noqa: E402  (registered last: no import cycle)
from socialkapital.trends_cli import link, trends_command  # noqa: E402
from socialkapital.users_cli import users  # noqa: E402
from socialkapital.workplace_cli import workplace as workplace_app  # noqa: E402

app.command()(report)
app.command("trends")(trends_command)
app.command()(link)
app.add_typer(users, name="users")
app.add_typer(groups, name="groups")
app.add_typer(workplace_app, name="workplace")
app.command("serve")(serve.serve)
app.command("kit")(kit)

if __name__ == "__main__":
    app()
