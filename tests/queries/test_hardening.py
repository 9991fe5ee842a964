"""Issue 16, hardening the store: no lost import, messages instead of tracebacks, no silent
phantom workplaces or rounds. Expected values are written out by hand from the fixtures."""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

import queries.store as store_mod
from queries.store import (
    BlankName,
    RoundHasResponses,
    Store,
    StoreError,
    StoreRefused,
    UnknownRound,
    UnknownWorkplace,
)
from socialkapital import results
from socialkapital.importers import read_responses, read_roster
from tests.conftest import template_rows, to_csv

SITE = "Mejeri Øst"
ROSTER = "anna@mejeri.dk;Anna;Ost\nbo@mejeri.dk;Bo;Ost\ncecilie@mejeri.dk;Cecilie;Lager\n"


def responses(ins, n: int, code: int = 4, workplace: str = SITE):
    """n respondents of one department, each giving ``code`` to every item."""
    rows = [(workplace, "Ost", [code] * 21) for _ in range(n)]
    return read_responses(to_csv(template_rows(rows)), "svar.csv", ins).responses


def roster():
    return read_roster(ROSTER.encode(), "liste.txt").invited


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: to show that nothing changed."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}


def stored_codes(path: Path) -> dict[int, int]:
    """How many answers of each code the store holds."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT code, count(*) FROM answers GROUP BY code").fetchall()
    return dict(rows)


# -- 1. a lost import ------------------------------------------------------------------------


def _import_at_once(path: str, n: int, code: int, ready, outcomes) -> None:
    """What `socialkapital import` does: look for responses to replace (none), then write.
    Every outcome is reported, a failure before the write too (a thread's error is lost)."""
    try:
        store = Store(path)
        frame = responses(store.instrument, n, code)
        assert store.existing_respondents("R", [SITE]) == {}
        ready.wait(60)  # both have looked before either writes
        store.replace_responses(frame, "R", None, f"{n}.csv", "template")
    except RoundHasResponses as exc:
        outcomes.put(("refused", n, exc.round_name, exc.existing))
    except BaseException as exc:  # reported to the test, not lost in the worker
        outcomes.put(("failed", n, type(exc).__name__, str(exc)))
    else:
        outcomes.put(("stored", n, None, None))


def _settle(outcomes: list[tuple], path: Path) -> None:
    """Exactly one import landed, the other was refused for it, and the store holds the first."""
    stored = [o for o in outcomes if o[0] == "stored"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(stored) == 1 and len(refused) == 1, outcomes
    winner, loser = stored[0][1], refused[0][1]
    assert refused[0][2:] == ("R", {SITE: winner})
    code = {3000: 4, 2000: 2}[winner]
    assert stored_codes(path) == {code: winner * 21}
    with duckdb.connect(str(path), read_only=True) as con:
        sources = con.execute("SELECT source FROM imports").fetchall()
    assert sources == [(f"{winner}.csv",)] and loser != winner


def test_two_imports_into_one_round_at_once_one_is_refused_issue_16(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path)
    ctx = multiprocessing.get_context("spawn")
    ready, queue = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_import_at_once, args=(str(path), n, code, ready, queue))
        for n, code in ((3000, 4), (2000, 2))
    ]
    for w in workers:
        w.start()
    outcomes = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(60)
    _settle(outcomes, path)


