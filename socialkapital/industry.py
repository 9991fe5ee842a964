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


class Peers:
    """What the workplaces of a round share in a comparison, computed once per round and
    per industry: a summary compares hundreds of workplaces, and most share an industry."""

    def __init__(self, figs: analysis.RoundFigures, facts: dict[str, Facts], measures, item_keys):
        self.figs, self.facts, self.measures, self.item_keys = figs, facts, measures, item_keys
        self.all_shown = _shown(figs.at_level("workplace")[1], list(figs.workplaces), measures)
        self._industries: dict[str, tuple[list[str], int, pl.DataFrame]] = {}

    def industry(self, code: str) -> tuple[list[str], int, pl.DataFrame]:
        """The industry's workplaces, how many of them are shown, and its side of the table."""
        if code not in self._industries:
            figs = self.figs
            peers = [w for w in figs.workplaces if self.industry_of(w) == code]
            bench = analysis.benchmark(figs, peers, self.measures, self.item_keys)
            sites = figs.at_level("workplace")[1]
            self._industries[code] = (peers, _shown(sites, peers, self.measures), bench)
        return self._industries[code]

    def industry_of(self, workplace: str) -> str | None:
        return (self.facts.get(workplace) or Facts()).industry


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
    """``workplace`` beside its industry and all workplaces of the round (``compare_many``)."""
    args = (figs, facts, [workplace], measures, item_keys, minimum, viewer, lang, everyone)
    return compare_many(*args)[0]


def compare_many(
    figs: analysis.RoundFigures,
    facts: dict[str, Facts],
    workplaces: list[str],
    measures: list[str],
    item_keys: list[str],
    minimum: int,
    viewer: access.Viewer = access.LOCAL,
    lang: str = "da",
    everyone: pl.DataFrame | None = None,
) -> list[Comparison]:
    """Each of ``workplaces`` beside its industry and all workplaces of the round.

    ``figs``: the round's gated figures before the viewer's scope; ``facts``: every
    workplace's facts by name; ``everyone``: the all-workplaces side as the viewer may see it
    (``all_side``), made here when not given. Built as one frame for all of them: a summary
    compares hundreds of workplaces.
    """
    for workplace in workplaces:
        access.require(viewer, workplace)
    if everyone is None:
        everyone = all_side(access.restrict_figures(figs, viewer, lang), measures, item_keys)
    peers = Peers(figs, facts, measures, item_keys)
    codes = {w: peers.industry_of(w) for w in workplaces}
    same = {w: peers.industry(c)[0] if c else [] for w, c in codes.items()}
    shown = {w: peers.industry(c)[1] if c else 0 for w, c in codes.items()}
    ranges = {
        w: viewer.departments is None and all(viewer.sees_workplace(p) for p in same[w])
        for w in workplaces
    }
    sides = [
        _side(peers.industry(c)[2], "industry").with_columns(pl.lit(c).alias("_code"))
        for c in sorted({c for c in codes.values() if c})
    ]
    empty = pl.DataFrame(
        {"measure": [], "_code": []}, schema={"measure": pl.String, "_code": pl.String}
    )
    industry_side = pl.concat(sides) if sides else empty.with_columns(_nulls("industry", _FIGURES))
    own = (
        figs.at_level("workplace")[1]
        .filter(pl.col("workplace").is_in(workplaces))
        .select("workplace", "measure", pl.col("mean").alias("score"), pl.col("n").alias("score_n"))
    )
    asked = pl.DataFrame(
        {
            "workplace": workplaces,
            "_code": [codes[w] for w in workplaces],
            "_ranges": [ranges[w] for w in workplaces],
        },
        schema={"workplace": pl.String, "_code": pl.String, "_ranges": pl.Boolean},
    )
    rows = (
        asked.join(pl.DataFrame({"measure": measures}), how="cross", maintain_order="left_right")
        .join(own, on=["workplace", "measure"], how="left", maintain_order="left")
        .join(everyone, on="measure", how="left", maintain_order="left")
        .join(industry_side, on=["_code", "measure"], how="left", maintain_order="left")
    )
    enough = pl.col("industry_workplaces") >= minimum
    rows = rows.with_columns(
        pl.when(enough).then(pl.col(f"industry_{c}")).alias(f"industry_{c}")
        for c in _FIGURES
        if c != "workplaces"
    )
    # Without the ranges, the pooled mean in whole numbers and without its n: the exact n
    # and mean would let a few of the stand-ins' figures be matched to it by adding them up.
    whole = (pl.col("industry_mean") + 0.5).floor()  # half up, as text.score rounds
    rows = rows.with_columns(
        *(
            pl.when(pl.col("_ranges")).then(pl.col(c)).alias(c)
            for c in (f"industry_{k}" for k in (*_RANGES, "n"))
        ),
        pl.when(pl.col("_ranges")).then(pl.col("industry_mean")).otherwise(whole),
    )
    parts = rows.partition_by("workplace", as_dict=True, maintain_order=True)
    found = []
    for w in workplaces:
        code = codes[w]
        status = NO_INDUSTRY if code is None else (COMPARED if shown[w] >= minimum else TOO_FEW)
        table = parts[(w,)].drop("workplace", "_code", "_ranges")
        found.append(
            Comparison(w, code, status, minimum, shown[w], peers.all_shown, ranges[w], table)
        )
    return found


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


def _shown(figures: pl.DataFrame, workplaces: list[str], measures: list[str]) -> int:
    """How many of the workplaces have a shown figure for at least one of the measures
    (``figures``: rows of the round's gated measures, its workplaces' at least)."""
    rows = figures.filter(
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
    round_places = set(figs.workplaces)
    named = [
        g["workplace"]
        for g in data["groups"]
        if g["workplace"] is not None
        and g["department"] is None
        and viewer.sees_workplace(g["workplace"])
        and g["workplace"] in round_places
    ]
    args = (figs, facts, named, measures, ins.item_keys, minimum, viewer, lang, everyone)
    found = {c.workplace: as_json(c, lang) for c in compare_many(*args)}
    for group in data["groups"]:
        if group["workplace"] is not None and group["department"] is None:
            group["benchmark"] = found.get(group["workplace"])
    return data


def _pair(row: dict, side: str, kind: str) -> list[float] | None:
    low, high = row[f"{side}_{kind}_min"], row[f"{side}_{kind}_max"]
    return None if low is None else [low, high]
