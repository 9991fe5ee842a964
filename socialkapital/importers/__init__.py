"""Importers: every source file becomes one canonical response frame (see ``canonical``)."""

from __future__ import annotations

from socialkapital.importers import roster, template
from socialkapital.importers.canonical import Parsed
from socialkapital.importers.errors import ImportFailed, Problem, fail
from socialkapital.importers.sniff import read_table
from socialkapital.instrument import Instrument

__all__ = ["ImportFailed", "Parsed", "Problem", "read_responses", "read_roster"]


def read_responses(
    data: bytes, name: str, instrument: Instrument, workplace: str | None = None
) -> Parsed:
    """Detect the file's layout and read it into canonical responses (nothing is stored)."""
    tables = read_table(data, name)
    for table in tables:
        if template.looks_like_template(table, instrument):
            return template.parse(table, instrument, workplace)
    if len(tables) == 1:
        # Not recognised: let the template parser name the missing columns precisely.
        return template.parse(tables[0], instrument, workplace)
    sheets = ", ".join(t.sheet or "?" for t in tables)
    raise fail(name, "no_template_sheet", sheets=sheets)


def read_roster(data: bytes, name: str) -> roster.Roster:
    """Read an invitation roster (nothing is stored)."""
    return roster.parse(data, name)
