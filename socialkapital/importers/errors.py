"""Problems found in an input file, each naming the file, row, column and value.

A problem carries a message key and its values, so the dashboard can say it in Danish or
English; ``str()`` gives English, for logs and the CLI's default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from socialkapital import text

MAX_LISTED = 40


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    key: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return text.t(f"problem.{self.key}", lang, **self.params)

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
