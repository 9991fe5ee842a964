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
    data: pl.DataFrame  # every column as strings, named by column key
    rows: list[int]  # spreadsheet row of each data row, for messages
    # Per column key: answer code -> label, where the tool ships its labels (SurveyXact).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # True when answers are bare numbers whose meaning the export does not say
    # (Qualtrics "numeric values", LimeSurvey answer codes): the user must map them.
    codes_need_labels: bool = False
    unfinished: list[bool] | None = None
    hints: dict[str, str] = field(default_factory=dict)  # role -> column key the format knows
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.data.height

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def series(self, key: str) -> pl.Series:
        """A column's cells, decoded through the tool's labels where it has them."""
        raw = self.data[key]
        labels = self.labels.get(key)
        if not labels:
            return raw
        stripped = raw.str.strip_chars()
        return stripped.replace_strict(labels, default=raw, return_dtype=pl.String)

    def values(self, key: str) -> list[str]:
        return self.series(key).to_list()

    def distinct(self, key: str, limit: int = 12) -> list[tuple[str, int]]:
        """The most common non-blank values of a column with their counts (for previews)."""
        counts = self.series(key).filter(self.data[key].str.strip_chars() != "").value_counts()
        ordered = counts.sort(["count", counts.columns[0]], descending=[True, False])
        return [tuple(r) for r in ordered.head(limit).iter_rows()]

    def drop(self, unwanted: list[bool]) -> int:
        """Leave out the data rows marked True (e.g. a tool's test answers); how many."""
        keep = [not u for u in unwanted]
        self.data = self.data.filter(pl.Series(keep, dtype=pl.Boolean))
        self.rows = [r for r, k in zip(self.rows, keep, strict=True) if k]
        if self.unfinished is not None:
            self.unfinished = [u for u, k in zip(self.unfinished, keep, strict=True) if k]
        return keep.count(False)

    def frame(self, keys: list[str]) -> pl.DataFrame:
        """Some columns as a string frame (decoded), with the spreadsheet ``row``."""
        return pl.DataFrame([self.series(k).alias(k) for k in keys]).with_columns(
            pl.Series("row", self.rows, dtype=pl.Int64)
        )


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
        records.append(record if len(record) == width else (record + [""] * width)[:width])
    keys = unique_keys(header[:width])
    texts = (texts or header)[:width]
    columns = [
        Column(key, header[i], " ".join((texts[i] if i < len(texts) else "").split()) or key)
        for i, key in enumerate(keys)
    ]
    cells = list(zip(*records, strict=True)) if records else [()] * width
    data = pl.DataFrame(
        {k: pl.Series(k, col, dtype=pl.String) for k, col in zip(keys, cells, strict=True)}
    )
    return Source(table.name, format, columns, data, rows), problems
