"""Trends across survey rounds: each form (and item, on request) per department and workplace,
with the change between rounds and whether it holds up.

Departments are followed through renames, splits and merges by the user's stored mapping
(queries/trend_store.py): every chain of linked departments is one *lineage*, whose group in
a round is the lineage's departments that have respondents in it ("Pakkeri" in 2025,
"Pakkeri Dag" + "Pakkeri Nat" in 2026).

Anonymity across rounds:

- Each round's figures are that round's gated figures (``analysis.round_figures``, which
  passes ``results.compute``), whatever the other rounds hold.
- A group of several departments gets a figure only when every one of them is shown in that
  round; it is then a mean of shown figures and reveals nothing new. Otherwise it is hidden.
- A change is computed only when both of its ends are shown.

The change between two rounds is Welch's test on the person (or answer) scores of the two
rounds (``stats.welch``), treating the rounds as independent samples (answers are anonymous,
so the same person cannot be paired), with Holm's adjustment across the groups of a
workplace for each form and pair of rounds. A change is not computed, and the trend is
broken visibly, across rounds that used different versions of the questionnaire, or where a
question was worded differently in the workplace's exports (for a form: any of its
questions). A wording the export did not show (a bare "Q7" header, our template) is taken
as unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from queries import trend_store
from queries.store import Store
from socialkapital import analysis, stats

ALPHA = 0.05
PART_HIDDEN = "part_hidden"  # a group of several departments with a hidden part


@dataclass(frozen=True)
class Lineage:
    """Departments followed across rounds: the group of each round it has respondents in."""

    label: str
    members: dict[str, tuple[str, ...]]  # round -> departments (sorted)


def lineages(store: Store, workplace: str, rounds: list[str]) -> list[Lineage]:
    """The workplace's departments as lineages through the stored mapping, oldest round first.

    Every department is its own lineage; linked departments also form one lineage together
    (a split's parts keep their own lineage, for the rounds to come)."""
    present: dict[str, set[str]] = {r: set() for r in rounds}
    found = store.frame("workplace_departments_by_round", workplace=workplace)
    for r, d in found.iter_rows():
        if r in present:
            present[r].add(d)
    names = sorted(set().union(*present.values())) if present else []
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    linked = set()
    for old, new in (
        trend_store.links(store, workplace).select("old_department", "new_department").iter_rows()
    ):
        for n in (old, new):
            parent.setdefault(n, n)
        parent[root(old)] = root(new)
        linked |= {old, new}
    components: dict[str, set[str]] = {}
    for n in parent:
        components.setdefault(root(n), set()).add(n)

    out = []
    for name in names:
        own = _lineage({name}, present, rounds)
        # A linked department alone only where it has a history of its own.
        if name not in linked or len(own.members) > 1:
            out.append(own)
    for component in components.values():
        if len(component) > 1:
            out.append(_lineage(component, present, rounds))
    return [lin for lin in out if len(lin.members) > 0]


def lineage_of(
    frame: pl.DataFrame, department: str, round_name: str, other_round: str | None
) -> str | None:
    """The label of the lineage a department of ``round_name`` is followed in towards
    ``other_round``, from trend rows (``trends``): one that is this department alone in its
    round and reaches the other round; else one it is part of that reaches it (a merge, or
    the parts of a split); else one that is this department alone; None when it has no
    lineage (no history of its own yet)."""
    rows = frame.filter(pl.col("kind") == "department")
    there = set()
    if other_round is not None:
        there = set(rows.filter(pl.col("round") == other_round)["group"].to_list())
    here = rows.filter(pl.col("round") == round_name).unique("group", maintain_order=True)
    alone = [g for g, m in here.select("group", "members").iter_rows() if m == [department]]
    joined = [
        g for g, m in here.select("group", "members").iter_rows() if department in m and g in there
    ]
    onward = [g for g in alone if g in there]
    return next(iter(onward or joined or alone), None)


def _lineage(names: set[str], present: dict[str, set[str]], rounds: list[str]) -> Lineage:
    members = {}
    for r in rounds:
        here = tuple(sorted(names & present[r]))
        if here:
            members[r] = here
    steps = []
    for group in members.values():
        text = " + ".join(group)
        if not steps or steps[-1] != text:
            steps.append(text)
    return Lineage(" → ".join(steps), members)


def rounds_in_order(store: Store) -> pl.DataFrame:
    """Rounds oldest first, with date and questionnaire version (a round imported before
    versions were recorded used the version of the instrument file)."""
    return trend_store.round_instruments(store).with_columns(
        pl.col("instrument_version").fill_null(store.instrument.version)
    )


def verdict(reworded, broken: bool, change: float | None, holds: bool | None):
    """What a change since the previous round says, as a text key and its values."""
    if reworded:
        return "trends.reworded", {"items": ", ".join(str(n) for n in reworded)}
    if broken:
        return "trends.broken", {}
    if change is None:
        return "trends.end_hidden", {}
    if not holds:
        return "trends.noise", {}
    return ("trends.better" if change > 0 else "trends.worse"), {}


def reworded_items(store: Store, workplace: str) -> Callable[[str, str, str], list[int]]:
    """A function (measure, earlier round, later round) -> the numbers of the measure's
    questions whose wording differs between the workplace's exports of the two rounds."""
    ins = store.instrument
    keys = {
        (r, item): ins.wording_key(item, wording)
        for r, item, wording in store.frame("item_wordings", workplace=workplace).iter_rows()
        if wording is not None
    }

    def numbers(measure: str) -> list[int]:
        if measure in ins.dimension_keys:
            return [i.number for i in ins.items_of(measure)]
        return [int(measure.removeprefix("q"))]

    def changed(measure: str, before: str, now: str) -> list[int]:
        return [
            n
            for n in numbers(measure)
            if (before, n) in keys and (now, n) in keys and keys[before, n] != keys[now, n]
        ]

    return changed


def wordings(store: Store, workplace: str, items: list[int], rounds: list[str]) -> pl.DataFrame:
    """The recorded wording of each of these questions in each of these rounds (for showing
    where a trend is broken): item, round, wording (null: not known)."""
    found = store.frame("item_wordings", workplace=workplace)
    return found.filter(pl.col("item").is_in(items) & pl.col("round").is_in(rounds)).select(
        "item", "round", "wording"
    )


def trends(
    store: Store,
    workplace: str,
    measures: list[str] | None = None,
    figures_of: Callable[[str], analysis.RoundFigures] | None = None,
) -> pl.DataFrame:
    """One row per group (the workplace, then each lineage), round and measure.

    Columns: group, kind ('workplace'/'department'), round, date, measure, mean, sd, n,
    shown, reason (why hidden), broken (the questionnaire changed since the group's previous
    round), reworded (the numbers of the measure's questions worded differently then), and
    the change since that round where both ends are shown and the questionnaire is the same:
    change, change_low, change_high, p, p_adjusted, holds.
    """
    measures = measures or store.instrument.dimension_keys
    figures_of = figures_of or (lambda r: analysis.round_figures(store, r))
    with store.sharing_reads():  # a connection costs more than most of these reads
        order = rounds_in_order(store)
        rounds = order["round"].to_list()
        lines = lineages(store, workplace, rounds)
        reworded = reworded_items(store, workplace)
    version = dict(zip(order["round"], order["instrument_version"], strict=True))
    date = dict(zip(order["round"], order["date"], strict=True))
    # Figures outside shared reads: computing them may keep them in the store.
    figures = {r: figures_of(r) for r in rounds}
    # Only departments followed together are read again (their figure together).
    together = any(len(group) > 1 for lin in lines for group in lin.members.values())
    with store.sharing_reads() if together else contextlib.nullcontext():
        frame = _figures(store, workplace, measures, rounds, date, lines, figures)
    return _changes(frame, rounds, version, reworded)


def _figures(
    store: Store,
    workplace: str,
    measures: list[str],
    rounds: list[str],
    date: dict,
    lines: list[Lineage],
    figures: dict[str, analysis.RoundFigures],
) -> pl.DataFrame:
    """The trend rows of every group and round (``trends`` without the changes)."""
    parts = []
    for r in rounds:
        mine = (
            figures[r]
            .of_workplace(workplace)[1]
            .filter((pl.col("workplace") == workplace) & pl.col("measure").is_in(measures))
        )
        whole = mine.filter(pl.col("level") == "workplace")
        whole = whole.with_columns(pl.lit(workplace).alias("group"), pl.lit([]).alias("members"))
        parts.append(_rows(whole, "workplace", r))
        depts = mine.filter(pl.col("level") == "department")
        # A lineage of one department in this round takes the department's gated figure.
        single = pl.DataFrame(
            [(lin.label, lin.members[r][0]) for lin in lines if len(lin.members.get(r, ())) == 1],
            schema={"group": pl.String, "department": pl.String},
            orient="row",
        )
        alone = depts.join(single, on="department").with_columns(
            pl.concat_list("department").alias("members")
        )
        parts.append(_rows(alone, "department", r))
        for lin in lines:
            group = lin.members.get(r, ())
            if len(group) > 1:
                rows = _group_rows(store, workplace, lin.label, r, group, depts, measures)
                parts.append(pl.DataFrame(rows, schema=_SCHEMA, orient="row"))
    return pl.concat(parts).with_columns(
        pl.col("round").replace_strict(date, return_dtype=pl.Date).alias("date")
    )


_SCHEMA = {
    "group": pl.String,
    "kind": pl.String,
    "round": pl.String,
    "measure": pl.String,
    "mean": pl.Float64,
    "sd": pl.Float64,
    "n": pl.Int64,
    "shown": pl.Boolean,
    "reason": pl.String,
    "members": pl.List(pl.String),  # the departments behind the row (none: the workplace)
}


def _rows(gated: pl.DataFrame, kind: str, round_name: str) -> pl.DataFrame:
    """Gated figures (with a group column) as trend rows: hidden ones keep only n and why."""
    shown = ~pl.col("suppressed")
    return gated.select(
        "group",
        pl.lit(kind).alias("kind"),
        pl.lit(round_name).alias("round"),
        "measure",
        pl.when(shown).then(pl.col("mean")).alias("mean"),
        pl.when(shown).then(pl.col("sd")).alias("sd"),
        pl.col("n").fill_null(0),
        shown.alias("shown"),
        pl.when(shown).then(None).otherwise(pl.col("reason")).alias("reason"),
        "members",
    ).cast(_SCHEMA)


def _group_rows(
    store: Store,
    workplace: str,
    label: str,
    round_name: str,
    group: tuple[str, ...],
    depts: pl.DataFrame,
    measures: list[str],
) -> list[tuple]:
    """A lineage's rows in one round for several departments: their figure together,
    computed only where every one of them is shown."""
    parts = depts.filter(pl.col("department").is_in(list(group)))
    hidden = set(parts.filter(pl.col("suppressed"))["measure"].to_list())
    shown = [m for m in measures if m in set(parts["measure"].to_list()) - hidden]
    together = _combined(store, round_name, workplace, list(group), shown)
    rows, members = [], list(group)
    for m in measures:
        if m in hidden:
            rows.append(
                (label, "department", round_name, m, None, None, 0, False, PART_HIDDEN, members)
            )
        elif m in together:
            mean, sd, n = together[m]
            rows.append((label, "department", round_name, m, mean, sd, n, True, None, members))
    return rows


def _combined(
    store: Store, round_name: str, workplace: str, group: list[str], measures: list[str]
) -> dict[str, tuple[float, float, int]]:
    if not measures:
        return {}
    params = {"round": round_name, "workplace": workplace, "departments": group}
    found = []
    if any(m in store.instrument.dimension_keys for m in measures):
        found.append(store.frame("combined_dimension_stats", **params))
    if any(m not in store.instrument.dimension_keys for m in measures):
        found.append(store.frame("combined_item_stats", **params))
    out = {}
    for frame in found:
        for m, mean, sd, n in frame.select("measure", "mean", "sd", "n").iter_rows():
            if m in measures:
                out[m] = (mean, sd, int(n))
    return out


def _changes(
    frame: pl.DataFrame,
    rounds: list[str],
    version: dict[str, str],
    reworded: Callable[[str, str, str], list[int]],
) -> pl.DataFrame:
    """The change of each group and measure since its previous round, tested and adjusted."""
    position = {r: i for i, r in enumerate(rounds)}
    line = ["kind", "group", "measure"]
    frame = (
        frame.with_columns(
            pl.col("round").replace_strict(position, return_dtype=pl.Int64).alias("_pos")
        )
        .sort("kind", "group", "measure", "_pos", descending=[True, False, False, False])
        .with_columns(
            pl.col(c).shift(1).over(line).alias(f"_prev_{c}")
            for c in ("round", "mean", "sd", "n", "shown")
        )
        .rename({"_prev_round": "previous"})
    )
    # Which questions were reworded, and whether the version changed: once per measure and
    # pair of rounds, not per row.
    pairs = frame.select("measure", "previous", "round").unique().drop_nulls()
    steps = pl.DataFrame(
        [(m, a, b, reworded(m, a, b), version[a] != version[b]) for m, a, b in pairs.iter_rows()],
        schema={
            "measure": pl.String,
            "previous": pl.String,
            "round": pl.String,
            "reworded": pl.List(pl.Int64),
            "_new_version": pl.Boolean,
        },
        orient="row",
    )
    frame = frame.join(steps, on=["measure", "previous", "round"], how="left").with_columns(
        pl.col("reworded").fill_null([]),
        (pl.col("_new_version") | (pl.col("reworded").list.len() > 0))
        .fill_null(False)
        .alias("broken"),
    )
    tested = ~pl.col("broken") & pl.col("shown") & pl.col("_prev_shown").fill_null(False)
    columns = ("mean", "sd", "n", "_prev_mean", "_prev_sd", "_prev_n")
    values = frame.select(pl.when(tested).then(pl.col(c)).cast(pl.Float64) for c in columns)
    diff, low, high, p = stats.welch_many(*(values[c].to_numpy() for c in columns))
    frame = frame.with_columns(
        pl.Series("change", diff).fill_nan(None),
        pl.Series("change_low", low).fill_nan(None),
        pl.Series("change_high", high).fill_nan(None),
        pl.Series("p", p).fill_nan(None),
    )
    # Holm across the groups of the workplace, per measure and pair of rounds.
    adjusted = np.full(frame.height, np.nan)
    indexed = frame.with_row_index("_i").filter(pl.col("p").is_not_null())
    for part in indexed.partition_by("measure", "previous", "round"):
        adjusted[part["_i"].to_numpy()] = stats.holm(part["p"].to_list())
    return (
        frame.with_columns(pl.Series("p_adjusted", adjusted).fill_nan(None))
        .with_columns((pl.col("p_adjusted") < ALPHA).alias("holds"))
        .select(pl.exclude("^_.*$"))
    )
