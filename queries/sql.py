"""Named SQL blocks from the *.sql files beside this module (``-- name: x`` then a comment)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def blocks(filename: str) -> dict[str, str]:
    """Every named block of one SQL file: name -> SQL text."""
    text = (_HERE / filename).read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


@cache
def query(name: str) -> str:
    """The SQL of a named block, looked up across all SQL files of the store (once: a page
    asks for the same few blocks on every click)."""
    for path in sorted(_HERE.glob("*.sql")):
        found = blocks(path.name).get(name)
        if found is not None:
            return found
    raise KeyError(f"no SQL block named {name!r}")


def subquery(name: str) -> str:
    """A named block without its closing semicolon, to be placed inside another statement."""
    return query(name).rstrip(";")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration, in order."""
    found = []
    for path in sorted((_HERE / "migrations").glob("*.sql")):
        version = int(path.name.split("_", 1)[0])
        found.append((version, path.name, path.read_text(encoding="utf-8")))
    return found


def quote_identifier(name: str) -> str:
    """Quote a table or column name for DuckDB; only names from the instrument reach SQL."""
    return '"' + name.replace('"', '""') + '"'
