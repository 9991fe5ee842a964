"""A survey tool's export, read: its columns (with question text) and its data rows.

Every format module turns its file(s) into a ``Source``; the mapping step then says which
columns are the workplace, the department, the respondent and the 21 items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from socialkapital.importers.errors import Problem
from socialkapital.importers.sniff import RawTable


@dataclass(frozen=True)
class Column:
    key: str  # unique name shown to the user (the header, made unique where repeated)
    header: str  # the header cell as the file has it
    text: str  # the question text (a second header row, structure.csv ...) or the header


@dataclass
class Source:
    file: str
    format: str
    columns: list[Column]
    records: list[list[str]]  # data rows, each as wide as ``columns``
    rows: list[int]  # spreadsheet row of each record, for messages
    # Per column key: answer code -> label, where the tool ships its labels (SurveyXact).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # True when answers are bare numbers whose meaning the export does not say
    # (Qualtrics "numeric values", LimeSurvey answer codes): the user must map them.
    codes_need_labels: bool = False
    unfinished: list[bool] | None = None
    hints: dict[str, str] = field(default_factory=dict)  # role -> column key the format knows
    notes: list[tuple[str, dict]] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def position(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list[str]:
        """A column's cells, decoded through the tool's labels where it has them."""
        i = self.position(key)
        labels = self.labels.get(key, {})
        return [labels.get(rec[i].strip(), rec[i]) for rec in self.records]

    def distinct(self, key: str, limit: int = 12) -> list[tuple[str, int]]:
        """The most common non-blank values of a column with their counts (for previews)."""
        counts: dict[str, int] = {}
        for value in self.values(key):
            if value.strip():
                counts[value] = counts.get(value, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def frame(self, keys: list[str]) -> pl.DataFrame:
        """Some columns as a string frame (decoded), with the spreadsheet ``row``."""
        data = {key: self.values(key) for key in keys}
        frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))
        return frame.with_columns(pl.Series("row", self.rows, dtype=pl.Int64))


def unique_keys(headers: list[str]) -> list[str]:
    """Header names made unique and non-empty: repeats get " (2)", blanks "column N"."""
    seen: dict[str, int] = {}
    keys = []
    for position, header in enumerate(headers):
        name = " ".join(header.replace("\u00a0", " ").split()) or f"column {position + 1}"
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return keys


def build(
    table: RawTable,
    format: str,
    header_rows: int,
    texts: list[str] | None = None,
) -> tuple[Source, list[Problem]]:
    """A Source from a table whose first ``header_rows`` records are headers.

    Trailing columns with no header and no data (a trailing separator) are dropped; a row
    with fewer fields than the header is a problem (a cut-off file), never a respondent.
    """
    header = list(table.records[0])
    body = table.records[header_rows:]
    rows = table.rows[header_rows:]
    width = len(header)
    while (
        width
        and not header[width - 1].strip()
        and all(len(r) < width or not r[width - 1].strip() for r in body)
    ):
        width -= 1
    problems = []
    records = []
    for record, row in zip(body, rows, strict=True):
        if len(record) < width and table.kind == "csv":
            last = row == table.rows[-1] and not table.ends_with_newline
            key = "cut_off" if last else "short_row"
            problems.append(
                Problem(table.name, row, None, None, key, {"found": len(record), "width": width})
            )
        records.append((record + [""] * width)[:width])
    keys = unique_keys(header[:width])
    texts = (texts or header)[:width]
    columns = [
        Column(key, header[i], " ".join((texts[i] if i < len(texts) else "").split()) or key)
        for i, key in enumerate(keys)
    ]
    return Source(table.name, format, columns, records, rows), problems
