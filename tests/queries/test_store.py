"""The store: schema versions and migration, transactions, busy files, SQL quoting."""

from __future__ import annotations

import multiprocessing
import threading
import time

import duckdb
import pytest

import queries.store as store_mod
from queries.sql import blocks, migrations, quote_identifier
from queries.store import LATEST_VERSION, Store, StoreBusy, StoreError
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv


def parsed_rows(ins, n=6, workplace="Mejeri Øst", answer=4):
    rows = [(workplace, "Ost & Lager", [answer] * 21) for _ in range(n)]
    return read_responses(to_csv(template_rows(rows)), "x.csv", ins)


def test_a_new_store_has_the_latest_schema(store):
    assert store.schema_version() == LATEST_VERSION == 11
    assert store.counts() == dict.fromkeys(
        ["rounds", "workplaces", "departments", "respondents", "answers", "roster"], 0
    )


def test_opening_an_older_file_migrates_it_and_keeps_the_data(tmp_path, ins):
    path = tmp_path / "old.duckdb"
    old = Store.__new__(Store)  # a store frozen at schema version 1, as an old release wrote
    old.path, old.instrument, old.settings = path, ins, Store(tmp_path / "x.duckdb").settings
    old.migrate(target=1)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO rounds VALUES (1, 'Forår 2024', DATE '2024-03-01')").fetchall()
    con.execute("INSERT INTO workplaces VALUES (1, 'Gammel A/S')").fetchall()
    con.close()

    migrated = Store(path)
    assert migrated.schema_version() == 11
    assert migrated.rounds()["name"].to_list() == ["Forår 2024"]
    with migrated.reading() as con:
        columns = {r[0] for r in con.execute("DESCRIBE workplaces").fetchall()}
    assert {"cvr", "industry", "employees"} <= columns


def test_answers_stored_one_row_per_item_move_into_their_respondents_row(tmp_path, ins):
    """Version 11: a store of schema 10 kept one row per answered item; after the migration
    each respondent's row holds its codes in item order (blank: null), and the view
    ``answers`` gives back exactly the rows that were stored."""
    path = tmp_path / "v10.duckdb"
    old = Store.__new__(Store)
    old.path, old.instrument, old.settings = path, ins, Store(tmp_path / "x.duckdb").settings
    old.migrate(target=10)
    long = [(1, 1, 4), (1, 2, 5), (1, 21, 1), (2, 7, 3), (3, 21, 2)]  # 2 and 3: mostly blank
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO rounds VALUES (1, 'Forår 2025', DATE '2025-03-01')").fetchall()
    con.execute("INSERT INTO workplaces VALUES (1, 'Gammel A/S', NULL, NULL, NULL)").fetchall()
    con.execute("INSERT INTO departments VALUES (1, 1, 'Lager')").fetchall()
    for r in (1, 2, 3):
        con.execute(f"INSERT INTO respondents VALUES ({r}, 1, 1, NULL)").fetchall()
    con.executemany("INSERT INTO answers VALUES (?, ?, ?)", long)
    con.close()

    migrated = Store(path)

    assert migrated.schema_version() == 11
    blank = [None] * 21
    with migrated.reading() as con:
        codes = con.execute("SELECT respondent_id, codes FROM respondents ORDER BY 1").fetchall()
        back = con.execute("SELECT * FROM answers ORDER BY ALL").fetchall()
    assert codes == [
        (1, [4, 5, *blank[:18], 1]),
        (2, [*blank[:6], 3, *blank[:14]]),
        (3, [*blank[:20], 2]),
    ]
    assert back == long
    assert migrated.counts()["answers"] == 5


def test_a_file_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE schema_version SET version = 99").fetchall()
    con.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)


def test_a_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)").fetchall()
    con.close()
    with pytest.raises(StoreError, match="not a socialkapital store"):
        Store(path)


def test_a_failed_write_changes_nothing(store, ins, monkeypatch):
    store.replace_responses(parsed_rows(ins).responses, "R", None, "a.csv", "template")
    before = store.counts()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_mod, "_log_import", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        store.replace_responses(
            parsed_rows(ins, n=9).responses, "R", None, "b.csv", "template", replace=True
        )
    assert store.counts() == before


def _hold_write_lock(path: str, seconds: float, ready) -> None:
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


def test_a_store_held_by_another_writer_is_busy_not_a_traceback(store, ins, monkeypatch):
    monkeypatch.setattr(store_mod, "_BUSY_RETRIES", 3)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_write_lock, args=(str(store.path), 5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreBusy, match="busy"):
            store.counts()
    finally:
        holder.join()
    assert store.counts()["respondents"] == 0  # free again afterwards


def test_every_named_block_is_documented():
    for name in ["scores.sql", "store.sql", "facts.sql", "groups.sql"]:
        for block_name, sql in blocks(name).items():
            assert sql.startswith("--"), (
                f"{name}:{block_name} needs a comment saying what it returns"
            )
    assert [v for v, _, _ in migrations()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


@pytest.mark.parametrize("name", ["q1", 'evil"; DROP TABLE answers; --', "æøå"])
def test_quote_identifier_prevents_injection(name):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({quote_identifier(name)} INTEGER)").fetchall()
    assert [r[0] for r in con.execute("DESCRIBE t").fetchall()] == [name]


def test_mapping_profiles_are_saved_and_replaced(store):
    store.save_mapping_profile("Qualtrics 2026", "qualtrics", "[columns]\n")
    store.save_mapping_profile("Qualtrics 2026", "qualtrics", "[columns]\ndepartment = 'x'\n")
    profiles = store.mapping_profiles()
    assert profiles.height == 1
    assert profiles["mapping"][0].endswith("department = 'x'\n")


def test_reads_inside_sharing_reads_open_the_file_once_and_only_for_this_thread(store, monkeypatch):
    opened = []
    real = store_mod._connect_file
    monkeypatch.setattr(store_mod, "_connect_file", lambda *a: opened.append(a) or real(*a))
    with store.sharing_reads():
        assert store.counts()["rounds"] == 0
        assert store.rounds().height == 0
        with store.sharing_reads():  # nested: still the same connection
            store.imports()
        assert len(opened) == 1
        other = threading.Thread(target=store.rounds)  # another thread opens its own
        other.start()
        other.join()
        assert len(opened) == 2
        with store.reading() as shared:
            pass
    with pytest.raises(duckdb.Error):  # closed with the block
        shared.execute("SELECT 1")
    store.rounds()
    assert len(opened) == 3
