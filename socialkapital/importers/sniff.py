"""Bytes to a table of strings: detect Excel or text, the encoding and the delimiter.

Every reader ends in a ``RawTable``; the format modules decide which records are headers.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

import charset_normalizer
import fastexcel

from socialkapital.importers import archive
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


# Byte order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8 (surrogateescape)
# Characters whose bytes show a file to be UTF-8 (a single-byte encoding hardly ever makes
# them by chance): Danish and other Latin letters, typographic dashes and quotes, the euro.
_UTF8_LETTERS = re.compile("[\u00a0-\u024f\u2010-\u203a\u20ac]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode text: BOMs first, then strict UTF-8, then the likeliest single-byte encoding.

    A file that is UTF-8 in some rows and not in others (rows pasted from another file) is
    refused at the first cell that is not UTF-8: decoded as one or the other, it would be
    wrong everywhere else, and blamed on the wrong rows.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise _broken(body, name, codec, label, exc.start, len(bom)) from exc
            if codec == "utf-8":
                _refuse_binary(text, name)
            # A file saved with a BOM by a program that kept the old one has two (or more).
            return text.lstrip("\ufeff"), label.casefold()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        escaped = data.decode("utf-8", errors="surrogateescape")
        _refuse_binary(escaped, name)
        if _UTF8_LETTERS.search(escaped):
            raise _broken(data, name, "utf-8", "UTF-8", exc.start, 0) from exc
    else:
        _refuse_binary(text, name)
        return text.lstrip("\ufeff"), "utf-8"
    best = charset_normalizer.from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    text = data.decode(encoding, errors="replace")
    _refuse_binary(text, name)
    return text, encoding


def _broken(body: bytes, name: str, codec: str, label: str, start: int, offset: int):
    """The refusal of text that stops being ``codec`` at byte ``start``, at its row and cell."""
    if codec == "utf-8":
        text = body.decode("utf-8", errors="surrogateescape")
        row, column, cell = _first_cell(text, _ESCAPED)
        value = _ESCAPED.sub(_as_cp1252, _excerpt(cell, _ESCAPED))
        if offset:  # the byte order mark says UTF-8
            return fail(name, "broken_utf8", row, column, value)
        utf8_row = _first_cell(text, _UTF8_LETTERS)[0]
        return fail(name, "mixed_encoding", row, column, value, utf8_row=utf8_row)
    # Readable up to the break (marked): the row and cell it is in, as far as they go.
    text = body[:start].decode(codec, errors="replace") + "\udcff"
    row, column, cell = _first_cell(text, _ESCAPED)
    value = _excerpt(cell, _ESCAPED).replace("\udcff", "")
    return fail(name, "broken_unicode", row, column, value, encoding=label, byte=start + offset)


def _as_cp1252(byte: re.Match) -> str:
    """A byte that is not UTF-8, shown as Windows-1252 (what it most likely is)."""
    return bytes([ord(byte[0]) - 0xDC00]).decode("cp1252", errors="replace")


def _excerpt(cell: str, pattern: re.Pattern, width: int = 60) -> str:
    """The cell, or the part of a long one around where ``pattern`` occurs."""
    if len(cell) <= width:
        return cell
    found = pattern.search(cell)
    start = max(0, (found.start() if found else 0) - width // 2)
    return ("…" if start else "") + cell[start : start + width] + "…"


def _first_cell(text: str, pattern: re.Pattern) -> tuple[int, str | None, str]:
    """(row, column header, cell) of the first cell where ``pattern`` occurs, counting rows
    as the reader does (a quoted line break stays in its row)."""
    delimiter = sniff_delimiter(text)
    header: list[str] | None = None
    row = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row += 1
            for position, cell in enumerate(record):
                if pattern.search(cell):
                    named = header is not None and position < len(header)
                    return row, (header[position] if named else None), cell
            if header is None and sum(1 for cell in record if cell.strip()) > 1:
                header = record
    except csv.Error:
        pass
    found = pattern.search(text)  # not CSV after all: the line, and its text
    start = found.start() if found else len(text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return text.count("\n", 0, start) + 1, None, line


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
    if data.startswith(_ZIP):  # .xlsx is a ZIP: a small one can unpack to gigabytes
        archive.check_workbook(data, name)
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own exception classes
        raise fail(name, "bad_workbook", kind=exc.__class__.__name__) from exc
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise fail(name, "no_such_sheet", sheet=sheet, sheets=", ".join(names))
    tables = []
    for sheet_name in [sheet] if sheet else names:
        try:  # a damaged workbook may open and fail only when a sheet is unpacked
            frame = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_polars()
        except Exception as exc:  # fastexcel raises its own exception classes
            raise fail(name, "bad_workbook", kind=exc.__class__.__name__) from exc
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
