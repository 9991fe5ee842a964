"""Benchmark by industry: a workplace beside the workplaces of its own industry (the DB07
section in its facts) and beside all workplaces of the round, per measure in the seed's
shape: the mean, the range between workplaces and the range between teams (departments).

Anonymity and access:

- Everything starts from the round's gated figures (``analysis.benchmark``): a workplace
  counts in its industry only for the measures its figure is shown for, the mean is pooled
  from those workplaces' persons, and the ranges use shown workplaces and departments only.
- The industry is compared only when at least the setting ``min_industry_workplaces`` of its
  workplaces (this one included) are shown; with fewer, only all workplaces are.
- The comparison is given for a workplace the viewer sees by name. The industry's pooled
  mean and counts name no one. Its ranges, though, are the figures of single workplaces and
  departments, which a viewer with a scope also sees under stand-in names ("Arbejdsplads B")
  on other pages: matching them up would tell which stand-ins share their industry and so
  help say who they are. The industry's ranges therefore go only to viewers who see every
  workplace of the industry by name, with all of its departments; others get its mean as a
  whole number, without the number of persons behind it.
- The comparison with all workplaces is made from what the viewer may see (as on the
  benchmark page): stand-ins and only the viewer's own departments.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from queries import facts_store
from socialkapital import access, analysis, text
from socialkapital.facts import Facts, industries

COMPARED = "compared"
TOO_FEW = "too_few"  # fewer shown workplaces of the industry than the setting asks for
NO_INDUSTRY = "no_industry"  # the workplace's industry is not known
SIDES = ("industry", "all")
_FIGURES = ("mean", "n", "workplaces", "workplace_min", "workplace_max", "team_min", "team_max")
_RANGES = ("workplace_min", "workplace_max", "team_min", "team_max")


@dataclass(frozen=True)
class Comparison:
    """One workplace beside its industry and all workplaces.

    ``rows``: one per measure, with ``score`` and ``score_n`` (the workplace's own, null when
    hidden) and for each side ('industry', 'all') ``{side}_mean``, ``_n``, ``_workplaces``
    (shown workplaces), ``_workplace_min``/``_max`` and ``_team_min``/``_max``. The
    industry's columns are null unless it is compared for that measure, and its ranges also
    when the viewer may not have them (``ranges``).
    """

    workplace: str
    industry: str | None  # the DB07 section's letter
    status: str  # COMPARED, TOO_FEW or NO_INDUSTRY
    minimum: int  # the setting min_industry_workplaces
    industry_workplaces: int  # the industry's workplaces with a shown figure (any measure)
    all_workplaces: int  # the round's workplaces with a shown figure (any measure)
    ranges: bool  # the industry's ranges are given to this viewer
    rows: pl.DataFrame

    def industry_name(self, lang: str) -> str | None:
        known = industries().get(self.industry or "")
        return known.name(lang) if known else None


def compare(
    figs: analysis.RoundFigures,
    facts: dict[str, Facts],
    workplace: str,
    measures: list[str],
    item_keys: list[str],
    minimum: int,
    viewer: access.Viewer = access.LOCAL,
    lang: str = "da",
    everyone: pl.DataFrame | None = None,
) -> Comparison:
    """``workplace`` beside its industry and all workplaces of the round.

    ``figs``: the round's gated figures before the viewer's scope; ``facts``: every
    workplace's facts by name; ``everyone``: the all-workplaces side as the viewer may see it
    (``all_side``), made here when not given.
    """
    access.require(viewer, workplace)
    if everyone is None:
        everyone = all_side(access.restrict_figures(figs, viewer, lang), measures, item_keys)
    own = figs.measures.filter(
        (pl.col("level") == "workplace") & (pl.col("workplace") == workplace)
    ).select("measure", pl.col("mean").alias("score"), pl.col("n").alias("score_n"))
    rows = pl.DataFrame({"measure": measures}).join(own, on="measure", how="left")
    rows = rows.join(everyone, on="measure", how="left")

    code = (facts.get(workplace) or Facts()).industry
    peers = [w for w in figs.workplaces if (facts.get(w) or Facts()).industry == code]
    shown = _shown(figs, peers, measures) if code else 0
    ranges = viewer.departments is None and all(viewer.sees_workplace(w) for w in peers)
    if code:
        side = _side(analysis.benchmark(figs, peers, measures, item_keys), "industry")
        rows = rows.join(side, on="measure", how="left")
    else:
        rows = rows.with_columns(_nulls("industry", _FIGURES))
    enough = pl.col("industry_workplaces") >= minimum
    rows = rows.with_columns(
        pl.when(enough).then(pl.col(f"industry_{c}")).alias(f"industry_{c}")
        for c in _FIGURES
        if c != "workplaces"
    )
    if not ranges:
        # And the pooled mean in whole numbers, without its n: the exact n and mean would let
        # a few of the stand-ins' figures be matched to it by adding them up.
        whole = (pl.col("industry_mean") + 0.5).floor()  # half up, as text.score rounds
        rows = rows.with_columns(*_nulls("industry", (*_RANGES, "n")), whole.alias("industry_mean"))
    status = NO_INDUSTRY if code is None else (COMPARED if shown >= minimum else TOO_FEW)
    return Comparison(
        workplace,
        code,
        status,
        minimum,
        shown,
        _shown(figs, list(figs.workplaces), measures),
        ranges,
        rows,
    )


def all_side(seen: analysis.RoundFigures, measures: list[str], item_keys: list[str]):
    """The all-workplaces columns of ``compare`` from the figures as the viewer sees them."""
    return _side(analysis.benchmark(seen, None, measures, item_keys), "all")


def _side(bench: pl.DataFrame, side: str) -> pl.DataFrame:
    """``analysis.benchmark``'s columns under this module's names, prefixed with the side."""
    names = {
        "mean": "mean",
        "n": "n",
        "sites_shown": "workplaces",
        "site_min": "workplace_min",
        "site_max": "workplace_max",
        "team_min": "team_min",
        "team_max": "team_max",
    }
    return bench.select(
        "measure", *(pl.col(old).alias(f"{side}_{new}") for old, new in names.items())
    )


def _nulls(side: str, columns) -> list[pl.Expr]:
    types = {"n": pl.Int64, "workplaces": pl.Int64}
    return [pl.lit(None, dtype=types.get(c, pl.Float64)).alias(f"{side}_{c}") for c in columns]


def _shown(figs: analysis.RoundFigures, workplaces: list[str], measures: list[str]) -> int:
    """How many of the workplaces have a shown figure for at least one of the measures."""
    rows = figs.measures.filter(
        (pl.col("level") == "workplace")
        & pl.col("workplace").is_in(workplaces)
        & pl.col("measure").is_in(measures)
        & ~pl.col("suppressed")
    )
    return rows["workplace"].n_unique()


# -- what the page, the report and --json say --------------------------------------------------


def sentences(found: Comparison, lang: str) -> list[tuple[str, dict]]:
    """What to say of the comparison, as (text key, values): the industry compared with and
    how many, or why there is none (the page escapes the values, the report does not)."""
    if found.status == NO_INDUSTRY:
        return [("industry.no_industry", {"workplace": found.workplace})]
    values = {
        "code": found.industry,
        "industry": found.industry_name(lang) or found.industry,
        "count": found.industry_workplaces,
        "minimum": found.minimum,
        "all": found.all_workplaces,
    }
    if found.status == TOO_FEW:
        return [("industry.too_few", values)]
    said = [("industry.compared", values)]
    if not found.ranges:
        said.append(("industry.no_ranges", {}))
    return said


def headline(found: Comparison, lang: str) -> str:
    """``sentences`` as plain text."""
    return " ".join(text.t(key, lang, **values) for key, values in sentences(found, lang))


def how_to_set(found: Comparison, lang: str) -> str:
    """Where and how the industry of a workplace without one is set."""
    return text.t("industry.how_to_set", lang, workplace=found.workplace)


def as_json(found: Comparison, lang: str) -> dict:
    """The ``benchmark`` object of a workplace in ``summary --json``."""
    name = found.industry_name(lang)
    figures = {}
    for r in found.rows.iter_rows(named=True):
        entry = {"score": r["score"], "n": r["score_n"]}
        for side in SIDES:
            compared = side == "all" or r["industry_mean"] is not None
            entry[side] = (
                {
                    "mean": r[f"{side}_mean"],
                    "n": r[f"{side}_n"],
                    "workplaces": r[f"{side}_workplaces"],
                    "workplace_range": _pair(r, side, "workplace"),
                    "team_range": _pair(r, side, "team"),
                }
                if compared
                else None
            )
        figures[r["measure"]] = entry
    note = headline(found, lang)
    if found.status == NO_INDUSTRY:
        note += " " + how_to_set(found, lang)
    return {
        "industry": None if found.industry is None else {"code": found.industry, "name": name},
        "status": found.status,
        "min_industry_workplaces": found.minimum,
        "compared_with": {"industry": found.industry_workplaces, "all": found.all_workplaces},
        "industry_ranges": found.ranges,
        "note": note,
        "figures": figures,
    }


def add_to_summary(data: dict, store, round_name: str, viewer: access.Viewer, lang: str) -> dict:
    """Give each workplace group of a summary its ``benchmark``: the workplaces the viewer
    sees by name get theirs, stand-ins for the others get null."""
    figs = analysis.round_figures(store, round_name)
    ins = store.instrument
    measures = [analysis.OVERALL, *ins.dimension_keys]
    everyone = all_side(access.restrict_figures(figs, viewer, lang), measures, ins.item_keys)
    facts = facts_store.all_facts(store)
    minimum = store.settings.min_industry_workplaces
    for group in data["groups"]:
        name = group["workplace"]
        if name is None or group["department"] is not None:
            continue
        named = viewer.sees_workplace(name) and name in figs.workplaces
        group["benchmark"] = (
            as_json(
                compare(
                    figs, facts, name, measures, ins.item_keys, minimum, viewer, lang, everyone
                ),
                lang,
            )
            if named
            else None
        )
    return data


def _pair(row: dict, side: str, kind: str) -> list[float] | None:
    low, high = row[f"{side}_{kind}_min"], row[f"{side}_{kind}_max"]
    return None if low is None else [low, high]
