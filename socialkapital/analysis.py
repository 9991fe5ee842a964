"""Analysis figures: heatmaps, item comparisons, correlations, benchmark and response rates.

Everything starts from the round's gated figures for ALL its workplaces (``round_figures``),
never from a recomputation for the user's filter, so that what is hidden does not depend on
the filter. The rules that keep hidden groups hidden across pages and filter combinations:

- A workplace's figure is hidden or shown the same way on every page, whatever is selected.
- A figure over several workplaces (all of them, or a selection S) is pooled from those of
  them whose figure is shown for that measure: a workplace with too few respondents is left
  out, so the figure is a combination of shown figures and tells nothing new.
- A correlation rests on persons: it is computed only for a filter whose group is shown for
  both measures, and shown only when at least the threshold of persons have both scores, and
  at least ``min_correlation_n`` (a correlation over few persons is noise).
- Ranges (min-max) use shown figures only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from queries import figure_store
from queries.store import Store
from socialkapital import access, anonymity, results

UNDEFINED = "undefined"  # a correlation of a score that does not vary
FEW = "few"  # a correlation over fewer persons than the setting min_correlation_n: too unstable
OVERALL = "overall"
REFERENCES = ("workplace", "all", "bands")
# Fixed bands for the heatmap (points, lower edges): a coarse reading of the 0-100 scale.
BANDS = (0.0, 50.0, 60.0, 70.0, 80.0)
_GROUP = ("level", "workplace", "department")


@dataclass(frozen=True)
class RoundFigures(results.ByWorkplace):
    """A round's gated figures for all of its workplaces: what every analysis reads.

    ``groups`` and ``measures`` as in ``results.Results``.
    """

    round: str
    threshold: int
    workplaces: tuple[str, ...]
    groups: pl.DataFrame
    measures: pl.DataFrame


def round_figures(store: Store, round_name: str | None = None) -> RoundFigures:
    """The round's gated figures over all its workplaces (filter-independent)."""
    res = results.compute(store, round_name, None)
    workplaces = res.groups.filter(pl.col("level") == "workplace")["workplace"].to_list()
    return RoundFigures(res.round, res.threshold, tuple(workplaces), res.groups, res.measures)


# -- selections of workplaces ------------------------------------------------------------------


def _selection(figs: RoundFigures, workplaces: list[str] | None) -> list[str] | None:
    """The selected workplaces of the round, or None when that is every one of them."""
    if workplaces is None:
        return None
    wanted = set(workplaces)
    chosen = [w for w in figs.workplaces if w in wanted]
    return None if set(chosen) == set(figs.workplaces) else chosen


def selection_measures(
    figs: RoundFigures, workplaces: list[str] | None, item_keys: list[str]
) -> pl.DataFrame:
    """Figures over a selection of workplaces: measure, mean, n, suppressed, reason.

    Every workplace of the round: the gated all-workplaces figures. Otherwise the same
    pooling over the selected workplaces whose figure is shown (``results.together``).
    """
    chosen = _selection(figs, workplaces)
    columns = ["measure", "mean", "n", "suppressed", "reason"]
    if chosen is None:
        return figs.at_level("all")[1].select(columns)
    rows = figs.measures.filter((pl.col("level") != "all") & pl.col("workplace").is_in(chosen))
    counts = figs.groups.filter(
        (pl.col("level") == "workplace") & pl.col("workplace").is_in(chosen)
    )
    together = results.together(rows, counts, figs.threshold, len(item_keys))
    return together.select(columns)


def left_out(figs: RoundFigures, workplaces: list[str] | None) -> list[str]:
    """The selected workplaces (all, for None) with respondents but hidden for every form:
    the ones that figures over several workplaces leave out."""
    chosen = figs.workplaces if workplaces is None else workplaces
    sites = figs.at_level("workplace")[1].filter(
        pl.col("workplace").is_in(list(chosen)) & (pl.col("measure") != OVERALL)
    )
    hidden = sites.group_by("workplace").agg(
        pl.col("suppressed").all().alias("hidden"), pl.col("n").max().alias("n")
    )
    return sorted(hidden.filter(pl.col("hidden") & (pl.col("n") > 0))["workplace"].to_list())