def _threads_at_once(path: str) -> list[tuple]:
    """Two imports from two threads of one process, as the dashboard's sessions are."""
    ready, found = threading.Barrier(2), []

    class Collect:
        put = found.append

    threads = [
        threading.Thread(target=_import_at_once, args=(path, n, code, ready, Collect))
        for n, code in ((3000, 4), (2000, 2))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return found


def test_two_imports_at_once_in_one_process_one_is_refused_issue_16(tmp_path):
    # The dashboard's sessions are threads of one process, sharing one DuckDB database. The
    # process is a fresh one: a test worker that has run hundreds of other tests (Streamlit
    # runs, thread pools) is not the dashboard's process.
    path = tmp_path / "s.duckdb"
    Store(path)
    script = (
        "import json, sys\n"
        "from tests.queries.test_hardening import _threads_at_once\n"
        "print(json.dumps(_threads_at_once(sys.argv[1])))\n"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    outcomes = [tuple(o) for o in json.loads(run.stdout.strip().splitlines()[-1])]
    outcomes = [
        (kind, n, r, e if e is None or isinstance(e, str) else dict(e))
        for kind, n, r, e in outcomes
    ]
    _settle(outcomes, path)


def test_a_reader_in_the_same_process_waits_for_a_write_issue_16(store, ins):
    # DuckDB refuses a read-only connection while this process has the file open to write
    # ("different configuration"): that is a busy store, to wait for, not an unusable one.
    store.replace_responses(responses(ins, 5), "R", None, "a.csv", "template")
    writing = threading.Event()

    def write() -> None:
        with contextlib.suppress(RuntimeError), store.writing() as con:
            con.execute("DELETE FROM respondents").fetchall()
            writing.set()
            time.sleep(0.5)
            raise RuntimeError("changed its mind")  # rolled back

    writer = threading.Thread(target=write)
    writer.start()
    assert writing.wait(30)
    assert store.counts()["answers"] == 5 * 21  # waited for the write, and saw none of it
    writer.join(60)


def test_responses_already_there_are_replaced_only_as_confirmed_issue_16(store, ins):
    store.replace_responses(responses(ins, 6), "R", None, "a.csv", "template")
    before = snapshot(store.path)
    again = responses(ins, 7, code=2, workplace="MEJERI ØST")  # the same workplace
    for replace in (False, {}, {SITE: 5}, {"Vestjysk": 6}):
        with pytest.raises(RoundHasResponses) as refused:
            store.replace_responses(again, "R", None, "b.csv", "template", replace=replace)
        assert (refused.value.round_name, refused.value.existing) == ("R", {SITE: 6})
        assert SITE in str(refused.value) and isinstance(refused.value, StoreRefused)
        assert snapshot(store.path) == before
    with pytest.raises(RoundHasResponses):  # the default refuses
        store.replace_responses(again, "R", None, "b.csv", "template")
    assert store.existing_respondents("R", ["mejeri øst"]) == {SITE: 6}
    outcome = store.replace_responses(
        again, "R", None, "b.csv", "template", replace={"mejeri øst": 6}
    )
    assert (outcome.respondents, outcome.replaced) == (7, 6)
    assert stored_codes(store.path) == {2: 7 * 21}
    outcome = store.replace_responses(
        responses(ins, 8), "R", None, "c.csv", "template", replace=True
    )
    assert (outcome.respondents, outcome.replaced) == (8, 7)
    # Another workplace, or another round, replaces nothing and needs no confirmation.
    store.replace_responses(responses(ins, 5, workplace="Vestjysk"), "R", None, "d", "t")
    store.replace_responses(responses(ins, 5), "R2", None, "e.csv", "template")
    assert store.counts()["respondents"] == 8 + 5 + 5


# -- 2. messages, not tracebacks -------------------------------------------------------------


@pytest.fixture
def filled(tmp_path, ins) -> Path:
    """A real store of 2,000 respondents (a file of several blocks), closed."""
    store = Store(tmp_path / "s.duckdb")
    store.replace_responses(responses(ins, 2000), "R", None, "a.csv", "template")
    return store.path


def test_a_store_cut_to_half_gives_a_message_issue_16(filled, ins):
    data = filled.read_bytes()
    filled.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="is cut short") as summary:
        results.compute(Store(filled), "R")  # `socialkapital summary`
    with pytest.raises(StoreError, match="is cut short") as importing:
        Store(filled).replace_responses(responses(ins, 5), "R2", None, "b.csv", "template")
    for exc in (summary.value, importing.value):
        assert str(filled) in str(exc) and "backup" in str(exc)
        assert not isinstance(exc, StoreRefused)
    assert filled.stat().st_size == len(data) // 2


def test_random_bytes_are_not_a_store_issue_16(filled):
    size = filled.stat().st_size
    filled.write_bytes(random.Random(16).randbytes(size))
    with pytest.raises(StoreError, match="not a DuckDB database") as refused:
        Store(filled)
    assert str(filled) in str(refused.value) and "backup" in str(refused.value)


def test_a_damaged_block_gives_a_message_issue_16(filled):
    data = bytearray(filled.read_bytes())
    data[4096:4160] = bytes(64)  # the database header no longer matches its checksum
    filled.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged") as refused:
        Store(filled)
    assert "backup" in str(refused.value)


def test_an_empty_store_file_is_refused_not_made_a_new_store_issue_16(tmp_path):
    # A store file that exists but holds nothing is most likely a copy that failed.
    path = tmp_path / "s.duckdb"
    path.touch()
    with pytest.raises(StoreError, match=r"is empty \(0 bytes\)") as refused:
        Store(path)
    assert str(path) in str(refused.value) and "backup" in str(refused.value)
    assert path.stat().st_size == 0 and not path.with_suffix(".key").exists()


def _as_root() -> bool:
    return os.geteuid() == 0  # root writes read-only files anyway: DuckDB's refusal is faked


def _refuse_writing(monkeypatch, message: str) -> None:
    """Make DuckDB refuse to open the store for writing with this message (from a real run)."""
    real = duckdb.connect

    def connect(database=":memory:", read_only=False, **kwargs):
        if not read_only and database != ":memory:":
            raise duckdb.IOException(message.format(path=database))
        return real(database, read_only=read_only, **kwargs)

    monkeypatch.setattr(store_mod.duckdb, "connect", connect)


class _FailingCommit:
    """A connection whose commit fails as DuckDB's does when the file cannot be written: the
    transaction is over (rolled back) and a TransactionException is raised."""

    def __init__(self, con, message: str) -> None:
        self._con, self._message = con, message

    def __getattr__(self, name):
        return getattr(self._con, name)

    def commit(self):
        self._con.rollback()
        raise duckdb.TransactionException(self._message)


def _fail_commits(monkeypatch, message: str) -> None:
    real = duckdb.connect

    def connect(database=":memory:", read_only=False, **kwargs):
        con = real(database, read_only=read_only, **kwargs)
        if read_only or database == ":memory:":
            return con
        return _FailingCommit(con, message.format(path=database))

    monkeypatch.setattr(store_mod.duckdb, "connect", connect)


def test_a_read_only_store_file_gives_a_message_and_can_still_be_read_issue_16(
    filled, ins, monkeypatch
):
    before = snapshot(filled)
    store = Store(filled)
    if _as_root():  # DuckDB's own words, from a run as nobody on a file of mode 0444
        _refuse_writing(monkeypatch, 'IO Error: Cannot open file "{path}": Permission denied')
    else:
        filled.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="cannot be written") as refused:
            store.replace_responses(responses(ins, 5), "R2", None, "b.csv", "template")
        assert str(filled) in str(refused.value) and "allowed to write" in str(refused.value)
        assert store.counts()["respondents"] == 2000
    finally:
        filled.chmod(0o644)
    assert snapshot(filled) == before


