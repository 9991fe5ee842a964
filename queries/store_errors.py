"""What can go wrong with the store, in words a user can act on.

``StoreBusy``: another program is writing; try again. ``StoreError``: the file cannot be used
(damaged, cut short, read-only, a full disk, ...), and the message says which file, what is
wrong and what to do. ``StoreRefused`` (a ``StoreError``): the store will not make a change
unasked; each kind carries what a caller needs to ask the user in their own language.
Import them from ``queries.store``.
"""

from __future__ import annotations

import difflib
import errno
import re
from pathlib import Path

import duckdb


class StoreBusy(RuntimeError):
    """Another program is writing to the store right now."""


class StoreError(RuntimeError):
    """The store file cannot be used (not a DuckDB file, damaged, read-only, disk full,
    newer schema, ...). The message says which file, what is wrong and what to do."""


class StoreRefused(StoreError):
    """The store was asked to do something it will not do unasked; nothing was changed."""


class RoundHasResponses(StoreRefused):
    """The round already has responses from workplaces of the import, and replacing exactly
    those was not confirmed (``replace=`` of ``replace_responses``)."""

    def __init__(self, round_name: str, existing: dict[str, int]) -> None:
        self.round_name, self.existing = round_name, existing
        listed = ", ".join(f"{w} ({n})" for w, n in existing.items())
        super().__init__(
            f"The survey round »{round_name}« already has responses from {listed}. Nothing "
            "was changed; to replace them, import again and confirm replacing them."
        )


class UnknownRound(StoreRefused):
    """No survey round has this name (a roster never creates one unasked)."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name, self.known = name, known
        super().__init__(
            f"No survey round is called »{name}«. Known: {', '.join(known) or '(none)'}."
        )


class UnknownWorkplace(StoreRefused):
    """No workplace has this name, in any case (a roster never creates one unasked).
    ``close`` holds the known names most like it, best first."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name, self.known = name, known
        folded = {k.casefold(): k for k in known}
        self.close = [
            folded[c] for c in difflib.get_close_matches(name.casefold(), folded, n=3, cutoff=0.6)
        ]
        super().__init__(f"No workplace is called »{name}«. Known: {', '.join(known) or '(none)'}.")


class BlankName(StoreRefused):
    """A round or workplace name that is empty or only spaces (``field``: which one)."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"The {field} name is empty. Nothing was changed.")


# -- DuckDB's and the system's words about the file -------------------------------------


def held_by_another(exc: duckdb.Error) -> bool:
    """Another process writes to the file (its lock), or, in this process, another connection
    has it open the other way (read-only against read-write): wait and try again."""
    text = str(exc).lower()
    return "could not set lock" in text or "different configuration" in text


_FILE_TROUBLE = (
    "no space left",
    "disk quota",
    "permission denied",
    "read-only file system",
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt database file",
    "database has been invalidated",
)


def about_the_file(exc: duckdb.Error) -> bool:
    """Whether a DuckDB error is about the file or the disk rather than the SQL."""
    return isinstance(exc, duckdb.IOException) or any(t in str(exc).lower() for t in _FILE_TROUBLE)


def file_problem(path: Path, exc: BaseException, write: bool = True) -> StoreError:
    """A ``StoreError`` that says which file, what is wrong with it and what to do."""
    text = str(exc)
    low = text.lower()
    code = exc.errno if isinstance(exc, OSError) else None
    named = _named_file(exc) or path
    backup = f"Restore the store from a backup (with its key file {path.with_suffix('.key')})."
    if code in (errno.ENOSPC, errno.EDQUOT) or "no space left" in low or "disk quota" in low:
        return StoreError(
            f"The disk holding {named} is full, so nothing could be written and nothing was "
            "changed. Free some space on it (or move the store elsewhere with --db or "
            "SOCIALKAPITAL_DB) and try again."
        )
    if (
        code in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "permission denied" in low
        or "read-only file system" in low
    ):
        if not write:
            return StoreError(
                f"{named} cannot be read (permission denied). This user needs to be allowed "
                f"to read the file {path.name} and its folder {path.parent}."
            )
        return StoreError(
            f"{named} cannot be written (permission denied, or a read-only disk), so nothing "
            f"was changed; the store can still be read. To change it, this user needs to be "
            f"allowed to write the file {path.name} and its folder {path.parent} (a log file "
            "is written beside the store), on a disk that is not read-only."
        )
    size = _size(path)
    if size == 0:
        return StoreError(
            f"{path} is empty (0 bytes), so it is not a store: perhaps a copy that failed. "
            f"{backup} Or, to begin a new, empty store there, delete the empty file."
        )
    if "not a valid duckdb database file" in low:
        return StoreError(
            f"{path} is not a socialkapital store: it is not a DuckDB database at all (the "
            "wrong file, or one damaged beyond recognition). Check the path given with --db "
            f"or SOCIALKAPITAL_DB. {backup}"
        )
    if "could not read enough bytes" in low:
        return StoreError(
            f"{path} is cut short ({size} bytes; parts of the store are missing), perhaps by "
            f"a copy that was interrupted or a disk that ran full. It cannot be repaired. "
            f"{backup}"
        )
    if "corrupt database file" in low or "checksum" in low:
        return StoreError(
            f"{path} is damaged: part of it no longer holds what was written there ({text}). "
            f"It cannot be repaired. {backup}"
        )
    return StoreError(f"The store {path} cannot be used: {text}")


def _named_file(exc: BaseException) -> Path | None:
    """The file an error is about, when it names one (the store, its log or its key)."""
    if isinstance(exc, OSError) and exc.filename:
        return Path(exc.filename)
    quoted = re.search(r'"([^"]+)"', str(exc))
    return Path(quoted.group(1)) if quoted else None


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def refusal_message(exc: StoreRefused, lang: str) -> str:
    """A refusal in the user's language (other store errors speak English only: they name
    files and system errors, which an administrator reads)."""
    from socialkapital import text

    if isinstance(exc, RoundHasResponses):
        places = ", ".join(f"{w} ({n})" for w, n in exc.existing.items())
        return text.t("store.changed_meanwhile", lang, round=exc.round_name, workplaces=places)
    if isinstance(exc, UnknownWorkplace):
        known = ", ".join([*exc.close, *(k for k in exc.known if k not in exc.close)])
        return text.t("store.unknown_workplace", lang, name=exc.name, known=known or "–")
    if isinstance(exc, UnknownRound):
        return text.t("store.unknown_round", lang, name=exc.name, known=", ".join(exc.known))
    if isinstance(exc, BlankName):
        return text.t(f"store.blank_{exc.field}", lang)
    return str(exc)
