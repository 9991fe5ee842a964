"""From raw answer text to the canonical response frame every importer yields.

Canonical columns: workplace, department, respondent (id or e-mail, may be null), row (the
spreadsheet row in the source file, for messages) and q1..qN (answer codes, null = missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from queries.incoming import ResponseFiles, ResponseTables
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.instrument import Instrument, normalise_text

META_COLUMNS = ("workplace", "department", "respondent")
ANONYMOUS_IDS = ("anonymous", "anonym", "anonyme", "anonymt")

# Names are one line of plain text. Control characters go: C0/C1 controls (ESC starts a
# terminal escape sequence, BEL rings) and the invisible marks that reorder or hide text
# when it is shown (bidirectional overrides and isolates, zero-width space, BOM). Then a line
# break or tab, with the spaces around it, becomes one space. Markdown and formula text stay
# as they are: they are data, escaped where they are shown or written.
_BREAKS = r"\t\n\x0b\x0c\r\x85\u2028\u2029"
_NAME_CONTROL = (
    r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
    r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_NAME_BREAK = f"[ {_BREAKS}]*[{_BREAKS}][ {_BREAKS}]*"
_CONTROL_RE = re.compile(_NAME_CONTROL)
_BREAK_RE = re.compile(_NAME_BREAK)


def clean_name(value: str) -> str:
    """A workplace or department name as one line without control characters, trimmed."""
    return _BREAK_RE.sub(" ", _CONTROL_RE.sub("", value)).strip()


def clean_names(column: str) -> pl.Expr:
    """``clean_name`` for a column of names (the same patterns, run by polars)."""
    cleaned = pl.col(column).str.replace_all(_NAME_CONTROL, "").str.replace_all(_NAME_BREAK, " ")
    return cleaned.str.strip_chars().alias(column)


@dataclass
class Staged:
    """Checked responses the bulk reader keeps on disk (Parquet in a temporary folder, which
    goes when the last reference to ``files`` does) or in the store's write connection that
    read them (temp tables): the store inserts them in SQL, with no copy in Python."""

    files: ResponseFiles | ResponseTables
    respondents: int
    workplaces: list[str]
    missing: dict[str, int]  # item key -> respondents without an answer to it

    def load(self, item_keys: list[str]) -> pl.DataFrame:
        """The canonical frame of these responses (read only when someone asks for it)."""
        if isinstance(self.files, ResponseTables):
            columns = ", ".join(["row", "pair", "respondent", *item_keys])
            rows = self.files.con.sql(f"SELECT {columns} FROM {self.files.rows}").pl()
            pairs = self.files.con.sql(f"SELECT * FROM {self.files.pairs}").pl()
        else:
            rows = pl.read_parquet(self.files.rows)
            pairs = pl.read_parquet(self.files.pairs)
        return (
            rows.join(pairs, on="pair", how="left")
            .select(
                pl.col("row").cast(pl.Int64),
                "workplace",
                "department",
                "respondent",
                pl.col(item_keys).cast(pl.Int8),
            )
            .sort("row")
        )


@dataclass
class Parsed:
    """A file read, checked and mapped, ready for the user's confirmation.

    The responses are a polars frame, or (``staged``, from the bulk reader) files on disk
    that become a frame only when ``responses`` is asked for: the CLI stores them without.
    """

    file: str
    format: str
    frame: pl.DataFrame | None
    rows_read: int
    skipped_empty: int = 0
    duplicates: int = 0
    unfinished: int = 0
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (text key, values)
    # Item key -> the question's wording in the export (None: the file does not say).
    wordings: dict[str, str | None] = field(default_factory=dict)
    staged: Staged | None = None

    @property
    def responses(self) -> pl.DataFrame:
        """The canonical frame: row, workplace, department, respondent, q1..qN."""
        if self.frame is None:
            assert self.staged is not None
            self.frame = self.staged.load(list(self.staged.missing))
        return self.frame

    def __getstate__(self) -> dict:
        """A copy (pickle, as Streamlit's cache makes one) holds the frame, not the files:
        they go when this object does."""
        state = dict(self.__dict__)
        if self.staged is not None:
            state.update(frame=self.responses, staged=None)
        return state

    def for_store(self) -> pl.DataFrame | ResponseFiles | ResponseTables:
        """What ``Store.replace_responses`` takes: the checked rows in place where the bulk
        reader keeps them (files or tables)."""
        if self.staged is not None:
            return self.staged.files
        return self.responses

    @property
    def respondents(self) -> int:
        if self.staged is not None:
            return self.staged.respondents
        return self.responses.height

    def missing_per_item(self) -> dict[str, int]:
        """How many respondents left each item unanswered (blank or "don't know")."""
        if self.staged is not None:
            return dict(self.staged.missing)
        nulls = self.responses.select(pl.col(r"^q\d+$").null_count()).row(0, named=True)
        return {key: int(value) for key, value in nulls.items()}

    @property
    def workplaces(self) -> list[str]:
        if self.staged is not None:
            return list(self.staged.workplaces)
        return sorted(self.responses["workplace"].unique().to_list())


def wording_frame(parsed: list[Parsed], instrument: Instrument) -> pl.DataFrame:
    """(workplace, item, wording) of every workplace in the files, for the store."""
    rows = [
        (workplace, item.number, p.wordings.get(item.key))
        for p in parsed
        for workplace in p.workplaces
        for item in instrument.items
    ]
    return pl.DataFrame(
        rows, schema={"workplace": pl.String, "item": pl.Int16, "wording": pl.String}, orient="row"
    )


def to_canonical(
    raw: pl.DataFrame,
    *,
    file: str,
    format: str,
    instrument: Instrument,
    columns: dict[str, str],
    lookup: dict[str, int | None] | None = None,
) -> Parsed:
    """Check and map a frame of raw strings.

    ``raw`` has a ``row`` column, the meta columns and one column per item key (q1..qN);
    ``columns`` names each of them as the file does, for messages. Every bad cell becomes a
    problem; if there is any, the whole file is refused.
    """
    lookup = instrument.answer_lookup() if lookup is None else lookup
    # Every importer comes through here: names are cleaned once, before they are checked.
    raw = raw.with_columns(clean_names("workplace"), clean_names("department"))
    problems = _blank_meta_problems(raw, file, columns)
    codes, unknown = _map_answers(raw, instrument, lookup)
    problems += _unknown_answer_problems(raw, unknown, file, columns, instrument)
    if problems:
        raise ImportFailed(problems)

    respondent = pl.col("respondent").str.strip_chars()
    # Microsoft Forms writes "anonymous" for everyone when anyone may answer: not a person.
    placeholder = respondent.str.to_lowercase().is_in(ANONYMOUS_IDS)
    said = raw.filter(placeholder.fill_null(False))["respondent"]
    frame = (
        raw.select("row", *META_COLUMNS)
        .with_columns(
            pl.when(placeholder | (respondent == ""))
            .then(None)
            .otherwise(respondent)
            .alias("respondent"),
        )
        .hstack(codes)
    )
    answered = pl.sum_horizontal(pl.col(instrument.item_keys).is_not_null())
    empty = frame.filter(answered == 0).height
    frame = frame.filter(answered > 0)
    with_id = frame.filter(pl.col("respondent").is_not_null())
    # The same person twice (same id within a workplace): keep the last submission.
    kept = with_id.unique(subset=["workplace", "respondent"], keep="last")
    duplicates = with_id.height - kept.height
    deduped = frame.filter(pl.col("respondent").is_null()).vstack(kept).sort("row")
    parsed = Parsed(file, format, deduped, raw.height, skipped_empty=empty, duplicates=duplicates)
    if empty:
        parsed.notes.append(("note.skipped_empty", {"count": empty}))
    if duplicates:
        parsed.notes.append(("note.duplicates", {"count": duplicates}))
    if said.len():
        parsed.notes.append(("note.anonymous_ids", {"value": said[0].strip()}))
    return parsed


def _blank_meta_problems(raw: pl.DataFrame, file: str, columns: dict[str, str]) -> list[Problem]:
    problems = []
    for key in ("workplace", "department"):
        blank = raw.filter(pl.col(key).is_null() | (pl.col(key).str.strip_chars() == ""))
        for row in blank["row"]:
            problems.append(Problem(file, row, columns[key], "", f"blank_{key}"))
    return problems


def _map_answers(
    raw: pl.DataFrame, instrument: Instrument, lookup: dict[str, int | None]
) -> tuple[pl.DataFrame, set[str]]:
    """Codes for every item column, and the raw texts that are not answers on the scale."""
    keys = instrument.item_keys
    values = pl.concat([raw[k].drop_nulls() for k in keys]).unique().to_list()
    known: dict[str, int | None] = {}
    unknown: set[str] = set()
    for value in values:
        normal = normalise_text(value)
        if normal in lookup:
            known[value] = lookup[normal]
        else:
            unknown.add(value)
    codes = raw.select(
        pl.col(k).replace_strict(known, default=None, return_dtype=pl.Int8).alias(k) for k in keys
    )
    return codes, unknown


def _unknown_answer_problems(
    raw: pl.DataFrame,
    unknown: set[str],
    file: str,
    columns: dict[str, str],
    instrument: Instrument,
) -> list[Problem]:
    if not unknown:
        return []
    cells = (
        raw.select("row", *instrument.item_keys)
        .unpivot(index="row", variable_name="key", value_name="value")
        .filter(pl.col("value").is_in(list(unknown)))
        .with_columns(pl.col("key").str.slice(1).cast(pl.Int32).alias("item"))
        .sort("row", "item")
    )
    return [
        Problem(file, row, columns[key], value, "not_on_scale")
        for row, key, value, _item in cells.iter_rows()
    ]
