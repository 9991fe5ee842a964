"""The one anonymity gate: every figure on a page, in an export, a PDF or the CLI passes here.

A figure is hidden when it rests on fewer respondents than the threshold (primary
suppression). Because a workplace's figure is the n-weighted mean of its departments', a
hidden department could be worked out by subtracting the shown ones from the workplace; so
within each workplace, more departments are hidden (secondary suppression) until, in every
measure, the hidden ones together hold at least the threshold of respondents. Then the only
figure that subtraction can reveal is the mean of at least the threshold of people.

Which departments are hidden for that is chosen once per workplace, for all its measures
together (forms and questions: the gate is given them in one frame), as the cheapest way:
the fewest respondents hidden, then the fewest departments, then the first by name
(``_cheapest_cover``). A department hidden that way is hidden for every measure (forms and
questions hang together), so the pages never show some of a protected department's figures.
Each such row says which departments it protects (``protects``), so that a page or report
can say why it is hidden.

Workplaces are not siblings in that sense: a total over several workplaces (all of them, or
a selection) is pooled from the workplaces whose figure is shown, so a workplace with too few
respondents is left out of it rather than worked out from it. Each such total is then a
combination of shown figures and reveals nothing new; and no other workplace has to be hidden
because of a small one.
"""

from __future__ import annotations

import math

import polars as pl

PRIMARY = "primary"
SECONDARY = "secondary"
# The figures of a row, hidden with it: mean and SD, and the exact sums they come from
# (queries/scores.sql: Σ and Σ² of the scores times ``scale``), which pooling adds up.
MEASURE_COLUMNS = ("mean", "sd", "total", "squares")
EXACT = ("total", "squares", "scale")
# The departments a secondary hiding protects (a list of names; null on every other row).
# Naming them tells nothing new: each is hidden in its own right (primary) in the same
# measures, and shown as hidden wherever the viewer sees it. ``access.restrict`` renames or
# drops these names as it does the departments' own, for a viewer with a scope.
PROTECTS = "protects"
# Subsets the exact search may try in one workplace before it settles for the cheapest
# cover found so far (still safe, perhaps not the cheapest). Real workplaces need a few.
SEARCH_BUDGET = 200_000


