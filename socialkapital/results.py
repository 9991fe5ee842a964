"""Scores for a survey round, through the anonymity gate: what every page, export and CLI reads.

The scoring itself is SQL in queries/scores.sql; this module asks the store for it, passes
every figure through ``anonymity.gate`` and shapes the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from queries import figure_store
from queries.store import Store
from socialkapital import anonymity, stats, text

GROUP_KEYS = ("level", "workplace", "department")


class NoData(text.Worded, LookupError):
    """The store has no survey round (or not the one asked for)."""


class ByWorkplace:
    """Gated ``groups`` and ``measures`` (level, workplace, department, ...) read by workplace
    or by level."""

    groups: pl.DataFrame
    measures: pl.DataFrame

    def of_workplace(self, workplace: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The ``groups`` and ``measures`` rows of one workplace and of all workplaces
        together (level 'all'), in their order: what a filter on the workplace would keep,
        from row numbers found once. A page reads one workplace many times per click, and
        with a million respondents ``measures`` holds half a million rows."""
        return tuple(
            frame[np.sort(np.concatenate([rows.get(workplace, _NONE), rows.get(None, _NONE)]))]
            for frame, rows in zip((self.groups, self.measures), self._rows, strict=True)
        )

    def at_level(self, level: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The ``groups`` and ``measures`` rows of one level ('all', 'workplace',
        'department'), in their order, split once."""
        empty = (self.groups.clear(), self.measures.clear())
        return tuple(
            parts.get((level,), none) for parts, none in zip(self._levels, empty, strict=True)
        )

    @cached_property
    def _levels(self) -> tuple[dict[tuple, pl.DataFrame], ...]:
        return tuple(f.partition_by("level", as_dict=True) for f in (self.groups, self.measures))

    @cached_property  # on a frozen instance: cached_property writes __dict__ directly
    def _rows(self) -> tuple[dict[str | None, np.ndarray], ...]:
        return tuple(_row_numbers(frame) for frame in (self.groups, self.measures))


_NONE = np.empty(0, dtype=np.int64)


def _row_numbers(frame: pl.DataFrame) -> dict[str | None, np.ndarray]:
    """Workplace (None: the rows of all workplaces together) -> its rows' numbers."""
    found = (
        frame.select("workplace", "level")
        .with_row_index("row")
        .filter((pl.col("level") == "all") | pl.col("workplace").is_not_null())
        .group_by(pl.when(pl.col("level") == "all").then(None).otherwise("workplace"))
        .agg(pl.col("row").cast(pl.Int64))
    )
    return dict(zip(found[:, 0], (rows.to_numpy() for rows in found["row"]), strict=True))


@dataclass(frozen=True)
class Results(ByWorkplace):
    """A round's figures after the anonymity gate.

    ``groups``: one row per group (level, workplace, department, respondents, invited,
    response_rate, suppressed). ``measures``: one row per group and measure (each dimension
    key, item keys q1..qN, and 'overall') with mean, sd, n, suppressed and reason.
    """

    round: str
    threshold: int
    groups: pl.DataFrame
    measures: pl.DataFrame
    uncertain_half_width: float = 10.0  # the setting of the same name, for the ≈ marker

    def group(self, workplace: str | None, department: str | None) -> dict | None:
        """One group's counts and figures, or None if it has no data this round."""
        found = self.groups.filter(_eq("workplace", workplace) & _eq("department", department))
        if not found.height:
            return None
        row = found.row(0, named=True)
        mine = self.measures.filter(_eq("workplace", workplace) & _eq("department", department))
        row["measures"] = {r["measure"]: r for r in mine.iter_rows(named=True)}
        return row


def _eq(column: str, value: str | None) -> pl.Expr:
    return pl.col(column).is_null() if value is None else pl.col(column) == value


def compute(store: Store, round_name: str | None = None, workplaces: list[str] | None = None):
    """Gated results of a round (the newest when none is named) for some or all workplaces.

    What is hidden never depends on the selection: the round is gated once over all its
    workplaces, and a selection only picks rows. The one figure that does depend on it, the
    selected workplaces together, is pooled from the selected workplaces whose figure is
    shown (``anonymity.pooled``), as the all-workplaces figure is.
    """
    names = _round_names(store)
    round_name = round_name or (names[0] if names else None)
    if round_name is None:
        raise NoData("cli.no_rounds")
    if round_name not in names:
        raise NoData("cli.no_such_round", round=round_name)
    threshold = store.settings.anonymity_threshold
    item_count = len(store.instrument.items)
    groups, measures = _round_gated(store, round_name, threshold, item_count)
    everyone = set(groups.filter(pl.col("level") == "workplace")["workplace"].to_list())
    if workplaces is not None and set(workplaces) != everyone:
        # Rows kept in the round's order: the selection's total first, as the round's is.
        chosen = pl.col("workplace").is_in(list(workplaces))
        sel_counts = store.frame("group_counts", round=round_name, workplaces=workplaces)
        total = _flagged(sel_counts.filter(pl.col("level") == "all"), threshold)
        groups = pl.concat([total, groups.filter(chosen)], how="vertical_relaxed")
        mine = measures.filter(chosen & (pl.col("level") != "all"))
        measures = pl.concat(
            [together(mine, groups, threshold, item_count), mine], how="vertical_relaxed"
        )
    half_width = store.settings.uncertain_half_width
    return Results(round_name, threshold, groups, measures, half_width)


def _flagged(counts: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Group counts with ``suppressed`` (too few respondents) and ``response_rate``."""
    return counts.with_columns(
        (pl.col("respondents") < threshold).alias("suppressed"),
        pl.when(pl.col("invited") > 0)
        .then(pl.col("respondents") / pl.col("invited"))
        .alias("response_rate"),
    )


_NAMES: dict[tuple, list[str]] = {}


def _round_names(store: Store) -> list[str]:
    """The store's rounds, newest first, remembered per store file version (a summary asks
    for its round's figures several times)."""
    key = store.version()
    if key not in _NAMES:
        _NAMES.clear()
        _NAMES[key] = store.rounds()["name"].to_list()
    return _NAMES[key]


_ROUNDS: dict[tuple, tuple[pl.DataFrame, pl.DataFrame]] = {}
_ROUNDS_KEPT = 8


def forget_rounds() -> None:
    """Drop the remembered whole-round figures (for measuring a cold start)."""
    _ROUNDS.clear()
    _NAMES.clear()


def _round_gated(store: Store, round_name: str, threshold: int, item_count: int):
    """The whole round's gated figures, remembered per store file version and settings:
    every selection starts from them, and a dashboard asks for many selections."""
    key = (store.version(), round_name, store.settings)
    if key not in _ROUNDS:
        if len(_ROUNDS) >= _ROUNDS_KEPT:
            _ROUNDS.pop(next(iter(_ROUNDS)))
        _ROUNDS[key] = _gated(store, round_name, threshold, item_count)
    return _ROUNDS[key]


def _gated(store: Store, round_name: str, threshold: int, item_count: int):
    """Groups (``_flagged``) and gated measures (forms, items, overall) for all workplaces of
    a round, both in ``_sorted``'s order."""
    counts, stats = _round_stats(store, round_name)
    # Forms and questions through the gate together: what is hidden to protect a small
    # department is chosen once for all of them. Each group's rows in one order: forms
    # first, then questions, each by key.
    is_item = pl.col("measure").is_in(store.instrument.item_keys)
    stats = stats.sort("workplace", "department", is_item, "measure", nulls_last=False)
    gated = anonymity.gate(stats, threshold)
    overall = _overall(gated.filter(is_item), counts, item_count, threshold)
    measures = pl.concat([gated, overall], how="vertical_relaxed")
    return _sorted(_flagged(counts, threshold)), _sorted(measures)


def _round_stats(store: Store, round_name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The round's group counts, and every department's and workplace's statistics from the
    department sums the store keeps (computed, and kept when it can be, where they are not
    up to date: queries/figure_store)."""
    params = {"round": round_name, "workplaces": None}
    stats, counts = figure_store.frames(
        store, round_name, ("round_stats", {}), ("group_counts", params)
    )
    return counts, stats


def together(
    gated: pl.DataFrame, counts: pl.DataFrame, threshold: int, item_count: int
) -> pl.DataFrame:
    """The all-level rows of some workplaces' gated rows: forms and items pooled from the
    shown workplaces, and the overall as the mean of those item means."""
    parts = gated.filter(pl.col("measure") != "overall")
    pooled = anonymity.pooled(parts, threshold)
    items = pooled.filter(pl.col("measure").str.contains(r"^q\d+$"))
    overall = _overall(items, counts, item_count, threshold)
    return pl.concat([pooled, overall], how="vertical_relaxed")


def _overall(
    gated_items: pl.DataFrame, counts: pl.DataFrame, item_count: int, threshold: int
) -> pl.DataFrame:
    """Overall score rows: mean of the item means, hidden when any item mean is hidden.

    n is the group's respondents; for several workplaces together, those of the workplaces
    shown (the ones the pooled item means rest on)."""
    overall = anonymity.overall_from_items(gated_items, item_count)
    sites = counts.filter(pl.col("level") == "workplace")
    shown = int(sites.filter(pl.col("respondents") >= threshold)["respondents"].sum())
    joined = overall.join(
        counts.select(*GROUP_KEYS, "respondents"), on=GROUP_KEYS, how="left", nulls_equal=True
    ).with_columns(
        pl.when(pl.col("level") == "all")
        .then(pl.lit(shown))
        .otherwise(pl.col("respondents"))
        .alias("respondents")
    )
    hidden = pl.col("mean").is_null()
    # Hidden because of its own too few answers (to the group, or to one of its questions),
    # or else to protect another group.
    own = pl.col("respondents") < threshold
    if "own_too_few" in joined.columns:
        own = own | pl.col("own_too_few").fill_null(False)
    # No sums of its own: the overall is a mean of means (the items' sums are in their rows).
    sums = [
        pl.lit(None, dtype=gated_items.schema[c]).alias(c)
        for c in anonymity.EXACT
        if c in gated_items.columns
    ]
    return joined.select(
        *GROUP_KEYS,
        pl.lit("overall").alias("measure"),
        "mean",
        pl.lit(None, dtype=pl.Float64).alias("sd"),
        pl.col("respondents").alias("n"),
        hidden.alias("suppressed"),
        pl.when(hidden & own)
        .then(pl.lit(anonymity.PRIMARY))
        .when(hidden)
        .then(pl.lit(anonymity.SECONDARY))
        .alias("reason"),
        *sums,
        *[
            pl.when(hidden & ~own).then(pl.col(c)).alias(c)
            for c in [anonymity.PROTECTS]
            if c in joined.columns
        ],
    ).select(gated_items.columns)  # in the items' order, to be stacked with them


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    """All workplaces first, then each workplace followed by its departments."""
    return frame.sort("workplace", "department", nulls_last=False, maintain_order=True)


def to_summary(results: Results, instrument) -> dict:
    """The ``summary --json`` object: round, threshold, and one entry per group."""
    groups = summary_groups(results, instrument)["json"].to_list()
    return {
        "round": results.round,
        "anonymity_threshold": results.threshold,
        "groups": [json.loads(g) for g in groups],
    }


def summary_groups(results: Results, instrument) -> pl.DataFrame:
    """Each group's entry of ``summary --json`` as a JSON text (column ``json``), with its
    level, workplace and department: workplace, department, invited, respondents,
    response_rate, suppressed, dimensions (mean, n, ci95 each), overall and items (item,
    mean, n). A suppressed group's means are null, with their n. Built column-wise: a
    million respondents make some 20,000 groups of 25 figures each."""
    low, high = stats.ci95_many(
        *(results.measures[c].cast(pl.Float64).to_numpy() for c in ("mean", "sd", "n"))
    )
    keys = ["workplace", "department"]
    measures = results.measures.select(
        *keys,
        "measure",
        "mean",
        pl.col("n").cast(pl.Int64),
        pl.Series("ci_low", low).fill_nan(None),
        pl.Series("ci_high", high).fill_nan(None),
    )
    wanted = [*instrument.dimension_keys, "overall", *instrument.item_keys]
    wide = measures.filter(pl.col("measure").is_in(wanted)).pivot(
        on="measure", index=keys, values=["mean", "n", "ci_low", "ci_high"]
    )
    groups = results.groups.join(wide, on=keys, how="left", nulls_equal=True, maintain_order="left")
    shown = ~pl.col("suppressed")

    def column(name: str, key: str) -> pl.Expr:
        found = f"{name}_{key}"
        dtype = pl.Int64 if name == "n" else pl.Float64
        return pl.col(found) if found in groups.columns else pl.lit(None, dtype)

    def mean(key: str) -> pl.Expr:
        return pl.when(shown).then(column("mean", key))

    def count(key: str) -> pl.Expr:
        return column("n", key).fill_null(0)

    def dimension(key: str) -> pl.Expr:
        # The 95 % t-interval rests on the same persons as the mean: hidden with it.
        ci = pl.when(mean(key).is_not_null() & column("ci_low", key).is_not_null()).then(
            pl.concat_list(column("ci_low", key), column("ci_high", key))
        )
        return pl.struct(mean(key).alias("mean"), count(key).alias("n"), ci.alias("ci95"))

    # Each group's list of questions, made long and gathered back (polars builds a list of
    # 21 structs per row, from 21 columns, some hundred times slower).
    questions = (
        groups.with_row_index("_row")
        .select(
            "_row",
            *(
                pl.struct(
                    pl.lit(item.number, pl.Int64).alias("item"),
                    mean(item.key).alias("mean"),
                    count(item.key).alias("n"),
                ).alias(item.key)
                for item in instrument.items
            ),
        )
        .unpivot(index="_row")
        .sort("_row", maintain_order=True)
        .group_by("_row", maintain_order=True)
        .agg(pl.col("value").alias("_items"))
    )
    groups = groups.with_columns(questions["_items"])
    entry = pl.struct(
        "workplace",
        "department",
        "invited",
        pl.col("respondents").cast(pl.Int64),
        "response_rate",
        pl.col("suppressed").cast(pl.Boolean),
        pl.struct([dimension(d).alias(d) for d in instrument.dimension_keys]).alias("dimensions"),
        mean("overall").alias("overall"),
        pl.col("_items").alias("items"),
    )
    return groups.select("level", *keys, entry.struct.json_encode().alias("json"))
