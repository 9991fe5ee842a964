"""A workplace's facts: CVR number, industry (a DB07 section) and number of employees.

Checked here, for the page and the command line alike; stored by ``queries.facts_store``.
Facts name a workplace, so they go only where the viewer sees it by name: a workplace shown
under a stand-in name ("Arbejdsplads A") gets none, as its CVR number would say who it is.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from socialkapital import PROJECT_DATA, access, text

# The CVR number's check (modulus 11): the digits times these weights sum to a multiple of 11.
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


class BadFact(text.Worded, ValueError):
    """A fact that cannot be stored as given; the message names the value."""


@dataclass(frozen=True)
class Industry:
    code: str
    da: str
    en: str

    def name(self, lang: str) -> str:
        return self.da if lang == "da" else self.en


@dataclass(frozen=True)
class Facts:
    """What is known of a workplace; None where nothing is."""

    cvr: str | None = None
    industry: str | None = None  # the DB07 section's letter
    employees: int | None = None


@cache
def industries() -> dict[str, Industry]:
    """The DB07 sections (data/industries.toml) by letter, A to U."""
    raw = tomllib.loads((PROJECT_DATA / "industries.toml").read_text(encoding="utf-8"))
    return {s["code"]: Industry(s["code"], s["da"], s["en"]) for s in raw["section"]}


def cvr(value: str | None) -> str | None:
    """A CVR number as 8 digits ("12 34 56 74" -> "12345674"); empty gives None (unknown).

    Refused unless it is 8 digits, the first not 0 (numbers are issued from 10000000), that
    pass the modulus-11 check.
    """
    if value is None or not value.strip():
        return None
    digits = "".join(value.split())
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        raise BadFact("facts.cvr_form", value=value.strip())
    if digits[0] == "0":
        raise BadFact("facts.cvr_form", value=value.strip())
    if sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True)) % 11:
        raise BadFact("facts.cvr_check", value=value.strip())
    return digits


def industry(value: str | None) -> str | None:
    """A DB07 section's letter, in either case; empty gives None (unknown)."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if code not in industries():
        raise BadFact("facts.industry_unknown", value=value.strip(), codes="A–U")
    return code


def employees(value: int | None) -> int | None:
    """A number of employees: a whole number of at least 1; None is unknown."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadFact("facts.employees_bad", value=value)
    return value


def checked(cvr_value: str | None, industry_value: str | None, employees_value) -> Facts:
    """Facts from what a user typed, each checked (the first fault is raised)."""
    return Facts(cvr(cvr_value), industry(industry_value), employees(employees_value))


def as_json(found: Facts, lang: str) -> dict:
    """The ``facts`` object of ``summary --json``: cvr, industry {code, name}, employees."""
    section = None
    if found.industry is not None:
        known = industries().get(found.industry)
        section = {"code": found.industry, "name": known.name(lang) if known else None}
    return {"cvr": found.cvr, "industry": section, "employees": found.employees}


def add_to_summary(
    data: dict, by_workplace: dict[str, Facts], viewer: access.Viewer, lang: str
) -> dict:
    """Give each workplace group of a summary its ``facts``: the workplaces the viewer sees
    by name get theirs (null fields where unknown); stand-ins for the others get null."""
    folded = {name.casefold(): f for name, f in by_workplace.items()}
    for group in data["groups"]:
        if group["workplace"] is None or group["department"] is not None:
            continue
        found = folded.get(group["workplace"].casefold())
        named = found is not None and viewer.sees_workplace(group["workplace"])
        group["facts"] = as_json(found, lang) if named else None
    return data
