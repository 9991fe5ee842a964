"""Honest comparisons: a department against the rest of its workplace, a marker for
uncertain means, and the reliability of the figures of a selection.

Formulas and conventions as in ../shared/statistics.md; the statistics themselves are in
``socialkapital.stats``. Person and item scores come from the store's SQL (queries/compare.sql,
built on the scoring macros); nothing here scores answers.

Anonymity: every statistic is computed only from groups the gate shows.

- A department is compared with the rest of its workplace only when the department's and the
  workplace's figures are both shown for that dimension and the rest holds at least the
  threshold of persons. The rest's mean and SD then follow from the two shown figures (the
  workplace's persons are the department's plus the rest's), so the comparison reveals
  nothing that subtraction from the shown figures would not.
- Reliability is computed for a selection whose figure is shown; ICC(1)/ICC(2) only over the
  departments shown for that dimension, rwg(j) only for shown departments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from queries.store import Store
from socialkapital import stats

# ICC(1) of department membership per dimension in the published study of this instrument
# (Clausen, Meng & Borg 2020; statistics.md), for the n a group mean needs to be reliable.
PUBLISHED_ICC1 = {"team": 0.11, "between": 0.20, "leader": 0.18, "workplace": 0.07}
RELIABLE_ICC2 = 0.70
ALPHA = 0.05
METHODS = ("holm", "bh")

# The fewest persons (or groups) each reliability figure needs to be computed at all.
MIN_N = {"alpha": 3, "icc": 2, "rwg": 2}


def needed_n(icc1: float, target: float = RELIABLE_ICC2) -> int:
    """Persons a group mean needs for ICC(2) ≥ target, by Spearman-Brown from ICC(1)."""
    return math.ceil(target * (1 - icc1) / ((1 - target) * icc1) - 1e-9)


def needed_n_for(dimension: str) -> int | None:
    icc1 = PUBLISHED_ICC1.get(dimension)
    return None if icc1 is None else needed_n(icc1)


@dataclass(frozen=True)
class Uncertainty:
    interval: stats.Interval | None
    uncertain: bool
    wide: bool  # the 95 % interval's half-width exceeds the setting uncertain_half_width
    small: bool  # fewer persons than a reliable group mean needs (ICC(2) ≥ .70)


NOT_SHOWN = Uncertainty(None, False, False, False)  # a hidden figure: nothing to mark


def uncertainty(
    mean: float | None, sd: float | None, n: int, dimension: str, half_width: float
) -> Uncertainty:
    """The 95 % interval of a shown mean and whether it should carry the 'uncertain' marker
    (an interval wider than ± ``half_width`` points, or fewer persons than a reliable mean
    of the dimension needs)."""
    if mean is None or sd is None:
        return NOT_SHOWN
    return _judged(stats.ci95(mean, sd, n), n, dimension, half_width)


def uncertainties(measures: pl.DataFrame, half_width: float) -> list[Uncertainty]:
    """``uncertainty`` of each row (mean, sd, n, measure) of gated figures, the intervals
    computed together (one t quantile per n, not per row)."""
    low, high = stats.ci95_many(*(measures[c].cast(pl.Float64).to_numpy() for c in CI_INPUTS))
    rows = measures.select("mean", "sd", "n", "measure").iter_rows()
    return [
        NOT_SHOWN
        if mean is None or sd is None
        else _judged(
            None if np.isnan(lo) else stats.Interval(float(lo), float(hi)), n, m, half_width
        )
        for (mean, sd, n, m), lo, hi in zip(rows, low, high, strict=True)
    ]


def _judged(
    interval: stats.Interval | None, n: int, dimension: str, half_width: float
) -> Uncertainty:
    wide = interval is None or (interval.high - interval.low) / 2 > half_width
    need = needed_n_for(dimension)
    small = need is not None and n < need
    return Uncertainty(interval, wide or small, wide, small)


def with_uncertainty(measures: pl.DataFrame, half_width: float) -> pl.DataFrame:
    """Gated dimension rows (level, workplace, department, measure, mean, sd, n, ...) with
    ci_low, ci_high and uncertain added (as ``uncertainty`` says); hidden rows get nulls."""
    low, high = stats.ci95_many(*(measures[c].cast(pl.Float64).to_numpy() for c in CI_INPUTS))
    shown = pl.col("mean").is_not_null() & pl.col("sd").is_not_null()
    need = pl.col("measure").replace_strict(_NEEDED_N, default=None, return_dtype=pl.Int64)
    wide = pl.col("ci_low").is_null() | ((pl.col("ci_high") - pl.col("ci_low")) / 2 > half_width)
    small = (pl.col("n") < need).fill_null(False)
    return measures.with_columns(
        pl.Series("ci_low", low).fill_nan(None), pl.Series("ci_high", high).fill_nan(None)
    ).with_columns(pl.when(shown).then(wide | small).alias("uncertain"))


CI_INPUTS = ("mean", "sd", "n")
_NEEDED_N = {d: needed_n(icc1) for d, icc1 in PUBLISHED_ICC1.items()}


def _shown(figures, workplace: str, level: str, dimensions: list[str]) -> pl.DataFrame:
    """(department, measure) rows shown by the gate at one level of a workplace."""
    return figures.of_workplace(workplace)[1].filter(
        (pl.col("level") == level)
        & (pl.col("workplace") == workplace)
        & pl.col("measure").is_in(dimensions)
        & ~pl.col("suppressed")
    )


def department_vs_rest(store: Store, figures, workplace: str, method: str = "holm") -> pl.DataFrame:
    """Each shown department against the rest of its workplace, per dimension.

    ``figures``: the round's gated figures (``results.Results`` or ``analysis.RoundFigures``).
    Columns: department, measure, mean, n, rest_mean, rest_n, difference, ci_low, ci_high,
    p, p_adjusted, holds (adjusted p < .05). The p-values are adjusted across the
    departments shown, per dimension, by Holm (default) or Benjamini-Hochberg ('bh').
    Departments that may not be compared are left out.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    dims = store.instrument.dimension_keys
    threshold = figures.threshold
    raw = store.frame("department_rest_stats", round=figures.round, workplace=workplace)
    shown_depts = _shown(figures, workplace, "department", dims).select("department", "measure")
    shown_whole = _shown(figures, workplace, "workplace", dims).select("measure")
    rows = (
        raw.join(shown_depts, on=["department", "measure"])
        .join(shown_whole, on="measure")
        .filter(pl.col("rest_n") >= threshold)
    )
    columns = ("mean", "sd", "n", "rest_mean", "rest_sd", "rest_n")
    diff, low, high, p = stats.welch_many(*(rows[c].cast(pl.Float64).to_numpy() for c in columns))
    frame = (
        rows.select("department", "measure", "mean", "n", "rest_mean", "rest_n")
        .cast({"n": pl.Int64, "rest_n": pl.Int64})
        .with_columns(
            pl.Series("difference", diff),
            pl.Series("ci_low", low),
            pl.Series("ci_high", high),
            pl.Series("p", p),
        )
        .filter(pl.col("p").is_not_nan())  # no spread on either side: nothing to test
    )
    adjust = stats.holm if method == "holm" else stats.benjamini_hochberg
    parts = []
    for part in frame.partition_by("measure", maintain_order=True):
        adjusted = adjust(part["p"].to_list())
        parts.append(part.with_columns(pl.Series("p_adjusted", adjusted, dtype=pl.Float64)))
    if not parts:
        return frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("p_adjusted"),
            pl.lit(None, dtype=pl.Boolean).alias("holds"),
        )
    joined = pl.concat(parts)
    return joined.with_columns((pl.col("p_adjusted") < ALPHA).alias("holds")).sort(
        "measure", "department"
    )