def benchmark(
    figs: RoundFigures, workplaces: list[str] | None, measures: list[str], item_keys: list[str]
) -> pl.DataFrame:
    """Per measure: the mean over the selected sites, and the ranges between sites and teams.

    Columns: measure, mean, n, suppressed, reason, site_min, site_max, sites_shown, sites,
    team_min, team_max, teams_shown, teams. Ranges use shown figures only.
    """
    chosen = _selection(figs, workplaces)
    rows = figs.measures.filter(
        pl.col("measure").is_in(measures) & pl.col("level").is_in(["workplace", "department"])
    )
    if chosen is not None:
        rows = rows.filter(pl.col("workplace").is_in(chosen))

    def spread(level: str, name: str) -> list[pl.Expr]:
        # Ranges over shown figures only (a hidden one's mean is null), with counts of both.
        values = pl.col("mean").filter(pl.col("level") == level)
        return [
            values.min().alias(f"{name}_min"),
            values.max().alias(f"{name}_max"),
            values.count().alias(f"{name}s_shown"),
            values.len().alias(f"{name}s"),
        ]

    spreads = rows.group_by("measure").agg(
        *spread("workplace", "site"), *spread("department", "team")
    )
    overall = selection_measures(figs, workplaces, item_keys)
    found = (
        pl.DataFrame({"measure": measures}, schema={"measure": pl.String})
        .join(overall, on="measure", how="left", maintain_order="left")
        .join(spreads, on="measure", how="left", maintain_order="left")
    )
    return found.select(
        "measure",
        pl.col("mean").cast(pl.Float64),
        pl.col("n").fill_null(0).cast(pl.Int64),
        pl.col("suppressed").fill_null(True),
        pl.col("reason").fill_null(anonymity.PRIMARY),
        pl.col("site_min").cast(pl.Float64),
        pl.col("site_max").cast(pl.Float64),
        pl.col("sites_shown").fill_null(0).cast(pl.Int64),
        pl.col("sites").fill_null(0).cast(pl.Int64),
        pl.col("team_min").cast(pl.Float64),
        pl.col("team_max").cast(pl.Float64),
        pl.col("teams_shown").fill_null(0).cast(pl.Int64),
        pl.col("teams").fill_null(0).cast(pl.Int64),
    )


def site_matrix(
    figs: RoundFigures, workplaces: list[str] | None, measures: list[str]
) -> pl.DataFrame:
    """Sites × measures: workplace, measure, mean, n, suppressed, reason, respondents."""
    chosen = _selection(figs, workplaces)
    chosen = list(figs.workplaces) if chosen is None else chosen
    groups, rows = figs.at_level("workplace")
    rows = rows.filter(pl.col("workplace").is_in(chosen) & pl.col("measure").is_in(measures))
    sizes = groups.select("workplace", "respondents")
    return rows.select("workplace", "measure", "mean", "n", "suppressed", "reason").join(
        sizes, on="workplace", how="left"
    )


# -- one workplace -----------------------------------------------------------------------------


