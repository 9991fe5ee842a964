"""``socialkapital trends`` and ``socialkapital link``: a workplace's figures across survey
rounds, and the departments that were renamed, split or merged between them."""

from __future__ import annotations

import json
import math
from typing import Annotated

import polars as pl
import typer

from queries import trend_store
from queries.store import Store
from socialkapital import text
from socialkapital.cli_options import (
    DbOption,
    LangOption,
    fail,
    open_existing_store,
    open_store,
    refusals,
)


def _clean(value):
    """JSON has no NaN; a float is rounded to what the figures can carry."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def trends_command(
    workplace: Annotated[str, typer.Option(help="The workplace.")],
    question: Annotated[
        int | None, typer.Option(help="One question (1-21) instead of the four forms.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """A workplace's forms (or one question) per department across the survey rounds, with
    the change since the previous round and whether it holds up."""
    from socialkapital import trends  # scipy: loaded by the commands that need it

    store = open_existing_store(db, lang)
    ins = store.instrument
    if question is not None and not 1 <= question <= len(ins.items):
        fail(text.t("cli.bad_question", lang, count=len(ins.items)), 2)
    if not trend_store.departments_by_round(store, workplace):
        fail(text.t("cli.unknown_workplace", lang, workplace=workplace), 2)
    measures = [f"q{question}"] if question else ins.dimension_keys
    frame = trends.trends(store, workplace, measures).sort(
        pl.col("kind") != "workplace", "group", "measure", "date"
    )
    if as_json:
        rows = [
            {k: _clean(v) for k, v in r.items()}
            for r in frame.with_columns(pl.col("date").cast(pl.String)).iter_rows(named=True)
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(_table(frame, store, lang))


def _table(frame: pl.DataFrame, store: Store, lang: str) -> str:
    """One line per group, measure and round: the figure, and the change where there is one."""
    from socialkapital import trends

    ins = store.instrument
    threshold = store.settings.anonymity_threshold
    lines = []
    for r in frame.iter_rows(named=True):
        measure = (
            ins.dimension(r["measure"]).short[lang]
            if r["measure"] in ins.dimension_keys
            else f"{text.t('trends.item', lang)} {r['measure'].removeprefix('q')}"
        )
        group = text.t("app.whole_workplace", lang) if r["kind"] == "workplace" else r["group"]
        if r["shown"]:
            figure = f"{text.score(r['mean'], lang, 1)} (n {text.integer(r['n'], lang)})"
        else:
            figure = text.t("cli.hidden", lang, threshold=threshold)
        change = ""
        if r["previous"] is not None:
            key, values = trends.verdict(r["reworded"], r["broken"], r["change"], r["holds"])
            change = text.t(key, lang, **values)
            if r["change"] is not None:
                change = f"{text.signed(r['change'], lang, 1)}  {change}"
        lines.append(f"{group}  ·  {measure}  ·  {r['round']}: {figure}  {change}".rstrip())
    return "\n".join(lines)


def link(
    workplace: Annotated[str, typer.Option(help="The workplace.")],
    round_name: Annotated[
        str, typer.Option("--round", help="The first round with the new department names.")
    ],
    links: Annotated[
        list[str],
        typer.Argument(
            help="OLD=NEW (renamed), OLD=NEW1,NEW2 (split); the same NEW under several OLD "
            "names: merged. Replaces the workplace's links into this round."
        ),
    ],
    db: DbOption = None,
    lang: LangOption = "da",
) -> None:
    """Say which departments of the previous round continue under new names."""
    mapping: dict[str, list[str]] = {}
    for pair in links:
        old, sep, new = pair.partition("=")
        names = [n.strip() for n in new.split(",") if n.strip()]
        if not sep or not old.strip() or not names:
            fail(text.t("cli.bad_link", lang, value=pair), 2)
        mapping.setdefault(old.strip(), []).extend(names)
    store = open_store(db, lang)
    with refusals(lang):
        try:
            trend_store.save_links(store, workplace, round_name, mapping)
        except trend_store.UnknownName as exc:
            fail(text.t("cli.unknown_link", lang, detail=str(exc)), 2)
    count = sum(len(v) for v in mapping.values())
    typer.echo(text.t("cli.linked", lang, count=count, workplace=workplace, round=round_name))
