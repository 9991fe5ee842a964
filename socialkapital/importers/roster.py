"""The invitation roster: one invited employee a line, ``e-mail; name[; department]``.

Separated by semicolon or TAB (pasted from Excel), no header, UTF-8 or Windows-1252 — the
layout of the invitation form in NFA's survey system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from socialkapital.importers.canonical import clean_name
from socialkapital.importers.errors import ImportFailed, Problem, fail
from socialkapital.importers.sniff import decode

_EMAIL = re.compile(r"^[^@\s;]+@[^@\s;]+\.[^@\s;]+$")
_HEADER_WORDS = {"e-mail", "email", "mail", "e-mail-adresse", "e-mailadresse", "emailadresse"}


@dataclass
class Roster:
    file: str
    invited: pl.DataFrame  # email, name, department (null when the line names none), row
    duplicates: int = 0
    notes: list[tuple[str, dict]] = field(default_factory=list)


def parse(data: bytes, name: str) -> Roster:
    """Read a roster file, or refuse it naming every bad line."""
    if not data.strip():
        raise fail(name, "empty_roster")
    text, _encoding = decode(data, name)
    problems: list[Problem] = []
    rows: list[tuple[str, str, str | None, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = [f.strip() for f in re.split(r"[;\t]", line)]
        while len(fields) > 3 and not fields[-1]:
            fields.pop()  # trailing separators from a spreadsheet
        if number == 1 and fields[0].casefold() in _HEADER_WORDS:
            continue  # tolerate a header line, though the form has none
        if len(fields) not in (2, 3):
            problems.append(Problem(name, number, None, line, "roster_fields"))
            continue
        email = fields[0]
        if not _EMAIL.match(email):
            problems.append(Problem(name, number, "e-mail", email, "not_email"))
            continue
        # Cleaned as the answers' department names are, so that the two still match.
        department = clean_name(fields[2]) if len(fields) == 3 else ""
        rows.append((email.casefold(), clean_name(fields[1]), department or None, number))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise fail(name, "no_invited")
    frame = pl.DataFrame(
        rows,
        schema={"email": pl.String, "name": pl.String, "department": pl.String, "row": pl.Int64},
        orient="row",
    )
    unique = frame.unique(subset="email", keep="first", maintain_order=True)
    roster = Roster(name, unique, duplicates=frame.height - unique.height)
    if roster.duplicates:
        roster.notes.append(("note.roster_duplicates", {"count": roster.duplicates}))
    return roster
