"""Rules that are choices, as named settings: (name, default, help), overridable by environment.

Every setting is stated on the dashboard's rules page (a test checks this); the two that shape
a report's numbers, the threshold and the answered share, also in every report.
"""

from __future__ import annotations

import math
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
    whole: bool = False  # a whole number (a count of respondents)

    @property
    def variable(self) -> str:
        """The environment variable that overrides it."""
        return f"SOCIALKAPITAL_{self.name.upper()}"

    def allowed(self) -> str:
        """The allowed values in words (English; the UI says it with ``text.t``)."""
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {self.minimum:g} to {self.maximum:g}"


SETTINGS = (
    Setting(
        "anonymity_threshold",
        5,
        "No figure is shown for a group of fewer respondents than this (never below 3).",
        3,
        1000,
        whole=True,
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
    Setting(
        "neutral_band",
        5.0,
        "The heatmap leaves a difference within ± this many points uncoloured: it rarely matters.",
        0.0,
        50.0,
    ),
    Setting(
        "min_correlation_n",
        30,
        "A correlation is shown only when at least this many persons have both scores.",
        3,
        100000,
        whole=True,
    ),
    Setting(
        "planning_response_rate",
        0.8,
        "Share of the invited expected to answer, when planning reporting groups from a "
        "roster and the workplace has no earlier response rate.",
        0.05,
        1.0,
    ),
    # Never below 3: with two, the industry's figures beside a workplace's own would be
    # those of the one other workplace of its industry.
    Setting(
        "min_industry_workplaces",
        3,
        "A workplace is compared with its industry only when at least this many workplaces of "
        "the industry have figures shown; with fewer, only with all workplaces.",
        3,
        1000,
        whole=True,
    ),
)


class SettingsError(ValueError):
    """A setting was given a value that is not allowed (outside its range, not a finite
    number, a fraction where a whole number is needed)."""

    def __init__(self, setting: Setting, value: object, variable: str | None = None) -> None:
        self.setting, self.value, self.variable = setting, value, variable
        self.name = variable or setting.name
        super().__init__(
            f"{self.name}={value!r} is not allowed: use {setting.allowed()}. {setting.help}"
        )

    def message(self, lang: str) -> str:
        """The same in the user's language."""
        from socialkapital import text

        def shown(limit: float) -> str:  # as it is typed: "1000", not "1.000"
            return str(int(limit)) if float(limit).is_integer() else text.number(limit, lang, 2)

        return text.t(
            "app.bad_setting_whole" if self.setting.whole else "app.bad_setting",
            lang,
            name=self.name,
            value=repr(self.value),
            minimum=shown(self.setting.minimum),
            maximum=shown(self.setting.maximum),
        )


def _allowed(setting: Setting, value: float) -> bool:
    """Finite, in range, and whole where it must be. (NaN fails every comparison, so the
    range alone refuses it; but inf, and 5.5 for a count, need saying.)"""
    if not math.isfinite(value) or not setting.minimum <= value <= setting.maximum:
        return False
    return not setting.whole or float(value).is_integer()


@dataclass(frozen=True)
class Settings:
    anonymity_threshold: int = 5
    min_answered_share: float = 0.5
    low_response_rate: float = 0.6
    uncertain_half_width: float = 10.0
    neutral_band: float = 5.0
    min_correlation_n: int = 30
    planning_response_rate: float = 0.8
    min_industry_workplaces: int = 3

    def __post_init__(self) -> None:
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or not _allowed(setting, value):
                raise SettingsError(setting, value)


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with overrides from ``SOCIALKAPITAL_<NAME>`` environment variables."""
    environ = os.environ if environ is None else environ
    values: dict[str, float] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.variable)
        if raw is None:
            continue
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            raise SettingsError(setting, raw, setting.variable) from None
        # "nan", "inf" and "5.5" parse as floats; none is a threshold (int() of the first two
        # raised, and 5.5 was silently cut to 5).
        if not _allowed(setting, value):
            raise SettingsError(setting, raw, setting.variable)
        values[setting.name] = int(value) if setting.whole else value
    return Settings(**values)


DEFAULT_DB = PROJECT_DATA / "socialkapital.duckdb"


def db_path(explicit: str | Path | None = None) -> Path:
    """The store to use: ``--db`` first, then ``SOCIALKAPITAL_DB``, then ``data/``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SOCIALKAPITAL_DB")
    return Path(env) if env else DEFAULT_DB
