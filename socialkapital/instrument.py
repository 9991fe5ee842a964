"""The questionnaire as data: items, dimensions, answer scale and labels, read from a TOML file."""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from socialkapital import PROJECT_DATA

DEFAULT_PATH = PROJECT_DATA / "instrument.toml"
LANGS = ("da", "en")


class InstrumentError(ValueError):
    """The instrument file is not a valid instrument definition."""


@dataclass(frozen=True)
class ScalePoint:
    code: int
    score: float
    labels: dict[str, str]


@dataclass(frozen=True)
class Dimension:
    key: str
    names: dict[str, str]
    short: dict[str, str]


@dataclass(frozen=True)
class Item:
    number: int
    dimension: str
    texts: dict[str, str]
    aliases: tuple[str, ...] = ()  # other wordings in circulation, for matching exports

    @property
    def key(self) -> str:
        """Canonical column name of the item, e.g. ``q7``."""
        return f"q{self.number}"


@dataclass(frozen=True)
class Instrument:
    name: str
    names: dict[str, str]
    scale: tuple[ScalePoint, ...]
    missing_labels: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    version: str = "1"  # the questionnaire's version; trends do not cross a change of it

    @property
    def item_keys(self) -> list[str]:
        return [item.key for item in self.items]

    @property
    def dimension_keys(self) -> list[str]:
        return [d.key for d in self.dimensions]

    @property
    def codes(self) -> list[int]:
        return [p.code for p in self.scale]

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def items_of(self, dimension: str) -> list[Item]:
        return [item for item in self.items if item.dimension == dimension]

    def min_answered(self, dimension: str, share: float) -> int:
        """How many of a dimension's items a person must answer to get a score."""
        return math.ceil(len(self.items_of(dimension)) * share - 1e-9)

    def wording_key(self, number: int, wording: str) -> str:
        """What a question's wording in an export amounts to, for comparing rounds: 'standard'
        for the item's own statement in any language (a translation is the same question) or
        one of its aliases (the instrument file lists them as the same question), otherwise
        the wording itself, compared without case and punctuation."""
        item = self.items[number - 1]
        found = plain_text(wording)
        same = {plain_text(t) for t in (*item.texts.values(), *item.aliases)}
        return "standard" if found in same else found

    def items_frame(self) -> pl.DataFrame:
        """One row per item: number, key and dimension (for joins in SQL and polars)."""
        return pl.DataFrame(
            {
                "item": [i.number for i in self.items],
                "item_key": [i.key for i in self.items],
                "dimension": [i.dimension for i in self.items],
            },
            schema={"item": pl.Int16, "item_key": pl.String, "dimension": pl.String},
        )

    def scale_frame(self) -> pl.DataFrame:
        """One row per answer code with its 0-100 score."""
        return pl.DataFrame(
            {"code": [p.code for p in self.scale], "score": [p.score for p in self.scale]},
            schema={"code": pl.Int8, "score": pl.Float64},
        )

    def answer_lookup(self) -> dict[str, int | None]:
        """Normalised answer text -> code (None for answers that mean missing).

        Accepts labels in every language, the bare codes, and codes written by spreadsheets
        as ``4.0``.
        """
        lookup: dict[str, int | None] = {"": None}
        for point in self.scale:
            for label in point.labels.values():
                lookup[normalise_text(label)] = point.code
            lookup[str(point.code)] = point.code
            lookup[f"{point.code}.0"] = point.code
        for label in self.missing_labels:
            lookup[normalise_text(label)] = None
        return lookup


_SPACES = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """Fold case, width, curly apostrophes and runs of white space, for matching answers."""
    text = unicodedata.normalize("NFKC", value).replace("\u2019", "'").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip().casefold()


def plain_text(value: str) -> str:
    """Letters, digits and single spaces only, case-folded: for comparing statements."""
    text = normalise_text(value)
    text = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text)
    return " ".join(text.split())


@cache
def load(path: Path | str = DEFAULT_PATH) -> Instrument:
    """Read and check an instrument file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot read the instrument: {exc}") from exc
    try:
        instrument = _build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise InstrumentError(f"{path}: {exc}") from exc
    _check(instrument, path)
    return instrument


def _langs(entry: dict, prefix: str = "") -> dict[str, str]:
    return {lang: str(entry[f"{prefix}{lang}"]) for lang in LANGS}


def _build(raw: dict) -> Instrument:
    return Instrument(
        name=str(raw["name"]),
        version=str(raw.get("version", "1")),
        names=_langs(raw["names"]),
        scale=tuple(ScalePoint(int(p["code"]), float(p["score"]), _langs(p)) for p in raw["scale"]),
        missing_labels=tuple(str(x) for x in raw.get("missing", {}).get("labels", [])),
        dimensions=tuple(
            Dimension(str(d["key"]), _langs(d), _langs(d, "short_")) for d in raw["dimensions"]
        ),
        items=tuple(
            Item(
                int(i["number"]),
                str(i["dimension"]),
                _langs(i),
                tuple(str(a) for a in i.get("aliases", ())),
            )
            for i in raw["items"]
        ),
    )


def _check(instrument: Instrument, path: Path) -> None:
    problems: list[str] = []
    codes = instrument.codes
    if len(set(codes)) != len(codes) or len(codes) < 2:
        problems.append("the scale needs at least two distinct codes")
    if any(not 0 <= p.score <= 100 for p in instrument.scale):
        problems.append("every scale score must lie in 0-100")
    numbers = [i.number for i in instrument.items]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append("items must be numbered 1, 2, 3 ... in order")
    keys = instrument.dimension_keys
    if len(set(keys)) != len(keys):
        problems.append("dimension keys must be unique")
    for item in instrument.items:
        if item.dimension not in keys:
            problems.append(f"item {item.number} names unknown dimension {item.dimension!r}")
    for key in keys:
        if not instrument.items_of(key):
            problems.append(f"dimension {key!r} has no items")
    labels = [normalise_text(lbl) for p in instrument.scale for lbl in p.labels.values()]
    if set(labels) & {normalise_text(m) for m in instrument.missing_labels}:
        problems.append("a label cannot be both on the scale and a missing answer")
    if problems:
        raise InstrumentError(f"{path}: " + "; ".join(problems))
