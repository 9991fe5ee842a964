"""External reference figures from outside the user's data (data/references.toml): NFA's
dairies, per form the mean, the range between dairies and the range between teams."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

import polars as pl

from socialkapital import PROJECT_DATA


@dataclass(frozen=True)
class Reference:
    """Published figures from outside the user's data (data/references.toml)."""

    label: dict[str, str]  # by language
    source: dict[str, str]
    industry: str | None
    rows: pl.DataFrame  # measure, mean, workplace_min, workplace_max, team_min, team_max


@cache
def dairy_reference() -> Reference:
    """NFA's dairy figures (mean, range between dairies, range between teams per form)."""
    raw = tomllib.loads((PROJECT_DATA / "references.toml").read_text(encoding="utf-8"))
    dairies = raw["dairies"]
    rows = pl.DataFrame(
        [
            {
                "measure": f["key"],
                "mean": float(f["mean"]),
                "workplace_min": float(f["workplaces"][0]),
                "workplace_max": float(f["workplaces"][1]),
                "team_min": float(f["teams"][0]),
                "team_max": float(f["teams"][1]),
            }
            for f in dairies["form"]
        ]
    )
    return Reference(
        {"da": dairies["da"], "en": dairies["en"]},
        {"da": dairies["source_da"], "en": dairies["source_en"]},
        dairies.get("industry"),
        rows,
    )
