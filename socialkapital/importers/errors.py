"""Problems found in an input file, each naming the file, row, column and value.

A problem carries a message key and its values, so the dashboard can say it in Danish or
English; ``str()`` gives English, for logs and the CLI's default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from socialkapital import text

MAX_LISTED = 40
MAX_PLACES = 10  # places listed for a value that occurs in many cells; then "and N more"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    key: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        params = dict(self.params)
        if "places" in params:  # [(row, column), ...] of all ``count`` cells, said in words
            params["places"] = _places(params["places"], params.get("count"), lang)
        return text.t(f"problem.{self.key}", lang, **params)

    def text(self, lang: str = "en") -> str:
        """The whole problem in one line: where, what, and the value found."""
        where = [self.file]
        if self.row is not None:
            where.append(text.t("problem.at_row", lang, row=self.row))
        if self.column is not None:
            where.append(text.t("problem.at_column", lang, column=self.column))
        line = ", ".join(where) + ": " + self.message(lang)
        if self.value is not None:
            line += " " + text.t("problem.value", lang, value=repr(self.value))
        return line

    def __str__(self) -> str:
        return self.text("en")


def _places(places: list[tuple[int, str]], count: int | None, lang: str) -> str:
    """'column “Q1”: rows 3, 9; column “Q4”: row 5 and 2 more places': the first
    ``MAX_PLACES`` places, by column (in the order they come), then how many more."""
    listed = places[:MAX_PLACES]
    by_column: dict[str, list[int]] = {}
    for row, column in listed:
        by_column.setdefault(column, []).append(row)
    said = "; ".join(
        text.t("problem.at_column", lang, column=column)
        + ": "
        + (
            text.t("problem.at_rows", lang, rows=", ".join(map(str, rows)))
            if len(rows) > 1
            else text.t("problem.at_row", lang, row=rows[0])
        )
        for column, rows in by_column.items()
    )
    more = (count or len(places)) - len(listed)
    return f"{said} {text.t('problem.more_places', lang, count=more)}" if more > 0 else said


class ImportFailed(ValueError):
    """The file was refused; nothing was written. ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.describe())

    def describe(self, lang: str = "en", limit: int = MAX_LISTED) -> str:
        lines = [p.text(lang) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(text.t("problem.more", lang, count=len(self.problems) - limit))
        return "\n".join(lines)


def fail(
    file: str,
    key: str,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    **params: object,
) -> ImportFailed:
    """A refusal with one problem."""
    return ImportFailed([Problem(file, row, column, value, key, params)])
