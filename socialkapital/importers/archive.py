"""ZIP archives (an upload of several exports, and every .xlsx workbook), opened with limits.

A ZIP of a megabyte can unpack to gigabytes. Its directory says how large each file is, so
what is too large is refused before anything is unpacked; and since a directory can lie,
each file is unpacked in pieces and the reading stops as soon as it passes the limit.
"""

from __future__ import annotations

import io
import lzma
import math
import struct
import zipfile
import zlib

from socialkapital.importers.canonical import clean_name
from socialkapital.importers.errors import fail

MB = 1024 * 1024
# As large as a file the dashboard takes as an upload (server.maxUploadSize = 500 MB): a ZIP
# may not bring in more than the file itself could. Survey exports are far smaller.
MAX_MEMBER_MB = 512
MAX_TOTAL_MB = 1024  # all the files of one archive together
MAX_MEMBERS = 1000  # an export is a few files; a workbook a few dozen parts
_CHUNK = MB
# What zipfile and its decompressors raise for a damaged archive or member. RuntimeError:
# encrypted, or compressed with a method this Python lacks (NotImplementedError is one).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    ValueError,
    RuntimeError,
    OSError,
)


def unzip(name: str, data: bytes) -> dict[str, bytes]:
    """The files of an uploaded ZIP (folders and macOS metadata left out), or a refusal."""
    archive = _open(name, data)
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX")
        ]
        _check(name, archive.infolist(), members, "zip")
        if not members:
            raise fail(name, "zip_empty")
        files: dict[str, bytes] = {}
        left = MAX_TOTAL_MB * MB
        for info in members:
            # Member names come from the archive and end up in messages: no control characters.
            member = f"{name}/{clean_name(info.filename)}"
            if info.flag_bits & 0x1:
                raise fail(member, "zip_encrypted")
            files[member] = _read(archive, info, member, min(MAX_MEMBER_MB * MB, left))
            left -= len(files[member])
    return files


def check_workbook(data: bytes, name: str) -> None:
    """Refuse an .xlsx workbook whose parts are too many or too large, before it is read.

    The workbook reader unpacks the parts itself, so only the sizes its directory states
    can be checked here; a workbook this cannot open is left for the reader to refuse.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _DAMAGED:
        return
    _check(name, infos, [i for i in infos if not i.is_dir()], "workbook")


def _open(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED as exc:
        # A ZIP begins with "PK"; a file that does not is something else named .zip.
        raise fail(name, "bad_zip" if data[:2] == b"PK" else "not_zip") from exc


def _check(name: str, infos: list, members: list, kind: str) -> None:
    """Refuse by the sizes and the number of files the archive's directory states."""
    if len(infos) > MAX_MEMBERS:
        raise fail(name, f"{kind}_too_many", count=len(infos), limit=MAX_MEMBERS)
    for info in members:
        if info.file_size > MAX_MEMBER_MB * MB:
            where = f"{name}/{clean_name(info.filename)}" if kind == "zip" else name
            raise fail(where, f"{kind}_too_big", size=_mb(info.file_size), limit=MAX_MEMBER_MB)
    total = sum(info.file_size for info in members)
    if total > MAX_TOTAL_MB * MB:
        raise fail(name, f"{kind}_too_big_total", size=_mb(total), limit=MAX_TOTAL_MB)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, limit: int) -> bytes:
    """One member, unpacked a piece at a time and never past ``limit`` bytes."""
    try:
        with archive.open(info) as stream:
            return read_bounded(stream, limit)
    except TooLarge:  # more than the directory said: a forged or damaged archive
        raise fail(member, "zip_overflow", limit=_mb(limit)) from None
    except _DAMAGED as exc:
        raise fail(member, "zip_member_broken", detail=exc.__class__.__name__) from exc


class TooLarge(Exception):
    """A stream went on past its limit."""


def read_bounded(stream: io.RawIOBase | io.BufferedIOBase, limit: int) -> bytes:
    """All of ``stream``, read in pieces; ``TooLarge`` at the first byte past ``limit``."""
    buffer = bytearray()
    while chunk := stream.read(min(_CHUNK, limit + 1 - len(buffer))):
        buffer += chunk
        if len(buffer) > limit:
            raise TooLarge
    return bytes(buffer)


def _mb(size: int) -> int:
    return math.ceil(size / MB)