def test_a_read_only_folder_gives_a_message_and_changes_nothing_issue_16(filled, ins, monkeypatch):
    before = snapshot(filled)
    store = Store(filled)
    if _as_root():  # the commit fails: DuckDB cannot create its log beside the store
        _fail_commits(
            monkeypatch,
            'TransactionContext Error: Failed to commit: Cannot open file "{path}.wal": '
            "Permission denied",
        )
    else:
        filled.parent.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="cannot be written") as refused:
            store.replace_responses(responses(ins, 5), "R2", None, "b.csv", "template")
        assert f"{filled}.wal" in str(refused.value) and str(filled.parent) in str(refused.value)
    finally:
        filled.parent.chmod(0o755)
    monkeypatch.undo()
    assert snapshot(filled) == before


@pytest.mark.parametrize(
    ("number", "message"), [(errno.EACCES, "cannot be written"), (errno.ENOSPC, "is full")]
)
def test_a_key_file_that_cannot_be_made_gives_a_message_issue_16(
    store, ins, monkeypatch, number, message
):
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if str(path).endswith(".key"):
            raise OSError(number, os.strerror(number), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(store_mod.os, "open", refusing_open)
    before = snapshot(store.path)
    with pytest.raises(StoreError, match=message) as refused:
        store.replace_responses(responses(ins, 5), "R", None, "a.csv", "template")
    assert str(store.key_path) in str(refused.value)
    monkeypatch.undo()
    assert snapshot(store.path) == before and not store.key_path.exists()


def test_a_full_disk_gives_a_message_and_changes_nothing_issue_16(filled, ins, monkeypatch):
    before = snapshot(filled)
    store = Store(filled)
    _fail_commits(  # DuckDB's words on a full tmpfs
        monkeypatch,
        'TransactionContext Error: Failed to commit: Could not write file "{path}.wal": '
        "No space left on device",
    )
    with pytest.raises(StoreError, match="is full") as refused:
        store.replace_responses(responses(ins, 5), "R2", None, "b.csv", "template")
    assert f"{filled}.wal" in str(refused.value) and "Free some space" in str(refused.value)
    monkeypatch.undo()
    assert snapshot(filled) == before


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB disk (tmpfs), where the system lets tests mount one (root on Linux)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small disk here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_really_full_disk_gives_a_message_and_changes_nothing_issue_16(small_disk, ins):
    store = Store(small_disk / "s.duckdb")
    store.replace_responses(responses(ins, 10), "R", None, "a.csv", "template")
    before = store.counts()
    with pytest.raises(StoreError, match="is full") as refused:
        store.replace_responses(responses(ins, 20000), "R2", None, "b.csv", "template")
    assert str(small_disk) in str(refused.value)
    assert store.counts() == before
    assert results.compute(store, "R").group(SITE, None)["respondents"] == 10


# -- 3. no silent phantom workplaces or rounds -----------------------------------------------


@pytest.fixture
def two_sites(store, ins) -> Store:
    store.replace_responses(responses(ins, 6), "Forår 2026", None, "a.csv", "template")
    store.replace_responses(responses(ins, 5, workplace="Vestjysk"), "Forår 2026", None, "b", "t")
    return store


def test_a_roster_for_a_misspelt_workplace_is_refused_issue_16(two_sites):
    before = snapshot(two_sites.path)
    with pytest.raises(UnknownWorkplace) as refused:
        two_sites.replace_roster(roster(), "Mejeri Ost", "Forår 2026", None, "liste.txt")
    assert refused.value.name == "Mejeri Ost"
    assert refused.value.known == ["Mejeri Øst", "Vestjysk"]
    assert refused.value.close == ["Mejeri Øst"]
    assert "Mejeri Ost" in str(refused.value) and isinstance(refused.value, StoreRefused)
    assert snapshot(two_sites.path) == before


def test_a_roster_for_an_unknown_round_is_refused_issue_16(two_sites):
    before = snapshot(two_sites.path)
    with pytest.raises(UnknownRound) as refused:
        two_sites.replace_roster(roster(), SITE, "Forår 2027", None, "liste.txt")
    assert (refused.value.name, refused.value.known) == ("Forår 2027", ["Forår 2026"])
    assert snapshot(two_sites.path) == before


def test_a_roster_matches_a_known_workplace_in_any_case_issue_16(two_sites):
    assert two_sites.replace_roster(roster(), "MEJERI ØST", "Forår 2026", None, "l.txt") == 3
    assert two_sites.counts()["workplaces"] == 2 and two_sites.counts()["roster"] == 3


def test_a_roster_may_create_its_workplace_and_round_when_asked_issue_16(store):
    assert store.replace_roster(roster(), "Ny A/S", "Efterår 2026", None, "l", create=True) == 3
    assert store.rounds()["name"].to_list() == ["Efterår 2026"]
    assert store.workplaces("Efterår 2026") == ["Ny A/S"]


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_round_name_is_refused_issue_16(store, ins, blank):
    before = snapshot(store.path)
    with pytest.raises(BlankName) as refused:
        store.replace_responses(responses(ins, 5), blank, None, "a.csv", "template")
    assert refused.value.field == "round"
    with pytest.raises(BlankName):
        store.replace_roster(roster(), SITE, blank, None, "l", create=True)
    with pytest.raises(BlankName) as refused:
        store.replace_roster(roster(), blank, "R", None, "l", create=True)
    assert refused.value.field == "workplace"
    assert snapshot(store.path) == before