def gate(stats: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide what must not be shown, and pool the all-workplaces figures from shown ones.

    ``stats`` has one row per group and measure at the levels 'workplace' and 'department':
    workplace, department, measure, mean, sd, n. Give it every measure of a round at once
    (forms and questions): what is hidden to protect a small department is chosen over all
    of them. The result has those rows with ``suppressed``, ``reason`` and ``protects``
    added (mean and sd null where suppressed), and a row per measure at level 'all' pooled
    from the shown workplaces (``pooled``).
    """
    # Grouped by name, measures in the order given (the choice of ``_cheapest_cover`` does
    # not depend on the order of the rows: ties are broken by name there).
    flagged = stats.sort("workplace", "department", nulls_last=False, maintain_order=True)
    flagged = flagged.with_columns(
        (pl.col("n") < threshold).alias("suppressed"),
        pl.when(pl.col("n") < threshold).then(pl.lit(PRIMARY)).alias("reason"),
        pl.lit(None, dtype=pl.List(pl.String)).alias(PROTECTS),
    )
    sites = flagged.filter(pl.col("level") == "workplace")
    departments = _secondary(flagged.filter(pl.col("level") == "department"), threshold)
    gated = pl.concat([sites, departments], how="vertical_relaxed")
    gated = gated.with_columns(
        [
            pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
            for c in MEASURE_COLUMNS
            if c in gated.columns
        ]
    )
    return pl.concat([pooled(gated, threshold), gated], how="vertical_relaxed")


def pooled(gated: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Per measure, the persons of the shown workplaces of ``gated`` taken together: the
    n-weighted mean, the pooled SD (within- plus between-workplace sums of squares) and n.

    A workplace hidden for a measure is left out of that measure's total; the total is
    hidden when the shown workplaces hold fewer than the threshold of persons. With the
    exact sums (``EXACT`` columns) the mean and SD are those of the added-up sums, exactly
    as the store computes a workplace's; without them (a frame made by hand), from the
    workplaces' means and SDs.
    """
    if all(c in gated.columns for c in EXACT):
        return _pooled_exact(gated, threshold)
    sites = gated.filter((pl.col("level") == "workplace") & ~pl.col("suppressed"))
    n = pl.col("n").sum()
    mean = (pl.col("mean") * pl.col("n")).sum() / n
    totals = sites.group_by("measure", maintain_order=True).agg(
        n.alias("n"),
        mean.alias("mean"),
        # Σ(n-1)·sd² within the workplaces, plus Σ n·mean² - N·grand mean² between them.
        ((pl.col("n") - 1) * pl.col("sd") ** 2).sum().alias("_within"),
        (pl.col("n") * pl.col("mean") ** 2).sum().alias("_squares"),
    )
    measures = gated.select("measure").unique(maintain_order=True)
    rows = measures.join(totals, on="measure", how="left").with_columns(pl.col("n").fill_null(0))
    between = pl.col("_squares") - pl.col("n") * pl.col("mean") ** 2
    sd = ((pl.col("_within") + between) / (pl.col("n") - 1)).clip(lower_bound=0).sqrt()
    hidden = pl.col("n") < threshold
    return rows.select(
        pl.lit("all").alias("level"),
        pl.lit(None, dtype=pl.String).alias("workplace"),
        pl.lit(None, dtype=pl.String).alias("department"),
        "measure",
        pl.when(hidden).then(None).otherwise(pl.col("mean")).alias("mean"),
        pl.when(hidden).then(None).otherwise(sd).alias("sd"),
        pl.col("n").cast(pl.Int64),
        hidden.alias("suppressed"),
        pl.when(hidden).then(pl.lit(PRIMARY)).alias("reason"),
        *([pl.lit(None, dtype=pl.List(pl.String)).alias(PROTECTS)] if PROTECTS in gated else []),
    )


def _pooled_exact(gated: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """``pooled`` from the exact sums: added up as integers (in any order, the same), then
    one division for the mean and one for the variance, as in queries/scores.sql."""
    sites = gated.filter((pl.col("level") == "workplace") & ~pl.col("suppressed"))
    totals = sites.group_by("measure").agg(
        pl.col("n").sum(), pl.col("total").sum(), pl.col("squares").sum(), pl.col("scale").first()
    )
    found = {r["measure"]: r for r in totals.iter_rows(named=True)}
    rows = []
    for measure in gated["measure"].unique(maintain_order=True).to_list():
        got = found.get(measure) or {"n": 0}
        n = int(got["n"])
        row = {"measure": measure, "n": n, "suppressed": n < threshold}
        if n < threshold:
            row["reason"] = PRIMARY
        else:
            total, squares, scale = int(got["total"]), int(got["squares"]), int(got["scale"])
            row |= {"total": total, "squares": squares, "scale": scale}
            row["mean"] = total / (n * scale)  # int / int: the exact quotient, rounded once
            if n > 1:
                row["sd"] = math.sqrt((n * squares - total * total) / (n * (n - 1))) / scale
        rows.append(row)
    types = gated.schema
    columns = {
        "measure": pl.String,
        "mean": pl.Float64,
        "sd": pl.Float64,
        "n": pl.Int64,
        "suppressed": pl.Boolean,
        "reason": pl.String,
        **{c: types[c] for c in EXACT},
        **({PROTECTS: pl.List(pl.String)} if PROTECTS in types else {}),
    }
    frame = pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema=columns)
    return frame.with_columns(
        pl.lit("all").alias("level"),
        pl.lit(None, dtype=pl.String).alias("workplace"),
        pl.lit(None, dtype=pl.String).alias("department"),
    ).select(gated.columns)  # in the gated rows' order, to be stacked with them


def _secondary(rows: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide, in each workplace, the cheapest set of further departments that protects its
    small ones in every measure, and say whom they protect.

    Why this is safe. Take a measure m of a workplace and let H be the departments hidden
    for m. The workplace's figure for m is the pooled figure of its departments (every
    respondent belongs to one), so the workplace minus the shown departments gives the
    pooled figure of H, and no shown figure splits H further: a department is either shown
    or hidden for m, and the other totals built from shown figures (several workplaces,
    the rest of a workplace, merged departments over rounds) are sums of shown figures or
    the workplace's. So the finest group anyone can work out for m is H together. Whenever
    H holds a department with respondents, it holds at least the threshold of them:
    either the small departments already do, or H holds a department shown for m before,
    which alone holds at least the threshold (being shown is just that). The gap to fill in
    m is below the threshold, so any one department shown for m fills it, whatever its
    exact n; which is why choosing is a matter of which measures each department covers.
    When no department is shown for m (the workplace has too few for m, and its figure is
    hidden), there is nothing to subtract from and nothing to do.

    Choosing once per workplace over all measures, instead of per measure, matters because
    the n differ between measures (people skip questions): the smallest department of one
    question is not that of another, and hiding each measure's smallest for all measures
    hid several departments where one would do.
    """
    small = rows.filter(pl.col("suppressed") & (pl.col("n") > 0))
    short = (
        small.group_by("workplace", "measure")
        .agg(pl.col("n").sum())
        .filter(pl.col("n") < threshold)
        .drop("n")
    )
    keys = ["workplace", "measure"]
    # Departments shown for a measure with a gap: any one of them would fill that gap.
    helpers = rows.filter(~pl.col("suppressed")).join(short, on=keys, how="semi", nulls_equal=True)
    if not helpers.height:
        return rows
    gaps = helpers.select(keys).unique().sort(keys, nulls_last=False)
    protected = (
        small.join(gaps, on=keys, how="semi", nulls_equal=True)
        .group_by("workplace")
        .agg(pl.col("department").unique().sort(nulls_last=False).alias(PROTECTS))
    )
    sizes = rows.group_by("workplace", "department").agg(pl.col("n").max().alias("_cost"))
    candidates = (
        helpers.group_by("workplace", "department")
        .agg(pl.col("measure").alias("_covers"))
        .join(sizes, on=["workplace", "department"], nulls_equal=True)
        .sort("workplace", "department", nulls_last=False)
    )
    measures = {w: part["measure"].to_list() for (w,), part in gaps.group_by(["workplace"])}
    chosen = []
    for (workplace,), part in candidates.group_by(["workplace"], maintain_order=True):
        bit = {m: 1 << i for i, m in enumerate(measures[workplace])}
        masks = [sum(bit[m] for m in covers) for covers in part["_covers"].to_list()]
        picked = _cheapest_cover(part["_cost"].to_list(), masks, (1 << len(bit)) - 1)
        names = part["department"].to_list()
        chosen += [(workplace, names[i]) for i in picked]
    hide = pl.DataFrame(
        chosen, schema={"workplace": pl.String, "department": pl.String}, orient="row"
    ).join(protected, on="workplace", nulls_equal=True)
    marked = rows.drop(PROTECTS).join(
        hide.with_columns(pl.lit(True).alias("_hide")),
        on=["workplace", "department"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    newly = pl.col("_hide").fill_null(False) & ~pl.col("suppressed")
    return marked.with_columns(
        pl.when(newly).then(pl.lit(SECONDARY)).otherwise(pl.col("reason")).alias("reason"),
        (pl.col("suppressed") | newly).alias("suppressed"),
        pl.when(newly).then(pl.col(PROTECTS)).alias(PROTECTS),
    ).select(rows.columns)


def _cheapest_cover(costs: list[int], masks: list[int], goal: int) -> list[int]:
    """The candidates to hide: positions whose masks together cover ``goal`` (a bit per
    measure with a gap), with the least total cost (respondents hidden), then the fewest
    candidates, then the first in name order (positions are in name order).

    An exact search over subsets, cheapest candidates first. It never follows a branch that
    cannot win: one that already costs more than the best cover found, one that the
    candidates left cannot complete, or a candidate that covers nothing new (a cover with it
    would be cheaper without it). Candidates shown for every measure are the usual answer,
    and the cheapest of them bounds the search from the start.
    """
    order = sorted(range(len(costs)), key=lambda i: (costs[i], i))
    reach = [0] * (len(order) + 1)  # what the candidates from a place in ``order`` on cover
    for k in range(len(order) - 1, -1, -1):
        reach[k] = reach[k + 1] | masks[order[k]]
    goal &= reach[0]
    if not goal:
        return []
    whole = next((i for i in order if masks[i] & goal == goal), None)
    best = None if whole is None else (costs[whole], 1, (whole,))
    budget = SEARCH_BUDGET

    def visit(start: int, chosen: tuple[int, ...], covered: int, spent: int) -> None:
        nonlocal best, budget
        for k in range(start, len(order)):
            i = order[k]
            total = spent + costs[i]
            if best is not None and total > best[0]:
                return  # the candidates after this one cost as much or more
            if (covered | reach[k]) & goal != goal or budget <= 0:
                return
            if not masks[i] & goal & ~covered:
                continue
            budget -= 1
            now, pick = covered | masks[i], (*chosen, i)
            if now & goal == goal:
                key = (total, len(pick), tuple(sorted(pick)))
                if best is None or key < best:
                    best = key
            else:
                visit(k + 1, pick, now, total)

    visit(0, (), 0, 0)
    # The budget ran out before any cover was found (never seen): hide every candidate.
    return list(range(len(costs))) if best is None else sorted(best[2])


def overall_from_items(gated_items: pl.DataFrame, item_count: int) -> pl.DataFrame:
    """The overall score of each group: the mean of its item means.

    Shown only when every item mean of the group is shown, so that the overall cannot be
    used to work out a hidden item. With the exact sums, the mean of the exact item means
    (fractions), rounded once: the same whatever the order of the items. With ``protects``
    in the items, the group's (the departments its hidden items protect) comes along; with
    ``reason``, ``own_too_few``: one of its questions has too few answers.
    """
    keys = ("level", "workplace", "department")
    complete = pl.col("mean").is_not_null().sum() == item_count
    whom = [pl.col(PROTECTS).drop_nulls().first()] if PROTECTS in gated_items.columns else []
    # Whether one of the group's own questions has too few answers: then the overall is
    # hidden for that (``own_too_few``), not to protect another group.
    if "reason" in gated_items.columns:
        whom.append((pl.col("reason") == PRIMARY).any().alias("own_too_few"))
    if not all(c in gated_items.columns for c in EXACT):
        return gated_items.group_by(*keys, maintain_order=True).agg(
            pl.when(complete).then(pl.col("mean").mean()).alias("mean"), *whom
        )
    # Each group's shown item means added up exactly: the totals of items with the same
    # denominator (n × scale) first, then one sum over a common denominator, in Python ints.
    rows = gated_items.lazy()  # one query plan: a selection's few groups stay quick too
    groups = rows.group_by(*keys, maintain_order=True).agg(complete.alias("_complete"), *whom)
    terms = (
        rows.filter(pl.col("mean").is_not_null())
        .with_columns(
            (pl.col("n").cast(pl.Int64) * pl.col("scale").cast(pl.Int64)).alias("_d"),
            pl.col("total").cast(pl.Int128),
        )
        .group_by(*keys, "_d")
        .agg(pl.col("total").sum())
        .group_by(*keys)
        .agg("_d", "total")
    )
    parts = groups.join(
        terms, on=list(keys), how="left", nulls_equal=True, maintain_order="left"
    ).collect()
    means = [
        _mean_of_fractions(totals, denominators, item_count) if complete else None
        for complete, denominators, totals in parts.select("_complete", "_d", "total").iter_rows()
    ]
    extra = [c for c in (PROTECTS, "own_too_few") if c in parts.columns]
    return parts.select(*keys, *extra).with_columns(pl.Series("mean", means, dtype=pl.Float64))


def _mean_of_fractions(totals: list[int], denominators: list[int], count: int) -> float:
    """(Σ total/denominator) / count, exactly, rounded once (int / int is correctly rounded,
    as ``float(Fraction)`` is)."""
    common = math.lcm(*denominators)
    numerator = sum(t * (common // d) for t, d in zip(totals, denominators, strict=True))
    return numerator / (common * count)
