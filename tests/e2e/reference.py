"""Expected figures worked out straight from the demo CSV, independently of the product.

The rules (from the domain notes): answers score 0/25/50/75/100, "Ved ikke" and blanks are
missing; a person's form score is the mean of their answered items when at least half are
answered; a group's form score is the mean of its persons' scores; the overall score is the
mean of the 21 item means.
"""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import fmean

POINTS = {
    "I meget lav grad": 0,
    "I lav grad": 25,
    "Delvist": 50,
    "I høj grad": 75,
    "I meget høj grad": 100,
}
FORMS = {
    "team": range(1, 7),
    "between": range(7, 13),
    "leader": range(13, 19),
    "workplace": range(19, 22),
}


def answers(demo: Path, round_file: str, workplace: str, department: str | None = None):
    """One list of 21 scores (None = missing) per respondent of a workplace or department."""
    with (demo / round_file).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        [POINTS.get(r[f"q{i}"].strip()) for i in range(1, 22)]
        for r in rows
        if r["workplace"] == workplace and (department is None or r["department"] == department)
    ]


def overall(people: list[list[int | None]]) -> float:
    item_means = []
    for i in range(21):
        given = [p[i] for p in people if p[i] is not None]
        item_means.append(fmean(given))
    return fmean(item_means)


def form(people: list[list[int | None]], key: str) -> tuple[float, int]:
    """The group's score for a form and the n of persons behind it."""
    scores = []
    for p in people:
        given = [p[i - 1] for i in FORMS[key] if p[i - 1] is not None]
        if 2 * len(given) >= len(FORMS[key]):
            scores.append(fmean(given))
    return fmean(scores), len(scores)


def number(shown: str) -> float:
    return float(shown.replace(",", "."))


def close(shown: str, expected: float) -> bool:
    """The shown one-decimal figure is the expected one, rounded (either way at a tie)."""
    return abs(number(shown) - expected) <= 0.05 + 1e-9


def close_whole(shown: str, expected: float) -> bool:
    """The shown whole number (headline figures, issue 17) is the expected one, rounded."""
    return abs(number(shown) - expected) <= 0.5 + 1e-9


def departments(demo: Path, round_file: str, workplace: str) -> dict[str, int]:
    """Respondents per department of a workplace."""
    with (demo / round_file).open(encoding="utf-8") as f:
        names = [r["department"] for r in csv.DictReader(f) if r["workplace"] == workplace]
    return {name: names.count(name) for name in sorted(set(names))}
