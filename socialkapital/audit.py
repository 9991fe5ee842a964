"""The audit log: who signed in, imported, exported, downloaded a report or changed a user.

Who, what and when, never a figure. It is an append-only JSON-lines file beside the store,
not a table in it: a line is written on every download, and a write to the store file would
make every cached figure of the dashboard stale (the cache follows the file's version).
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from pathlib import Path

import polars as pl

ACTIONS = (
    "sign_in",
    "sign_out",
    "refused",
    "import",
    "roster",
    "groups",
    "export",
    "report",
    "user_add",
    "user_remove",
)
COLUMNS = {"at": pl.String, "who": pl.String, "action": pl.String, "detail": pl.String}


def path_for(store_path: Path) -> Path:
    """``data/socialkapital.duckdb`` -> ``data/socialkapital.audit.jsonl``."""
    return store_path.with_name(store_path.stem + ".audit.jsonl")


def local_actor() -> str:
    """Who acts when nobody signed in: the operating-system user at this machine."""
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "local"


def record(store_path: Path, who: str | None, action: str, detail: str = "") -> None:
    """Append one line. A log that cannot be written must not stop the work it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    line = {
        "at": datetime.now().isoformat(timespec="seconds"),
        "who": who or local_actor(),
        "action": action,
        "detail": detail,
    }
    path = path_for(Path(store_path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One write of one line with O_APPEND: lines of processes writing at once never mix.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        pass


def import_detail(outcome, sources: str) -> str:
    """What an import did, for the log: round, workplaces, files and how many responses."""
    places = ", ".join(outcome.workplaces)
    return f"{outcome.round}: {places} ({sources}), {outcome.respondents}"


def read(store_path: Path) -> pl.DataFrame:
    """The log, newest first: at, who, action, detail."""
    path = path_for(Path(store_path))
    rows = []
    if path.exists():
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:  # a line cut short by a full disk: skip it
                continue
            rows.append({k: str(entry.get(k, "")) for k in COLUMNS})
    return pl.DataFrame(rows, schema=COLUMNS).reverse()
