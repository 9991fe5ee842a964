"""Importers: every export becomes one canonical response frame (see ``canonical``).

Our template is read directly; a survey tool's export is recognised (``formats``), mapped
onto the instrument (``mapping``: automatically where the file is unambiguous, otherwise by
the user) and then checked cell by cell.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from socialkapital.importers import bulk, formats, roster, template
from socialkapital.importers.canonical import Parsed, wording_frame
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.importers.mapping import Mapping
from socialkapital.importers.sniff import read_table
from socialkapital.importers.source import Source
from socialkapital.instrument import Instrument

__all__ = [
    "ImportFailed",
    "Mapping",
    "Parsed",
    "Problem",
    "Source",
    "load_export",
    "read_export",
    "read_responses",
    "read_roster",
    "wording_frame",
]


def read_responses(
    data: bytes | Path,
    name: str,
    instrument: Instrument,
    workplace: str | None = None,
    mapping: Mapping | None = None,
    extras: dict[str, bytes] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Parsed:
    """Read one export into canonical responses (nothing is stored), or refuse it.

    Without ``mapping``, a survey tool's export is mapped automatically, which succeeds only
    when the file names every item exactly; otherwise the refusal lists what to map. With
    ``con`` (``Store.importing``), a template CSV is read in that connection.
    """
    files = {name: data, **(extras or {})}
    loaded = load_export(files, instrument, workplace=workplace, con=con)
    if isinstance(loaded, Parsed):
        return loaded
    return read_export(loaded, instrument, workplace, mapping)


def load_export(
    files: dict[str, bytes | Path],
    instrument: Instrument,
    sheet: str | None = None,
    workplace: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Parsed | Source:
    """Our template, read and checked; or a survey tool's export, read but not yet mapped.

    A file may be given as its bytes or, so that a large one is never held in memory whole,
    as its path: a template CSV is then read by DuckDB from the disk (``bulk``; in ``con``
    if given, the store's write connection).
    """
    names = list(files)
    main = next(
        (n for n in names if n.rpartition("/")[2].casefold().startswith("dataset")), names[0]
    )
    if sheet is None:
        parsed = _bulk(files[main], main.rpartition("/")[2], instrument, workplace, con)
        if parsed is not None:
            return parsed
    files = {n: d.read_bytes() if isinstance(d, Path) else d for n, d in files.items()}
    tables = read_table(files[main], main.rpartition("/")[2], sheet)
    for table in tables:
        if formats.tool_of(table) is None and template.looks_like_template(table, instrument):
            return template.parse(table, instrument, workplace)
    return formats.read_source(tables, {n: d for n, d in files.items() if n != main})


def _bulk(
    data: bytes | Path,
    name: str,
    instrument: Instrument,
    workplace: str | None,
    con: duckdb.DuckDBPyConnection | None,
) -> Parsed | None:
    """A template CSV read by DuckDB (bytes are put in a temporary file first); None when
    the file is something else, or a CSV that only the exact reader can judge."""
    if isinstance(data, Path):
        return bulk.read(data, name, instrument, workplace, con)
    with tempfile.TemporaryDirectory(prefix="socialkapital-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        return bulk.read(path, name, instrument, workplace, con)


def read_export(
    source: Source,
    instrument: Instrument,
    workplace: str | None = None,
    mapping: Mapping | None = None,
) -> Parsed:
    """Map an export (automatically unless a mapping is given) and check every cell."""
    from socialkapital.importers import mapping as mapping_mod

    chosen = mapping or mapping_mod.suggest(source, instrument)
    return mapping_mod.apply(source, instrument, chosen, workplace)


def read_roster(data: bytes, name: str) -> roster.Roster:
    """Read an invitation roster (nothing is stored)."""
    return roster.parse(data, name)
