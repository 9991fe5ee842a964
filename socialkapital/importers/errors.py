"""Problems found in an input file, each naming the file, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 40


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        return text


class ImportFailed(ValueError):
    """The file was refused; nothing was written. ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.describe())

    def describe(self, limit: int = MAX_LISTED) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


def fail(
    file: str,
    message: str,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> ImportFailed:
    """A refusal with one problem."""
    return ImportFailed([Problem(file, row, column, value, message)])
