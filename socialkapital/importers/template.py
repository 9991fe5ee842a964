"""Our own import template: one row per respondent; workplace, department, respondent, q1..qN.

Headers are matched case-insensitively, in English or Danish; answers may be Danish or
English labels or codes; blank and "don't know" are missing.
"""

from __future__ import annotations

import io
import re

import polars as pl

from socialkapital.importers.canonical import META_COLUMNS, Parsed, to_canonical
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.importers.sniff import RawTable
from socialkapital.instrument import Instrument, normalise_text

FORMAT = "template"
_ITEM_LIKE = re.compile(r"^q ?\d+$")  # normalised: "Q23", "q 0", "q01"
# Accepted header names for the meta columns (normalised); the first is the template's own.
META_NAMES = {
    "workplace": ("workplace", "arbejdsplads", "site"),
    "department": ("department", "afdeling", "team", "gruppe"),
    "respondent": ("respondent", "respondent id", "id", "e-mail", "email", "mail"),
}


def header_map(header: list[str], instrument: Instrument) -> dict[str, list[int]]:
    """Canonical name -> positions of the header cells that carry it."""
    wanted = {name: key for key, names in META_NAMES.items() for name in names}
    wanted.update({key: key for key in instrument.item_keys})
    found: dict[str, list[int]] = {}
    for position, cell in enumerate(header):
        key = wanted.get(normalise_text(cell))
        if key is not None:
            found.setdefault(key, []).append(position)
    return found


def looks_like_template(table: RawTable, instrument: Instrument) -> bool:
    """True when the first record names the template's columns (q1, q2 ... or department).

    Only called for tables no survey tool claims, so q-numbered columns mean our template.
    """
    found = header_map(table.records[0], instrument)
    items = sum(1 for k in instrument.item_keys if k in found)
    return items >= 3 or ("department" in found and items >= 1)


def parse(table: RawTable, instrument: Instrument, workplace: str | None = None) -> Parsed:
    """Read a template table into canonical responses, or refuse it with every problem."""
    header = table.records[0]
    found = header_map(header, instrument)
    problems = _header_problems(table, header, found, instrument, workplace)
    problems += _width_problems(table, len(header))
    if problems:
        raise ImportFailed(problems)

    def column(key: str) -> list[str | None]:
        if key not in found:
            return [None] * (len(table.records) - 1)
        position = found[key][0]
        return [rec[position] if position < len(rec) else "" for rec in table.records[1:]]

    data = {key: column(key) for key in (*META_COLUMNS, *instrument.item_keys)}
    if workplace is not None:
        data["workplace"] = [workplace] * (len(table.records) - 1)
    raw = pl.DataFrame(data, schema={k: pl.String for k in data}).with_columns(
        pl.Series("row", table.rows[1:], dtype=pl.Int64)
    )
    names = {key: header[pos[0]] for key, pos in found.items()}
    names.setdefault("workplace", "workplace")
    return to_canonical(raw, file=table.name, format=FORMAT, instrument=instrument, columns=names)


def _header_problems(
    table: RawTable,
    header: list[str],
    found: dict[str, list[int]],
    instrument: Instrument,
    workplace: str | None,
) -> list[Problem]:
    row = table.rows[0]
    required = ["department", *instrument.item_keys]
    if workplace is None:
        required.insert(0, "workplace")
    problems = [
        Problem(table.name, row, key, None, "missing_column")
        for key in required
        if key not in found
    ]
    # "q22" (or "q0") is no column of this questionnaire, but someone meant it as a question:
    # it is refused rather than left out without a word.
    problems += [
        Problem(table.name, row, cell, None, "beyond_instrument", {"count": len(instrument.items)})
        for cell in header
        if _ITEM_LIKE.match(normalise_text(cell)) and normalise_text(cell) not in found
    ]
    for positions in found.values():
        if len(positions) > 1:
            cols = ", ".join(_column_letter(p) for p in positions)
            problems.append(
                Problem(
                    table.name,
                    row,
                    header[positions[0]],
                    None,
                    "duplicate_column",
                    {"count": len(positions), "columns": cols},
                )
            )
    if len(table.records) < 2:
        problems.append(Problem(table.name, None, None, None, "header_only"))
    return problems


def _width_problems(table: RawTable, width: int) -> list[Problem]:
    """Rows with fewer fields than the header: a cut-off file or a broken line."""
    problems = []
    for record, row in zip(table.records[1:], table.rows[1:], strict=True):
        if len(record) < width and table.kind == "csv":
            last = row == table.rows[-1] and not table.ends_with_newline
            key = "cut_off" if last else "short_row"
            params = {"found": len(record), "width": width}
            problems.append(Problem(table.name, row, None, None, key, params))
    return problems


def _column_letter(position: int) -> str:
    """Spreadsheet column letter (0 -> A, 26 -> AA), for messages."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def template_frame(instrument: Instrument, lang: str = "da") -> pl.DataFrame:
    """The import template's columns with two example rows in the given language."""
    labels = [p.labels[lang] for p in instrument.scale]
    example = {
        "workplace": ["Eksempel A/S" if lang == "da" else "Example Ltd"] * 2,
        "department": ["Lager", "Lager"] if lang == "da" else ["Warehouse", "Warehouse"],
        "respondent": ["anna@example.dk", "bo@example.dk"],
    }
    for i, key in enumerate(instrument.item_keys):
        example[key] = [labels[(i + 3) % len(labels)], labels[(i + 2) % len(labels)]]
    return pl.DataFrame(example)


def template_csv(instrument: Instrument, lang: str = "da") -> bytes:
    """The template as UTF-8 CSV with a BOM, so that Excel opens æ, ø and å right."""
    return b"\xef\xbb\xbf" + template_frame(instrument, lang).write_csv().encode("utf-8")


def template_xlsx(instrument: Instrument, lang: str = "da") -> bytes:
    """The template as an Excel workbook."""
    buffer = io.BytesIO()
    template_frame(instrument, lang).write_excel(buffer, worksheet="Svar", autofit=True)
    return buffer.getvalue()
