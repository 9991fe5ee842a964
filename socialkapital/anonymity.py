"""The one anonymity gate: every figure on a page, in an export, a PDF or the CLI passes here.

A figure is hidden when it rests on fewer respondents than the threshold (primary
suppression). Because a workplace's figure is the n-weighted mean of its departments', a
hidden department could be worked out by subtracting the shown ones from the workplace; so
within each parent, more siblings are hidden (secondary suppression, smallest first) until
the hidden ones together hold at least the threshold of respondents. Then the only figure
that subtraction can reveal is the mean of at least the threshold of people.
"""

from __future__ import annotations

import polars as pl

PRIMARY = "primary"
SECONDARY = "secondary"
SELECTION = "selection"  # hidden in a selection's total because a selected part is hidden
MEASURE_COLUMNS = ("mean", "sd")
_PARENT = {"department": ["workplace"], "workplace": []}


def gate(stats: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide what must not be shown.

    ``stats`` has one row per group and measure: level ('all', 'workplace', 'department'),
    workplace, department, measure, mean, sd, n. The result has the same rows with
    ``suppressed`` and ``reason`` added, and mean and sd set to null where suppressed.
    """
    # Sorted, so that ties between equally small siblings are broken the same way every time.
    flagged = stats.sort("workplace", "department", "measure", nulls_last=False).with_columns(
        (pl.col("n") < threshold).alias("suppressed"),
        pl.when(pl.col("n") < threshold).then(pl.lit(PRIMARY)).alias("reason"),
    )
    parts = [flagged.filter(pl.col("level") == "all")]
    for level, parent_keys in _PARENT.items():
        rows = flagged.filter(pl.col("level") == level)
        if rows.height:
            parts.append(_secondary(rows, [*parent_keys, "measure"], threshold))
    gated = _protect_hidden_parents(pl.concat(parts, how="vertical_relaxed"), threshold)
    hidden = pl.col("suppressed")
    return gated.with_columns(
        [pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in MEASURE_COLUMNS]
    )


def _protect_hidden_parents(flagged: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """A hidden workplace must not be rebuildable from its departments.

    When a workplace is hidden (to protect a smaller sibling) but all its departments are
    shown, its figure is their n-weighted mean, and the sibling would follow by subtraction
    from the all-workplaces figure. So its smallest shown department is hidden too; that
    department rests on at least the threshold of persons (else it was hidden already).
    """
    exposed = flagged.filter(
        (pl.col("level") == "workplace") & pl.col("suppressed") & (pl.col("n") >= threshold)
    ).select("workplace", "measure")
    if not exposed.height:
        return flagged
    departments = flagged.filter(pl.col("level") == "department").join(
        exposed, on=["workplace", "measure"]
    )
    covered = departments.group_by("workplace", "measure").agg(
        (pl.col("suppressed") & (pl.col("n") > 0)).any().alias("covered")
    )
    victims = (
        departments.join(covered, on=["workplace", "measure"])
        .filter(~pl.col("covered") & ~pl.col("suppressed") & (pl.col("n") > 0))
        .sort("n", "department")
        .group_by("workplace", "measure", maintain_order=True)
        .first()
        .select("workplace", "department", "measure", pl.lit(True).alias("victim"))
    )
    if not victims.height:
        return flagged
    marked = flagged.join(
        victims, on=["workplace", "department", "measure"], how="left", nulls_equal=True
    )
    victim = pl.col("victim").fill_null(False)
    return marked.with_columns(
        (pl.col("suppressed") | victim).alias("suppressed"),
        pl.when(victim).then(pl.lit(SECONDARY)).otherwise(pl.col("reason")).alias("reason"),
    ).drop("victim")


def _secondary(rows: pl.DataFrame, parent: list[str], threshold: int) -> pl.DataFrame:
    """Add secondary suppression among the siblings of each parent."""
    # Only parents with a hidden child need a look: most have none, and the loop is Python.
    exposed = rows.filter(pl.col("suppressed") & (pl.col("n") > 0)).select(parent).unique()
    if not exposed.height:
        return rows
    todo = rows.join(exposed, on=parent, how="semi", nulls_equal=True)
    done = rows.join(exposed, on=parent, how="anti", nulls_equal=True)
    out = [done]
    for siblings in todo.partition_by(parent, maintain_order=True):
        out.append(_protect_siblings(siblings, threshold))
    return pl.concat(out, how="vertical_relaxed")


def _protect_siblings(siblings: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide the smallest shown siblings until the hidden ones hold ≥ threshold respondents."""
    n = siblings["n"].to_list()
    hidden = siblings["suppressed"].to_list()
    reason = siblings["reason"].to_list()
    hidden_n = sum(k for k, h in zip(n, hidden, strict=True) if h)
    # Siblings with n = 0 add nothing to a subtraction, so hiding them would not help.
    candidates = sorted((k, i) for i, (k, h) in enumerate(zip(n, hidden, strict=True)) if not h)
    # (n, position) order: the smallest first, ties by name (the rows are sorted by name).
    for k, i in candidates:
        if not 0 < hidden_n < threshold:
            break
        if k == 0:
            continue
        hidden[i], reason[i] = True, SECONDARY
        hidden_n += k
    return siblings.with_columns(
        pl.Series("suppressed", hidden, dtype=pl.Boolean),
        pl.Series("reason", reason, dtype=pl.String),
    )


def overall_from_items(gated_items: pl.DataFrame, item_count: int) -> pl.DataFrame:
    """The overall score of each group: the mean of its item means.

    Shown only when every item mean of the group is shown, so that the overall cannot be
    used to work out a hidden item.
    """
    return gated_items.group_by("level", "workplace", "department", maintain_order=True).agg(
        pl.when(pl.col("mean").is_not_null().sum() == item_count)
        .then(pl.col("mean").mean())
        .alias("mean"),
    )