def heatmap(
    figs: RoundFigures, workplace: str, measures: list[str], reference: str = "workplace"
) -> pl.DataFrame:
    """Departments of a workplace × measures, with the comparison each cell is coloured by.

    One row per group and measure: level ('all', 'workplace', 'department'), department,
    measure, mean, n, respondents, suppressed, reason, protects (whom a hidden cell protects),
    reference (the compared figure; null for fixed bands or when it is hidden), diff
    (mean - reference) and band (fixed bands).
    The whole workplace and all workplaces come first, as reading aids.
    """
    if reference not in REFERENCES:
        raise ValueError(f"unknown comparison {reference!r}")
    groups, found = figs.of_workplace(workplace)  # its rows and those of all workplaces
    found = found.filter(pl.col("measure").is_in(measures))
    # Every group with respondents gets every measure: one nobody scored is hidden, n = 0.
    groups = groups.filter(pl.col("respondents") > 0).select(*_GROUP, "respondents")
    grid = groups.join(pl.DataFrame({"measure": measures}), how="cross")
    rows = grid.join(
        found.drop("sd"), on=[*_GROUP, "measure"], how="left", nulls_equal=True
    ).with_columns(
        pl.col("n").fill_null(0),
        pl.col("suppressed").fill_null(True),
        pl.when(pl.col("suppressed").is_null())
        .then(pl.lit(anonymity.PRIMARY))
        .otherwise("reason")
        .alias("reason"),
    )
    if reference == "bands":
        ref = rows.select("measure").unique().with_columns(pl.lit(None, pl.Float64).alias("ref"))
    else:
        level = pl.col("level") == reference
        ref = rows.filter(level).select("measure", pl.col("mean").alias("ref"))
    out = rows.join(ref, on="measure", how="left").with_columns(
        (pl.col("mean") - pl.col("ref")).alias("diff"),
        band(pl.col("mean")).alias("band"),
    )
    order = pl.col("level").replace_strict({"all": 0, "workplace": 1, "department": 2})
    return (
        out.rename({"ref": "reference"})
        .sort(order, "department", nulls_last=False)
        .select(
            "level",
            "department",
            "measure",
            "mean",
            "n",
            "respondents",
            "suppressed",
            "reason",
            *[c for c in [anonymity.PROTECTS] if c in out.columns],
            "reference",
            "diff",
            "band",
        )
    )


def band(score: pl.Expr) -> pl.Expr:
    """The fixed band (0..len(BANDS)-1) a score falls in; null when hidden."""
    expr = pl.when(score.is_null()).then(None)
    for i in range(len(BANDS) - 1, -1, -1):
        expr = expr.when(score >= BANDS[i]).then(pl.lit(i))
    return expr


def department_order(frame: pl.DataFrame, by: str) -> list[str]:
    """Departments of a heatmap frame by name, score (overall, high first) or size."""
    depts = frame.filter(pl.col("level") == "department")
    names = depts["department"].unique().to_list()
    if by == "name":
        return sorted(names, key=str.casefold)
    if by == "size":
        sizes = depts.group_by("department").agg(pl.col("respondents").first())
        ordered = sizes.sort(["respondents", "department"], descending=[True, False])
        return ordered["department"].to_list()
    if by == "score":
        scores = depts.filter(pl.col("measure") == OVERALL).select("department", "mean")
        if not scores.height:  # no overall among the measures: use their average
            scores = depts.group_by("department").agg(pl.col("mean").mean())
        ordered = scores.sort(["mean", "department"], descending=[True, False], nulls_last=True)
        return ordered["department"].to_list()
    raise ValueError(f"unknown order {by!r}")


def items_comparison(
    figs: RoundFigures, workplace: str, department: str | None, item_keys: list[str]
) -> pl.DataFrame:
    """Each item for the department, the whole workplace and all workplaces, with differences.

    Columns: measure, department_mean, department_n, workplace_mean, workplace_n, all_mean,
    all_n, diff_workplace (department − workplace, or null), diff_all (department, or the
    workplace when no department is chosen, − all workplaces).
    """

    mine = figs.of_workplace(workplace)[1]  # its rows and those of all workplaces

    def side(condition: pl.Expr, name: str) -> pl.DataFrame:
        rows = mine.filter(condition & pl.col("measure").is_in(item_keys))
        return rows.select(
            "measure", pl.col("mean").alias(f"{name}_mean"), pl.col("n").alias(f"{name}_n")
        )

    base = pl.DataFrame({"measure": item_keys})
    wp = side((pl.col("level") == "workplace") & (pl.col("workplace") == workplace), "workplace")
    everyone = side(pl.col("level") == "all", "all")
    if department is None:
        dept = base.with_columns(
            pl.lit(None, pl.Float64).alias("department_mean"),
            pl.lit(None, pl.Int64).alias("department_n"),
        )
    else:
        dept = side(
            (pl.col("level") == "department")
            & (pl.col("workplace") == workplace)
            & (pl.col("department") == department),
            "department",
        )
    out = base.join(dept, on="measure", how="left").join(wp, on="measure", how="left")
    out = out.join(everyone, on="measure", how="left")
    own = pl.col("department_mean") if department else pl.col("workplace_mean")
    return out.with_columns(
        (pl.col("department_mean") - pl.col("workplace_mean")).alias("diff_workplace"),
        (own - pl.col("all_mean")).alias("diff_all"),
    )


