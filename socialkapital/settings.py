"""Rules that are choices, as named settings: (name, default, help), overridable by environment.

Every setting is stated on the dashboard's rules page (a test checks this); the two that shape
a report's numbers, the threshold and the answered share, also in every report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from socialkapital import PROJECT_DATA


@dataclass(frozen=True)
class Setting:
    name: str
    default: float
    help: str
    minimum: float
    maximum: float


SETTINGS = (
    Setting(
        "anonymity_threshold",
        5,
        "No figure is shown for a group of fewer respondents than this (never below 3).",
        3,
        1000,
    ),
    Setting(
        "min_answered_share",
        0.5,
        "Share of a dimension's items a person must answer to get a score for it.",
        0.01,
        1.0,
    ),
    Setting(
        "low_response_rate",
        0.6,
        "A response rate below this is flagged: those who answered may differ from the rest.",
        0.0,
        1.0,
    ),
    Setting(
        "uncertain_half_width",
        10.0,
        "A mean whose 95 % interval is wider than ± this many points is marked uncertain.",
        1.0,
        50.0,
    ),
)


class SettingsError(ValueError):
    """A setting was given a value outside its allowed range."""


@dataclass(frozen=True)
class Settings:
    anonymity_threshold: int = 5
    min_answered_share: float = 0.5
    low_response_rate: float = 0.6
    uncertain_half_width: float = 10.0

    def __post_init__(self) -> None:
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            if not setting.minimum <= value <= setting.maximum:
                raise SettingsError(
                    f"{setting.name} = {value} is outside {setting.minimum}-{setting.maximum}: "
                    f"{setting.help}"
                )


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with overrides from ``SOCIALKAPITAL_<NAME>`` environment variables."""
    environ = os.environ if environ is None else environ
    values: dict[str, float] = {}
    for setting in SETTINGS:
        raw = environ.get(f"SOCIALKAPITAL_{setting.name.upper()}")
        if raw is None:
            continue
        try:
            values[setting.name] = float(raw.replace(",", "."))
        except ValueError as exc:
            raise SettingsError(f"SOCIALKAPITAL_{setting.name.upper()}={raw!r}") from exc
    if "anonymity_threshold" in values:
        values["anonymity_threshold"] = int(values["anonymity_threshold"])
    return Settings(**values)


DEFAULT_DB = PROJECT_DATA / "socialkapital.duckdb"


def db_path(explicit: str | Path | None = None) -> Path:
    """The store to use: ``--db`` first, then ``SOCIALKAPITAL_DB``, then ``data/``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SOCIALKAPITAL_DB")
    return Path(env) if env else DEFAULT_DB
