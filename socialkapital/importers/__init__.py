"""Importers: every source file becomes one canonical response frame (see ``canonical``)."""

from __future__ import annotations

from pathlib import Path

from socialkapital.importers import roster, template
from socialkapital.importers.canonical import Parsed
from socialkapital.importers.errors import ImportFailed, Problem
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
    raise ImportFailed(
        [
            Problem(
                name,
                None,
                None,
                None,
                f"no sheet has the template's columns (workplace, department, q1 ...); "
                f"the sheets are: {sheets}",
            )
        ]
    )


def read_responses_file(path: Path, instrument: Instrument, workplace: str | None = None):
    """``read_responses`` for a file on disk."""
    return read_responses(_read_bytes(path), path.name, instrument, workplace)


def read_roster(data: bytes, name: str) -> roster.Roster:
    return roster.parse(data, name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed([Problem(path.name, None, None, None, f"cannot read: {exc}")]) from exc
