"""Cells for spreadsheets: every CSV and Excel file the product writes goes through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a TAB or a carriage return is read
by Excel (and LibreOffice, Google Sheets) as a formula when a CSV file is opened: a plan's
description or a department's name could then run a command or send the sheet's contents
away (CSV injection). As OWASP advises, such a cell is written with a single quote in front,
which the spreadsheet shows as text. Numbers stay numbers: only text cells are touched.

The quote is taken off again when the product reads its own export back (``plain``). So that
this is exact, a cell that already starts with quotes and then one of those characters gets
one more quote too; a quote in front of anything else is left as it is.

Excel files hold typed cells, so text is safe there as long as it is written as text: never
as a formula, and never as a link (``xlsx_bytes``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

import polars as pl
import xlsxwriter

_RISKY = r"^'*[=+\-@\t\r]"  # (quotes, then) what starts a formula
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_RISKY_RE = re.compile(_RISKY)


def cell(value: object) -> object:
    """A value for a CSV cell: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and _RISKY_RE.match(value):
        return "'" + value
    return value


def plain(value: str) -> str:
    """A cell of a CSV file the product wrote, as it was before ``cell``."""
    return value[1:] if _QUOTED.match(value) else value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell and column name made safe (``cell``)."""
    text = [
        name
        for name, dtype in frame.schema.items()
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    ]
    safe = frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(_RISKY))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )
    return safe.rename({name: str(cell(name)) for name in frame.columns})


def frame_csv(frame: pl.DataFrame, **options) -> str:
    """A frame as CSV text (``polars.DataFrame.write_csv`` options), made safe."""
    return safe_frame(frame).write_csv(**options)


def records_csv(records: Iterable[Mapping[str, object]], columns: Sequence[str]) -> str:
    """Records as CSV text with a header row, made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(c) for c in columns])
    writer.writerows([cell(r.get(c, "")) for c in columns] for r in records)
    return buffer.getvalue()


def xlsx_bytes(frame: pl.DataFrame, sheet: str, **options) -> bytes:
    """A frame as an Excel workbook (``polars.DataFrame.write_excel`` options): text is
    written as text, never as a formula or a link."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,  # xlsxwriter's default makes "http://..." a link
            "nan_inf_to_errors": True,
            "in_memory": True,
        },
    )
    try:
        frame.write_excel(workbook, worksheet=sheet[:31], **options)
    finally:
        workbook.close()
    return buffer.getvalue()