@dataclass(frozen=True)
class Reliability:
    """Reliability figures of one dimension for a selection (None where not computable)."""

    dimension: str
    alpha: stats.Alpha | None
    icc: stats.ICC | None
    rwg: dict[str, float | None]  # per shown department
    needed_n: int | None  # persons a department needs for ICC(2) ≥ .70 (published ICC(1))


def reliability(
    store: Store, figures, workplace: str, department: str | None = None
) -> list[Reliability]:
    """Per dimension: Cronbach's alpha (listwise, Feldt CI) of the selection's persons,
    ICC(1)/ICC(2) of department membership over the workplace's shown departments, and
    rwg(j) per shown department (listwise) — the selected one only, when one is selected.
    A statistic of a group the gate hides is never computed."""
    ins = store.instrument
    params = {"round": figures.round, "workplace": workplace}
    with store.sharing_reads():
        persons = store.frame("selection_person_scores", **params)
        items = store.frame("selection_item_scores", **params)
    codes = _codes(items, [i.number for i in ins.items])
    level = "workplace" if department is None else "department"
    shown_sel = _shown(figures, workplace, level, ins.dimension_keys)
    if department is not None:
        shown_sel = shown_sel.filter(pl.col("department") == department)
    shown_sel = set(shown_sel["measure"].to_list())
    shown_depts = _shown(figures, workplace, "department", ins.dimension_keys)
    out = []
    for dim in ins.dimension_keys:
        columns = [str(i.number) for i in ins.items_of(dim)]
        # Listwise: only the persons who answered every question of the form.
        complete = codes.select("department", *columns).drop_nulls(columns)
        depts = shown_depts.filter(pl.col("measure") == dim)["department"].to_list()
        alpha = None
        if dim in shown_sel:
            sel = (
                complete
                if department is None
                else complete.filter(pl.col("department") == department)
            )
            alpha = stats.cronbach_alpha(sel.select(columns).to_numpy())
        icc = None
        if len(depts) >= MIN_N["icc"]:
            scores = persons.filter(
                (pl.col("dimension") == dim) & pl.col("department").is_in(depts)
            )
            values = scores["score"].cast(pl.Float64).fill_null(np.nan).to_numpy()
            icc = stats.icc(values, scores["department"].to_numpy())
        wanted = depts if department is None else [d for d in depts if d == department]
        spread = _mean_item_variance(complete.filter(pl.col("department").is_in(wanted)), columns)
        rwg = {d: stats.rwg_j_of(spread[d], len(columns)) if d in spread else None for d in wanted}
        out.append(Reliability(dim, alpha, icc, rwg, needed_n_for(dim)))
    return out


def _codes(items: pl.DataFrame, numbers: list[int]) -> pl.DataFrame:
    """One row per person: department and the answer code 1-5 of each of these questions, in
    a column named by its number (null where not answered), from item scores 0-100."""
    wide = items.select(
        "respondent_id",
        "department",
        pl.col("item").cast(pl.String),
        (pl.col("score") / 25 + 1).cast(pl.Float64).alias("code"),
    ).pivot(on="item", index=["respondent_id", "department"], values="code")
    missing = [str(n) for n in numbers if str(n) not in wide.columns]  # asked, never answered
    return wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in missing)


def _mean_item_variance(complete: pl.DataFrame, columns: list[str]) -> dict[str, float]:
    """Per department with at least two persons: the mean over the questions of each
    question's variance (n - 1) across its persons."""
    found = (
        complete.group_by("department")
        .agg(
            pl.len().alias("n"),
            pl.mean_horizontal(pl.col(c).var(ddof=1) for c in columns).alias("variance"),
        )
        .filter(pl.col("n") >= 2)
    )
    return dict(zip(found["department"], found["variance"], strict=True))