def response(figs: RoundFigures, workplace: str | None, low_rate: float) -> pl.DataFrame:
    """Invited, respondents and response rate of a workplace's departments and the workplace.

    With ``workplace`` None: every workplace and all together. Flags: ``low`` (rate under
    ``low_rate``, the setting low_response_rate), ``too_few`` (fewer respondents than the
    threshold: no scores shown), ``no_roster`` (no invitation list) and ``over`` (more
    respondents than invited: the roster is out of date).
    """
    if workplace is None:
        rows = figs.groups.filter(pl.col("level") != "department")
    else:
        rows = figs.of_workplace(workplace)[0].filter(pl.col("workplace") == workplace)
    return rows.select(
        "level",
        "workplace",
        "department",
        "invited",
        "respondents",
        "response_rate",
        (pl.col("response_rate") < low_rate).fill_null(False).alias("low"),
        (pl.col("respondents") < figs.threshold).alias("too_few"),
        pl.col("invited").is_null().alias("no_roster"),
        (pl.col("respondents") > pl.col("invited")).fill_null(False).alias("over"),
    )


# -- correlations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correlations:
    """Pairwise correlations: ``cells`` has row, col, r (null when hidden), n, reason.

    n is the number of persons with both scores; null when nothing was computed because the
    filter's group is hidden.
    """

    order: list[str]
    cells: pl.DataFrame

    def matrix(self) -> list[list[float | None]]:
        return self._grid("r")

    def counts(self) -> list[list[int | None]]:
        return self._grid("n")

    def _grid(self, column: str) -> list[list]:
        values = {(r["row"], r["col"]): r[column] for r in self.cells.iter_rows(named=True)}
        return [[values[(a, b)] for b in self.order] for a in self.order]


def group_figures(
    figs: RoundFigures,
    workplaces: list[str] | None,
    department: str | None,
    item_keys: list[str],
) -> pl.DataFrame:
    """The gated figures (measure, mean, n, suppressed, reason) of the filter's group.

    A department needs exactly one workplace.
    """
    if department is not None:
        if workplaces is None or len(workplaces) != 1:
            raise ValueError("a department belongs to exactly one workplace")
        return (
            figs.of_workplace(workplaces[0])[1]
            .filter(
                (pl.col("level") == "department")
                & (pl.col("workplace") == workplaces[0])
                & (pl.col("department") == department)
            )
            .select("measure", "mean", "n", "suppressed", "reason")
        )
    return selection_measures(figs, workplaces, item_keys)


