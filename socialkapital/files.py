"""Writing output files whole or not at all, under names every file system accepts.

A file is written beside its target under a temporary name and then renamed over it, so a
failure (a full disk, a name the system refuses) never leaves half a file, or half a folder
of reports, where the user expects them. Temporary names start with a dot, and are removed
again when anything goes wrong.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Bytes (UTF-8) of a name before its suffix. File systems allow 255 bytes (NTFS: 255 UTF-16
# units) per name, and Windows 260 characters per path: room is left for the folder it is
# unpacked into and for a " (2)".
STEM_BYTES = 120
# Names Windows keeps for devices, with any suffix ("CON.pdf" cannot be made there).
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(10)}
_UNSAFE = re.compile(r"[^\w &().,+-]+")


def safe_name(name: str, suffix: str, fallback: str = "rapport", limit: int = STEM_BYTES) -> str:
    """A file name that every system accepts, keeping Danish letters, at most ``limit``
    bytes before ``suffix``."""
    cleaned = _UNSAFE.sub("-", unicodedata.normalize("NFC", name)).strip(" .-")
    cleaned = _cut(cleaned, limit)
    if cleaned.upper() in _RESERVED:
        cleaned += "_"
    return f"{cleaned or fallback}{suffix}"


def _cut(stem: str, limit: int) -> str:
    """The stem cut to ``limit`` UTF-8 bytes on a character boundary."""
    return stem.encode()[:limit].decode("utf-8", "ignore").rstrip(" .-")


def same_file(name: str) -> str:
    """What Windows' and macOS' file systems compare: 'Lager.pdf' is 'LAGER.pdf' there, and
    'Å' composed or decomposed is one letter."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_names(
    names: Iterable[str], suffix: str, taken: Iterable[str] = (), fallback: str = "rapport"
) -> list[str]:
    """A safe file name (``safe_name``) for each name, in order, none the same as another or
    as one in ``taken`` on a case-insensitive file system: a repeat gets " (2)", " (3)" ..."""
    seen = {same_file(t) for t in taken}
    out = []
    for name in names:
        candidate, count = safe_name(name, suffix, fallback), 1
        while same_file(candidate) in seen:
            count += 1
            tail = f" ({count})"
            stem = safe_name(name, "", fallback, STEM_BYTES - len(tail.encode()))
            candidate = f"{stem}{tail}{suffix}"
        seen.add(same_file(candidate))
        out.append(candidate)
    return out


def _temporary(target: Path) -> Path:
    """A name beside ``target`` for writing it first ('.name.1a2b3c.tmp')."""
    return target.with_name(f".{_cut(target.name, 60)}.{secrets.token_hex(4)}.tmp")


def write_file(path: Path | str, data: bytes) -> None:
    """Write the file whole, or leave what was there (nothing, or the old file) as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    try:
        # os.open with 0o666: the permissions the user's umask gives any new file.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_folder(folder: Path | str, files: list[tuple[str, bytes]]) -> None:
    """Write every file into ``folder``: all of them or none.

    A new folder is made beside it under a temporary name and renamed into place when it is
    complete. Into a folder that exists already (it may hold other files, which stay), the
    files are moved one by one once all of them are written, each by a rename.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary(folder)
    os.mkdir(staging)
    try:
        for name, data in files:
            (staging / name).write_bytes(data)
        if not folder.exists():
            os.rename(staging, folder)
            return
        for name, _ in files:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
