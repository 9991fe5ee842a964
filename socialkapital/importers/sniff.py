"""Bytes to a table of strings: detect Excel or text, the encoding and the delimiter.

Every reader ends in a ``RawTable``; the format modules decide which records are headers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import charset_normalizer
import fastexcel

from socialkapital.importers.errors import fail

DELIMITERS = (",", ";", "\t")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # legacy .xls
_BINARY_MAGIC = {
    b"\x89PNG": "PNG",
    b"%PDF": "PDF",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\x1f\x8b": "gzip",
}
# Encodings a Danish survey file can come in when it is not UTF-8 (charset-normalizer picks).
_FALLBACK_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "mac_roman"]


@dataclass(frozen=True)
class RawTable:
    """All records of a file as strings; ``rows[i]`` is the spreadsheet row of ``records[i]``."""

    name: str
    records: list[list[str]]
    rows: list[int]
    kind: str  # "csv" or "excel"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    ends_with_newline: bool = True


def read_table(data: bytes, name: str, sheet: str | None = None) -> list[RawTable]:
    """Read a CSV/TSV text file (one table) or an Excel workbook (one table per sheet)."""
    if not data.strip():
        raise fail(name, "empty_file")
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return _read_excel(data, name, sheet)
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise fail(name, "binary_file", what=what)
    text, encoding = decode(data, name)
    return [_without_title(_read_text(text, name, encoding))]


def _without_title(table: RawTable, look_ahead: int = 10) -> RawTable:
    """Leave out a title (and blank rows) above the header row.

    A sheet typed by hand often starts with a title in one (merged) cell; the header is the
    first row with more than one filled cell, if a row soon after has three or more.
    """
    filled = [sum(1 for cell in r if cell.strip()) for r in table.records[: look_ahead + 1]]
    start = next((i for i, n in enumerate(filled) if n > 1), 0)
    if start == 0 or max(filled[start:], default=0) < 3:
        return table
    return replace(table, records=table.records[start:], rows=table.rows[start:])


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode text: BOMs first, then strict UTF-8, then the likeliest single-byte encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise fail(name, "broken_utf16", byte=exc.start) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, name)
        return text, "utf-8"
    best = charset_normalizer.from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    text = data.decode(encoding, errors="replace")
    _refuse_binary(text, name)
    return text, encoding


def _refuse_binary(text: str, name: str) -> None:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    if "\x00" in sample or controls > len(sample) // 20:
        raise fail(name, "not_text")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most, and most equal, fields."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        records = _first_records(sample, delimiter)
        if not records:
            continue
        width = len(records[0])
        agree = sum(1 for r in records if len(r) == width)
        score = (agree * (width > 1), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_records(sample: str, delimiter: str, limit: int = 30) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    # The last record of a cut sample may be partial: leave it out of the vote.
    return records[:-1] if len(records) > 1 else records


def _read_text(text: str, name: str, encoding: str) -> RawTable:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    rows: list[int] = []
    row = 0
    try:
        for record in reader:
            row += 1
            if not any(record) or not "".join(record).strip():
                continue  # blank lines (LimeSurvey ends with one) are not records
            records.append(record)
            rows.append(row)
    except csv.Error as exc:
        raise fail(name, "malformed", row=row + 1, detail=str(exc)) from exc
    if not records:
        raise fail(name, "no_rows")
    return RawTable(
        name,
        records,
        rows,
        "csv",
        encoding,
        delimiter,
        ends_with_newline=text.endswith(("\n", "\r")),
    )


def _read_excel(data: bytes, name: str, sheet: str | None) -> list[RawTable]:
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own exception classes
        raise fail(name, "bad_workbook", kind=exc.__class__.__name__) from exc
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise fail(name, "no_such_sheet", sheet=sheet, sheets=", ".join(names))
    tables = []
    for sheet_name in [sheet] if sheet else names:
        frame = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_polars()
        records = [["" if v is None else str(v) for v in rec] for rec in frame.iter_rows()]
        keep = [i for i, rec in enumerate(records) if any(c.strip() for c in rec)]
        if not keep:
            continue
        rows = [i + 1 for i in keep]
        table = RawTable(name, [records[i] for i in keep], rows, "excel", sheet=sheet_name)
        tables.append(_without_title(table))
    if not tables:
        raise fail(name, "empty_workbook")
    return tables