def correlations(
    store: Store,
    figs: RoundFigures,
    workplaces: list[str] | None,
    department: str | None = None,
    kind: str = "dimension",
) -> Correlations:
    """Person-level Pearson correlations of the dimension (or item) scores of a filter.

    A pair is shown when the filter's group is shown for both measures and at least the
    threshold of persons have both; otherwise r is null, with the reason. Above the threshold
    but below the setting ``min_correlation_n`` r is null too (reason ``FEW``): a correlation
    over a handful of persons swings too much to read. When the group is hidden for every
    measure, nothing is computed at all.
    """
    min_n = store.settings.min_correlation_n
    ins = store.instrument
    order = ins.dimension_keys if kind == "dimension" else ins.item_keys
    group = group_figures(figs, workplaces, department, ins.item_keys)
    group = group.filter(pl.col("measure").is_in(order))
    hidden = {r["measure"]: r["reason"] for r in group.iter_rows(named=True) if r["suppressed"]}
    hidden |= {m: anonymity.PRIMARY for m in order if m not in set(group["measure"])}
    chosen = _selection(figs, workplaces)
    if department is None and len(chosen or figs.workplaces) > 1:
        chosen = _shown_sites(figs, chosen, order)
    if len(hidden) == len(order) or chosen == []:  # a hidden group: compute nothing
        raw = None
    else:
        params = {"workplaces": chosen, "department": department}
        if kind == "dimension":  # from the department sums the store keeps
            named = ("dimension_correlations", params)
            raw = figure_store.frames(store, figs.round, named)[0]
        else:
            raw = store.frame("item_correlations", round=figs.round, **params)
    computed = raw is not None
    raw = raw if computed else pl.DataFrame()
    found = {(r["row_measure"], r["col_measure"]): r for r in raw.iter_rows(named=True)}
    records = []
    for a in order:
        for b in order:
            cell = found.get((a, b), {"r": None, "n": 0})
            r, n = cell["r"], int(cell["n"])
            reason = hidden.get(a) or hidden.get(b)
            if reason is None and n < figs.threshold:
                reason = anonymity.PRIMARY
            if reason is None and n < min_n:
                reason = FEW
            if reason is None and (r is None or math.isnan(r)):
                reason = UNDEFINED
            if reason is None:  # exactly 1 on the diagonal, and no 1.0000000000000002
                r = 1.0 if a == b else min(1.0, max(-1.0, float(r)))
            records.append(
                {
                    "row": a,
                    "col": b,
                    "r": None if reason else r,
                    "n": n if computed else None,
                    "reason": reason,
                }
            )
    cells = pl.DataFrame(
        records,
        schema={
            "row": pl.String,
            "col": pl.String,
            "r": pl.Float64,
            "n": pl.Int64,
            "reason": pl.String,
        },
    )
    return Correlations(list(order), cells)


def _shown_sites(figs: RoundFigures, chosen: list[str] | None, order: list[str]):
    """The workplaces whose persons a correlation over several of them may use: those shown
    for every measure of the matrix (a hidden one is left out, as from the pooled means).
    None: every workplace of the round, when none is hidden."""
    sites = figs.at_level("workplace")[1].filter(
        pl.col("measure").is_in(order)
        & (pl.col("workplace").is_in(chosen) if chosen is not None else pl.lit(True))
    )
    hidden = set(sites.filter(pl.col("suppressed"))["workplace"].to_list())
    if not hidden:
        return chosen
    return [w for w in (chosen or figs.workplaces) if w not in hidden]


# -- the command line ------------------------------------------------------------------------


def summary_extras(
    store: Store,
    round_name: str | None,
    workplaces: list[str] | None,
    viewer: access.Viewer = access.LOCAL,
    lang: str = "da",
) -> dict:
    """The ``correlation`` and ``benchmark`` keys of ``summary --json`` for a filter in the
    viewer's scope (the correlation rests on persons, the benchmark on what they may see)."""
    figs = round_figures(store, round_name)
    ins = store.instrument
    dims = ins.dimension_keys
    access.require_request(viewer, workplaces)
    corr = correlations(store, figs, workplaces)
    bench = benchmark(access.restrict_figures(figs, viewer, lang), workplaces, dims, ins.item_keys)
    return {
        "correlation": {"order": dims, "matrix": corr.matrix(), "n": corr.counts()},
        "benchmark": {
            row["measure"]: {
                "mean": row["mean"],
                "n": row["n"],
                "site_range": [row["site_min"], row["site_max"]],
                "team_range": [row["team_min"], row["team_max"]],
            }
            for row in bench.iter_rows(named=True)
        },
    }
