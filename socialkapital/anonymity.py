"""The one anonymity gate: every figure on a page, in an export, a PDF or the CLI passes here.

A figure is hidden when it rests on fewer respondents than the threshold (primary
suppression). Because a workplace's figure is the n-weighted mean of its departments', a
hidden department could be worked out by subtracting the shown ones from the workplace; so
within each workplace, more departments are hidden (secondary suppression, smallest first)
until the hidden ones together hold at least the threshold of respondents. Then the only
figure that subtraction can reveal is the mean of at least the threshold of people. A
department hidden that way for one measure is hidden for all (forms and questions hang
together), so the pages never show some of a protected department's figures.

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


def gate(stats: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide what must not be shown, and pool the all-workplaces figures from shown ones.

    ``stats`` has one row per group and measure at the levels 'workplace' and 'department':
    workplace, department, measure, mean, sd, n. The result has those rows with
    ``suppressed`` and ``reason`` added (mean and sd null where suppressed), and a row per
    measure at level 'all' pooled from the shown workplaces (``pooled``).
    """
    # Sorted, so that ties between equally small siblings are broken the same way every time.
    flagged = stats.sort("workplace", "department", "measure", nulls_last=False).with_columns(
        (pl.col("n") < threshold).alias("suppressed"),
        pl.when(pl.col("n") < threshold).then(pl.lit(PRIMARY)).alias("reason"),
    )
    sites = flagged.filter(pl.col("level") == "workplace")
    departments = _secondary(
        flagged.filter(pl.col("level") == "department"), ["workplace", "measure"], threshold
    )
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
    }
    frame = pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema=columns)
    return frame.with_columns(
        pl.lit("all").alias("level"),
        pl.lit(None, dtype=pl.String).alias("workplace"),
        pl.lit(None, dtype=pl.String).alias("department"),
    ).select(gated.columns)  # in the gated rows' order, to be stacked with them


def _secondary(rows: pl.DataFrame, parent: list[str], threshold: int) -> pl.DataFrame:
    """Add secondary suppression among the siblings of each parent: in each parent with a
    hidden child, hide the smallest shown siblings (ties by position, i.e. by name) until
    the hidden ones hold at least the threshold of respondents.

    In one pass over all parents: a shown sibling is hidden when what is hidden before it
    in that order (the primary-hidden ones, plus every smaller shown sibling) still holds
    fewer than the threshold. Siblings with n = 0 add nothing to a subtraction, so hiding
    them would not help; they are left as they are.
    """
    hidden = pl.col("suppressed")
    ranked = rows.with_row_index("_pos").with_columns(
        pl.when(hidden).then(pl.col("n")).otherwise(0).sum().over(parent).alias("_hidden_n")
    )
    shown = (
        ranked.filter(~hidden & (pl.col("_hidden_n") > 0))
        .sort([*parent, "n", "_pos"], nulls_last=False)
        .with_columns(
            (pl.col("_hidden_n") + pl.col("n").cum_sum().over(parent) - pl.col("n")).alias(
                "_before"
            )
        )
        .filter((pl.col("n") > 0) & (pl.col("_before") < threshold))
        .select("_pos", pl.lit(True).alias("_newly"))
    )
    if not shown.height:
        return rows
    newly = pl.col("_newly").fill_null(False)
    marked = ranked.join(shown, on="_pos", how="left", maintain_order="left")
    out = marked.with_columns(
        pl.when(newly).then(pl.lit(SECONDARY)).otherwise(pl.col("reason")).alias("reason"),
        (hidden | newly).alias("suppressed"),
    ).drop("_pos", "_hidden_n", "_newly")
    return _hide_everywhere(out)


def _hide_everywhere(rows: pl.DataFrame) -> pl.DataFrame:
    """A department hidden to protect another, for one measure, is hidden for every measure.

    Measures hang together: a form's score is (nearly) the mean of its questions' scores,
    and the overall score is the mean of all 21. A department hidden for a form but shown
    for each of its questions could be worked back, and then used in the subtraction the
    form's hiding was there to stop.
    """
    complements = (
        rows.filter(pl.col("reason") == SECONDARY)
        .select("workplace", "department")
        .unique()
        .with_columns(pl.lit(True).alias("_complement"))
    )
    if not complements.height:
        return rows
    marked = rows.join(
        complements,
        on=["workplace", "department"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    newly = pl.col("_complement").fill_null(False) & ~pl.col("suppressed")
    return marked.with_columns(
        pl.when(newly).then(pl.lit(SECONDARY)).otherwise(pl.col("reason")).alias("reason"),
        (pl.col("suppressed") | newly).alias("suppressed"),
    ).drop("_complement")


def overall_from_items(gated_items: pl.DataFrame, item_count: int) -> pl.DataFrame:
    """The overall score of each group: the mean of its item means.

    Shown only when every item mean of the group is shown, so that the overall cannot be
    used to work out a hidden item. With the exact sums, the mean of the exact item means
    (fractions), rounded once: the same whatever the order of the items.
    """
    keys = ("level", "workplace", "department")
    complete = pl.col("mean").is_not_null().sum() == item_count
    if not all(c in gated_items.columns for c in EXACT):
        return gated_items.group_by(*keys, maintain_order=True).agg(
            pl.when(complete).then(pl.col("mean").mean()).alias("mean"),
        )
    # Each group's shown item means added up exactly: the totals of items with the same
    # denominator (n × scale) first, then one sum over a common denominator, in Python ints.
    rows = gated_items.lazy()  # one query plan: a selection's few groups stay quick too
    groups = rows.group_by(*keys, maintain_order=True).agg(complete.alias("_complete"))
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
    return parts.select(*keys).with_columns(pl.Series("mean", means, dtype=pl.Float64))


def _mean_of_fractions(totals: list[int], denominators: list[int], count: int) -> float:
    """(Σ total/denominator) / count, exactly, rounded once (int / int is correctly rounded,
    as ``float(Fraction)`` is)."""
    common = math.lcm(*denominators)
    numerator = sum(t * (common // d) for t, d in zip(totals, denominators, strict=True))
    return numerator / (common * count)
