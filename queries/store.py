"""The DuckDB store: one file, a versioned schema, short-lived connections.

DuckDB lets one process write a file, or many processes read it, never both at once. The
dashboard and the CLI may run side by side, so every operation opens a connection, does its
work and closes it again; a file held by another writer gives ``StoreBusy``, not a traceback.
A file that cannot be used (damaged, cut short, read-only, a full disk) gives ``StoreError``
saying which file, what is wrong and what to do; a change the store will not make unasked
(replacing a round's responses, a roster for an unknown workplace or round) gives a
``StoreRefused``. Either way nothing was changed: every write is one transaction.

No e-mail, name or other direct identifier is stored (issue 15): a respondent's id and a
roster's e-mail become a person key, a keyed hash made in SQL as the rows are inserted. The
key is a file beside the store (``socialkapital.duckdb`` -> ``socialkapital.key``), never in
it; the store keeps its fingerprint so that a write with another key is refused.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from queries import figure_store
from queries import incoming as incoming_mod
from queries.incoming import MEMORY_LIMIT, ResponseFiles, ResponseTables
from queries.sql import migrations, query, quote_identifier, subquery
from queries.store_errors import (
    BlankName,
    RoundHasResponses,
    StoreBusy,
    StoreError,
    UnknownRound,
    UnknownWorkplace,
    about_the_file,
    file_problem,
    held_by_another,
)
from queries.store_errors import StoreRefused as StoreRefused  # for callers: one import
from socialkapital import instrument as instrument_mod
from socialkapital.settings import Settings

LATEST_VERSION = migrations()[-1][0]
PSEUDONYM_VERSION = 7  # the migration that replaced plain identifiers by person keys
_BUSY_RETRIES = 20  # a reader waits up to 2 s for a writer to finish
# A writer waits longer: an import queued behind another one (100,000 responses take a few
# seconds) should land, or be refused for what the other one stored, rather than give up.
_WRITE_RETRIES = 300
_BUSY_WAIT_S = 0.1


@dataclass(frozen=True)
class ImportOutcome:
    round: str
    workplaces: list[str]
    respondents: int
    answers: int
    replaced: int


class Store:
    """A social capital store in one DuckDB file."""

    def __init__(
        self,
        path: str | Path,
        instrument: instrument_mod.Instrument | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.path = Path(path)
        self.key_path = self.path.with_suffix(".key")
        self.instrument = instrument or instrument_mod.load()
        self.settings = settings or Settings()
        self._ensure_schema()

    # -- connections -------------------------------------------------------------------

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        retries = _BUSY_RETRIES if read_only else _WRITE_RETRIES
        for attempt in range(retries):
            try:
                return _connect_file(self.path, read_only)
            except duckdb.Error as exc:
                if not held_by_another(exc):
                    raise file_problem(self.path, exc, write=not read_only) from exc
                if attempt == retries - 1:
                    raise StoreBusy(
                        f"The store {self.path} is busy (another program is writing to it). "
                        "Try again in a moment."
                    ) from exc
                time.sleep(_BUSY_WAIT_S)
        raise AssertionError("unreachable")

    @contextmanager
    def _translated(self, write: bool) -> Iterator[None]:
        """Turn DuckDB's errors about the file (damaged, cut short, read-only, disk full) into
        a ``StoreError`` that says what to do; errors of the SQL itself pass unchanged."""
        try:
            yield
        except duckdb.Error as exc:
            if not about_the_file(exc):
                raise
            raise file_problem(self.path, exc, write) from exc

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection with the instrument and the scoring macros in place (the
        shared one, inside ``sharing_reads``)."""
        shared = getattr(_SHARED, "cons", {}).get(self.path)
        if shared is not None:
            with self._translated(write=False):
                yield shared
            return
        with self._translated(write=False):
            con = self._connect(read_only=True)
            try:
                self._register_instrument(con)
                yield con
            finally:
                con.close()

    @contextmanager
    def sharing_reads(self) -> Iterator[None]:
        """Reads in this thread share one connection until the block ends: opening the file
        and setting up a connection costs about 25 ms, and a report reads eight times. Only
        for reading: writing inside the block fails (``writing_if_free`` yields None)."""
        cons = _SHARED.__dict__.setdefault("cons", {})
        if self.path in cons:
            yield
            return
        with self.reading() as con:
            cons[self.path] = con
            try:
                yield
            finally:
                del cons[self.path]

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction: all of it lands, or none of it.

        One writer at a time, also within a process: DuckDB shares one database between the
        connections of a process (the dashboard's sessions are threads), and there two
        transactions that both append would never conflict, so a check made inside one of
        them ("does the round have responses?") could not see the other's rows.
        """
        with (
            _one_writer(self.path),
            self._translated(write=True),
            _transaction(self._connect_writable()) as con,
        ):
            yield con

    def _connect_writable(self) -> duckdb.DuckDBPyConnection:
        """A read-write connection, the store's folder made first where it is missing."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_problem(self.path, exc) from exc
        return self._connect(read_only=False)

    @contextmanager
    def importing(
        self, round_name: str, replace: bool
    ) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """The write connection for an import that reads its files in it and stores them at
        once (the CLI's): the bulk reader keeps the checked rows there as temp tables
        (``importers.read_responses(..., con=)``) and ``replace_responses`` writes them in one
        transaction, with no copy on disk between. The store is held from the reading to the
        end of the block; the reading runs outside a transaction (a file DuckDB cannot read
        fails only its own statement), within the bulk reader's memory limit, spilling to a
        folder only this user may read (the plain ids are in the rows).

        None when the round holds responses and ``replace`` is false: replacing them must
        be confirmed between reading and writing, with the store free meanwhile."""
        # (The folder goes after the connection, which may still have files in it.)
        with _one_writer(self.path), tempfile.TemporaryDirectory(prefix="socialkapital-") as spill:
            with self._translated(write=True):
                con = self._connect_writable()
            try:
                answered = _scalar(
                    con,
                    "SELECT EXISTS (SELECT 1 FROM respondents JOIN rounds USING (round_id) "
                    "WHERE name = $round)",
                    {"round": round_name},
                )
                if answered and not replace:
                    yield None
                    return
                _run(con, f"SET memory_limit = '{MEMORY_LIMIT}'")
                _run(con, f"SET temp_directory = {_quote_literal(spill)}")
                yield con
            finally:
                con.close()

    @contextmanager
    def _writing_on(
        self, con: duckdb.DuckDBPyConnection | None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """``writing``, or one transaction on ``con``: the connection ``importing`` holds."""
        if con is None:
            with self.writing() as con:
                yield con
            return
        with (
            _one_writer(self.path),
            self._translated(write=True),
            _transaction(con, close=False),
        ):
            yield con

    @contextmanager
    def writing_if_free(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """As ``writing``, but None at once when the file is in use (by this process or
        another): for work that may be left for later, as keeping computed figures."""
        with _WRITERS_GUARD:
            lock = _WRITERS.setdefault(os.path.realpath(self.path), threading.RLock())
        if not lock.acquire(blocking=False):
            yield None
            return
        try:
            try:
                con = _connect_file(self.path, read_only=False)
            except duckdb.Error:
                yield None
                return
            with _transaction(con):
                self._register_instrument(con)
                yield con
        finally:
            lock.release()

    def _register_instrument(self, con: duckdb.DuckDBPyConnection) -> None:
        ins = self.instrument
        rules = pl.DataFrame(
            {
                "dimension": ins.dimension_keys,
                "min_answered": [
                    ins.min_answered(d, self.settings.min_answered_share)
                    for d in ins.dimension_keys
                ],
            }
        )
        con.register("instrument_items", ins.items_frame())
        con.register("instrument_scale", ins.scale_frame())
        con.register("dimension_rules", rules)
        _run(con, query("define_macros"))

    def version(self) -> tuple[str, int, int]:
        """Changes whenever the store's content does: a cache key for the dashboard."""
        stat = self.path.stat()
        return (str(self.path.resolve()), stat.st_mtime_ns, stat.st_size)

    # -- schema --------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.reading() as con:
            return _schema_version(con)

    def _ensure_schema(self) -> None:
        if self.path.exists():
            with self._translated(write=False):
                con = self._connect(read_only=True)
                try:
                    current = _schema_version(con)
                finally:
                    con.close()
            if current > LATEST_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer version of socialkapital "
                    f"(schema {current}, this one knows {LATEST_VERSION})."
                )
            if current == LATEST_VERSION:
                return
        self.migrate()

    def migrate(self, target: int = LATEST_VERSION) -> None:
        """Bring the file up to ``target``, one migration at a time, each in the transaction."""
        with self.writing() as con:
            _run(con, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = _schema_version(con)
            for version, _name, sql in migrations():
                if current < version <= target:
                    _run(con, sql)
                    if version == PSEUDONYM_VERSION:
                        self._hash_plain_identifiers(con)
                    _run(con, "DELETE FROM schema_version")
                    _run(con, "INSERT INTO schema_version VALUES ($v)", {"v": version})
        if 0 < current < PSEUDONYM_VERSION <= target:
            self._rewrite()

    def _hash_plain_identifiers(self, con: duckdb.DuckDBPyConnection) -> None:
        """Replace the plain ids and e-mails an earlier version stored by person keys."""
        plain = _scalar(
            con,
            "SELECT (SELECT count(person_key) FROM respondents) + (SELECT count(*) FROM roster)",
        )
        if not plain:
            return  # nobody to hash: the key is made by the first write that needs it
        secret = _read_key(self.key_path) or _create_key(self.key_path)
        _define_pseudonym(con)
        _run(con, "UPDATE respondents SET person_key = pseudonym($s, person_key)", {"s": secret})
        _run(con, "UPDATE roster SET person_key = pseudonym($s, person_key)", {"s": secret})
        _record_fingerprint(con, secret)

    def _rewrite(self) -> None:
        """Copy the store into a new file and put that in its place.

        A value DuckDB overwrites or drops stays in the file's free blocks until they happen to
        be reused, so after the plain identifiers are hashed they could still be read from the
        bytes; a copy holds only the live data. The writer's lock is held while copying.
        """
        fresh = self.path.with_name(self.path.name + ".rewrite")
        with _one_writer(self.path), self._translated(write=True):
            try:
                for leftover in (fresh, _wal(fresh)):
                    leftover.unlink(missing_ok=True)
                con = self._connect(read_only=False)
                try:
                    catalog = _scalar(con, "SELECT current_database()")
                    _run(con, f"ATTACH {_quote_literal(str(fresh))} AS rewritten")
                    _run(con, f"COPY FROM DATABASE {quote_identifier(catalog)} TO rewritten")
                    _run(con, "DETACH rewritten")
                finally:
                    con.close()
                shutil.copymode(self.path, fresh)
                # A write-ahead log left beside the old file would be replayed into the new one.
                _wal(self.path).unlink(missing_ok=True)
                _wal(fresh).unlink(missing_ok=True)
                os.replace(fresh, self.path)
            except OSError as exc:
                raise file_problem(self.path, exc) from exc

    def _secret(self, con: duckdb.DuckDBPyConnection) -> str:
        """The key to hash identifiers with: the store's own, or a new one for a store that
        holds no person keys yet. Another key would hash the same person differently from
        earlier rounds, so a missing or different key file is refused while keys exist."""
        recorded = _scalar(con, "SELECT min(fingerprint) FROM pseudonym_key")
        secret = _read_key(self.key_path)
        if secret is not None and recorded == _fingerprint(secret):
            return secret
        held = _scalar(
            con,
            "SELECT EXISTS (SELECT 1 FROM respondents WHERE person_key IS NOT NULL)"
            " OR EXISTS (SELECT 1 FROM roster)",
        )
        if held:
            if secret is None:
                raise StoreError(
                    f"The key file {self.key_path} is missing. This store keeps people only as "
                    "keyed codes made with that file, and without it new imports cannot be "
                    "matched to the people of earlier rounds. Put the key file back beside the "
                    "store (from the backup of the store) and try again. Nothing was changed."
                )
            raise StoreError(
                f"The key file {self.key_path} is not the key this store was written with, so "
                "the same person would get a different code than in earlier rounds. Put the "
                "store's own key file back beside it (from the backup of the store) and try "
                "again. Nothing was changed."
            )
        secret = secret or _create_key(self.key_path)
        _record_fingerprint(con, secret)
        return secret

    # -- reading -------------------------------------------------------------------------

    def frame(self, name: str, **params: object) -> pl.DataFrame:
        """Run a named query and return a polars frame."""
        with self.reading() as con:
            return con.sql(query(name), params=params).pl()

    def counts(self) -> dict[str, int]:
        return self.frame("counts").row(0, named=True)

    def rounds(self) -> pl.DataFrame:
        return self.frame("rounds")

    def latest_round(self) -> str | None:
        rounds = self.rounds()
        return rounds["name"][0] if rounds.height else None

    def workplaces(self, round_name: str) -> list[str]:
        return self.frame("workplaces", round=round_name)["name"].to_list()

    def departments(self, round_name: str, workplace: str) -> list[str]:
        return self.frame("departments", round=round_name, workplace=workplace)["name"].to_list()

    def imports(self) -> pl.DataFrame:
        return self.frame("imports")

    def mapping_profiles(self) -> pl.DataFrame:
        return self.frame("mapping_profiles")

    def save_mapping_profile(self, name: str, source_format: str, mapping_toml: str) -> None:
        """Keep a column mapping under a name (a profile of the same name is replaced)."""
        with self.writing() as con:
            _run(con, "DELETE FROM mapping_profiles WHERE name = $name", {"name": name})
            _run(
                con,
                "INSERT INTO mapping_profiles VALUES ($name, $format, $mapping, $at)",
                {
                    "name": name,
                    "format": source_format,
                    "mapping": mapping_toml,
                    "at": datetime.now(),
                },
            )

    # -- writing -------------------------------------------------------------------------

    def existing_respondents(self, round_name: str, workplaces: list[str]) -> dict[str, int]:
        """Respondents an import of these workplaces into this round would replace, per
        workplace as the store spells it (names match in any case, as the import does).
        What to pass as ``replace=`` once the user has confirmed replacing them."""
        with self.reading() as con:
            return _round_respondents(con, round_name, workplaces)

    def replace_responses(
        self,
        responses: pl.DataFrame | Sequence[pl.DataFrame | ResponseFiles | ResponseTables],
        round_name: str,
        round_date: date | None,
        source: str,
        source_format: str,
        wordings: pl.DataFrame | None = None,
        *,
        replace: bool | Mapping[str, int] = False,
    ) -> ImportOutcome:
        """Store canonical responses, replacing the round's data for their workplaces.

        ``responses`` is a frame with columns workplace, department, respondent and q1..qN
        (codes or null), or several such frames and ``ResponseFiles`` (the bulk reader's
        checked rows on disk, inserted from SQL without a copy in Python) or
        ``ResponseTables`` (its rows in the connection ``importing`` holds, which then makes
        the write); every row has at least one answer (the importer drops non-respondents).
        ``wordings`` (workplace, item, wording) says how each question was put; the round
        also records the questionnaire version it was imported with.

        Responses already stored for the round in these workplaces are replaced only when
        ``replace`` says so: ``True`` (whatever is there, as ``--replace``) or the
        ``existing_respondents`` the user confirmed (exactly those). Otherwise, and when
        someone else's import landed in the meantime, ``RoundHasResponses`` is raised. The
        check is made inside the write transaction, so two imports at once cannot both pass it.
        """
        _require_name(round_name, "round")
        item_keys = self.instrument.item_keys
        parts = [responses] if isinstance(responses, pl.DataFrame) else list(responses)
        held = next((p.con for p in parts if isinstance(p, ResponseTables)), None)
        with self._writing_on(held) as con:
            incoming_mod.register(con, parts, item_keys)
            # Respondents, answers and ids per workplace: one pass over the incoming rows.
            counted = con.execute(
                "SELECT p.workplace, count(*), "
                + " + ".join(f"count(i.{quote_identifier(k)})" for k in item_keys)
                + ", count(i.respondent) FROM incoming i "
                "JOIN incoming_pairs p USING (pair) GROUP BY p.workplace"
            ).fetchall()
            per_workplace = {workplace: n for workplace, n, _, _ in counted}
            workplaces = sorted(per_workplace)
            existing = _round_respondents(con, round_name, workplaces)
            if not _confirmed(existing, replace):
                raise RoundHasResponses(round_name, existing)
            # The plain ids stay in the incoming rows (memory, or the reader's Parquet in a
            # temporary folder only its owner may read); only person keys are written.
            identified = any(ids for *_, ids in counted)
            secret = self._secret(con) if identified else None
            _define_pseudonym(con)
            round_id = _upsert_round(con, round_name, round_date)
            _pairs_in_reporting_groups(con, round_name)
            _upsert_names(con, "incoming_pairs")
            replaced = _delete_round_workplaces(con, round_id, workplaces)
            base = _scalar(con, "SELECT coalesce(max(respondent_id), 0) FROM respondents")
            # Names are matched in any case once per pair, not once per row.
            _run(
                con,
                """
                CREATE OR REPLACE TEMP TABLE incoming_departments AS
                SELECT p.pair, d.department_id
                FROM incoming_pairs p
                JOIN workplaces w ON lower(w.name) = lower(p.workplace)
                JOIN departments d ON d.workplace_id = w.workplace_id
                                  AND lower(d.name) = lower(p.department)
                """,
            )
            written = (
                f"SELECT {int(base)} + i.row AS respondent_id, m.department_id, "
                "i.* EXCLUDE (row, pair) FROM incoming i JOIN incoming_departments m USING (pair)"
            )
            # A respondent's answers are kept in their row, as the list of codes in the
            # instrument's item order (codes[n] is item n's; items are numbered 1, 2 ...).
            codes = ", ".join(quote_identifier(k) for k in item_keys)
            _run(
                con,
                f"""
                INSERT INTO respondents
                SELECT respondent_id, $round_id, department_id,
                       pseudonym({_secret_literal(secret)}, respondent), [{codes}]::TINYINT[]
                FROM ({written})
                """,
                {"round_id": round_id},
            )
            _record_questionnaire(con, round_id, self.instrument.version, wordings)
            _log_import(con, round_id, "responses", source, source_format, per_workplace)
            # The figures' sums of the departments just written, kept with them: the first
            # view of the round then reads sums instead of every answer (figure_store). They
            # are made from the incoming rows, one pass with no join over the answers.
            figure_store.keep_written(self, con, round_id, written)
        respondents = sum(per_workplace.values())
        answers = sum(n for _, _, n, _ in counted)
        return ImportOutcome(round_name, workplaces, int(respondents), int(answers), replaced)

    def replace_roster(
        self,
        roster: pl.DataFrame,
        workplace: str,
        round_name: str,
        round_date: date | None,
        source: str,
        *,
        create: bool = False,
    ) -> int:
        """Store the invitation list of one workplace for a round: per invited person the
        department and a person key made from the e-mail; names are not stored.

        The workplace (in any case) and the round must be known already: a misspelt name would
        otherwise become a workplace nobody answered in, lowering the response rate of all
        sites, and a round of its own. ``UnknownWorkplace`` or ``UnknownRound`` is raised
        unless ``create`` (as for a roster loaded before its round's answers).
        """
        _require_name(round_name, "round")
        _require_name(workplace, "workplace")
        incoming = roster.select(pl.lit(workplace).alias("workplace"), "department", "email")
        with self.writing() as con:
            if not create:
                _require_known(con, round_name, workplace)
            secret = self._secret(con)
            _define_pseudonym(con)
            round_id = _upsert_round(con, round_name, round_date)
            con.register("incoming", _in_reporting_groups(con, round_name, incoming))
            _upsert_names(con)
            _run(
                con,
                """
                DELETE FROM roster WHERE round_id = $round_id AND workplace_id IN
                    (SELECT workplace_id FROM workplaces WHERE lower(name) = lower($workplace))
                """,
                {"round_id": round_id, "workplace": workplace},
            )
            _run(
                con,
                """
                INSERT INTO roster
                SELECT $round_id, w.workplace_id, d.department_id, pseudonym($secret, i.email)
                FROM incoming i
                JOIN workplaces w ON lower(w.name) = lower(i.workplace)
                LEFT JOIN departments d ON d.workplace_id = w.workplace_id
                                       AND lower(d.name) = lower(i.department)
                """,
                {"round_id": round_id, "secret": secret},
            )
            _log_import(con, round_id, "roster", source, "roster", {workplace: incoming.height})
        return incoming.height


def _in_reporting_groups(
    con: duckdb.DuckDBPyConnection, round_name: str, incoming: pl.DataFrame
) -> pl.DataFrame:
    """``incoming`` with each department of the round's layout renamed to its reporting
    group (issue 18), in the write's transaction: its answers are stored under the group."""
    layout = con.sql(query("round_layout"), params={"round": round_name}).pl()
    if not layout.height:
        return incoming
    keys = ["_w", "_d"]
    return (
        incoming.with_columns(
            pl.col("workplace").str.to_lowercase().alias("_w"),
            pl.col("department").str.to_lowercase().alias("_d"),
        )
        .join(layout, on=keys, how="left", maintain_order="left")
        .with_columns(pl.coalesce("reporting_group", "department").alias("department"))
        .drop(*keys, "reporting_group")
    )


def _pairs_in_reporting_groups(con: duckdb.DuckDBPyConnection, round_name: str) -> None:
    """``incoming_pairs`` with each department of the round's layout renamed to its reporting
    group (issue 18), in the write's transaction: its answers are stored under the group."""
    _run(
        con,
        f"""
        UPDATE incoming_pairs SET department = l.reporting_group
        FROM ({subquery("round_layout")}) l
        WHERE l._w = lower(incoming_pairs.workplace) AND l._d = lower(incoming_pairs.department)
        """,
        {"round": round_name},
    )


# -- refusals ------------------------------------------------------------------------------


def _require_name(name: str, field: str) -> None:
    if not name or not name.strip():
        raise BlankName(field)


def _round_respondents(
    con: duckdb.DuckDBPyConnection, round_name: str, workplaces: list[str]
) -> dict[str, int]:
    """Respondents stored for the round per workplace of these (matched in any case)."""
    found = con.execute(
        query("round_respondents"),
        {"round": round_name, "workplaces": [w.lower() for w in workplaces]},
    ).fetchall()
    return {workplace: int(count) for workplace, count in found}


def _confirmed(existing: dict[str, int], replace: bool | Mapping[str, int]) -> bool:
    """Whether replacing what is stored was confirmed: all of it, or these very counts."""
    if isinstance(replace, bool):
        return replace or not existing
    confirmed = {w.lower(): n for w, n in replace.items()}
    return all(confirmed.get(w.lower()) == n for w, n in existing.items())


def _require_known(con: duckdb.DuckDBPyConnection, round_name: str, workplace: str) -> None:
    """Refuse a round or workplace the store does not know."""
    rounds = [r[0] for r in con.execute(query("round_names")).fetchall()]
    if round_name not in rounds:
        raise UnknownRound(round_name, rounds)
    workplaces = [r[0] for r in con.execute(query("workplace_names")).fetchall()]
    if workplace.lower() not in {w.lower() for w in workplaces}:
        raise UnknownWorkplace(workplace, workplaces)


# -- file trouble ----------------------------------------------------------------------------

# DuckDB's Python module opens a file's database on the first connection and only then
# adds its own table functions to it (python_arrow_scan, which ``register`` needs); a
# second thread connecting in that moment could get the database without them and fail
# with "Table Function with name python_arrow_scan does not exist" (seen twice in the
# two-imports-at-once test on a busy machine). Connections are opened one at a time.
_CONNECTING = threading.Lock()
_SHARED = threading.local()  # cons: {store path: the connection its reads share (sharing_reads)}


def _connect_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    with _CONNECTING:
        return duckdb.connect(str(path), read_only=read_only)


_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


@contextmanager
def _one_writer(path: Path) -> Iterator[None]:
    """Hold this process's lock on writing to the store at ``path`` (one per file)."""
    with _WRITERS_GUARD:
        lock = _WRITERS.setdefault(os.path.realpath(path), threading.RLock())
    if not lock.acquire(timeout=_WRITE_RETRIES * _BUSY_WAIT_S):
        raise StoreBusy(
            f"The store {path} is busy (this program is writing to it). Try again in a moment."
        )
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _transaction(
    con: duckdb.DuckDBPyConnection, close: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on ``con``, which is then closed unless ``close`` is false: all of it
    lands, or none."""
    try:
        con.begin()
        yield con
        con.commit()
    except BaseException:
        _rollback(con)
        raise
    finally:
        if close:
            con.close()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, unless DuckDB already has: a commit that fails ends the transaction."""
    with suppress(duckdb.Error):
        con.rollback()


# -- person keys -------------------------------------------------------------------------

# Trimmed (spaces, tabs, line ends, no-break spaces) and lower-cased, so that " Anna@X.dk"
# and "anna@x.dk" are one person. ``trim`` with a set of characters is slow in DuckDB, so it
# is asked only of an id that starts or ends with one of them (a third less time in all).
_BLANKS = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"
_BLANK_CODES = "(32, 9, 10, 13, 160)"
# The key is hashed in twice, HMAC-like: sha256(key || message) alone can be extended (from
# the hash of key || m, anyone can compute the hash of key || m || padding || more without
# the key), and DuckDB has no HMAC built in. Without a key at all, an e-mail's hash could be
# undone by hashing a list of the workplace's e-mails. Done in SQL: a million ids at once.
_PSEUDONYM_MACRO = f"""
CREATE OR REPLACE TEMP MACRO person_id(id) AS (
    CASE WHEN unicode(lower(id)) IN {_BLANK_CODES}
              OR unicode(right(lower(id), 1)) IN {_BLANK_CODES}
         THEN trim(lower(id), {_BLANKS}) ELSE lower(id) END
);
CREATE OR REPLACE TEMP MACRO keyed(secret, normal) AS (
    CASE WHEN normal IS NULL OR normal = '' THEN NULL
         ELSE sha256(secret || sha256(secret || normal)) END
);
CREATE OR REPLACE TEMP MACRO pseudonym(secret, id) AS keyed(secret, person_id(id));
"""


def _define_pseudonym(con: duckdb.DuckDBPyConnection) -> None:
    """The ``pseudonym(secret, id)`` macro, for this connection only (a temp macro)."""
    _run(con, _PSEUDONYM_MACRO)


def _secret_literal(secret: str | None) -> str:
    """The key as a SQL literal: DuckDB hashes a million ids faster with the key written
    into the statement than passed as a parameter. The key is 64 hex digits (``_read_key``)."""
    if secret is None:
        return "NULL"
    if len(secret) != 64 or any(c not in "0123456789abcdef" for c in secret):
        raise StoreError("the key is not 64 hexadecimal digits")
    return f"'{secret}'"


def person_keys(secret: str, ids: list[str | None]) -> list[str | None]:
    """The person keys the store makes of these ids with this key (None for a blank id)."""
    con = duckdb.connect()
    try:
        _define_pseudonym(con)
        con.register("ids", pl.DataFrame({"id": ids}, schema={"id": pl.String}).with_row_index())
        rows = con.execute(
            "SELECT pseudonym($s, id) FROM ids ORDER BY index", {"s": secret}
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def _fingerprint(secret: str) -> str:
    """What the store records of its key: enough to recognise it, useless to hash with."""
    return hashlib.sha256((secret + "fingerprint").encode()).hexdigest()


def _record_fingerprint(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    _run(con, "DELETE FROM pseudonym_key")
    _run(con, "INSERT INTO pseudonym_key VALUES ($f)", {"f": _fingerprint(secret)})


def _read_key(path: Path) -> str | None:
    """The key in the file beside the store, or None when there is no such file."""
    try:
        secret = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"The key file {path} cannot be read: {exc}") from exc
    if len(secret) != 64 or any(c not in "0123456789abcdef" for c in secret):
        raise StoreError(f"The key file {path} does not hold a key (64 hexadecimal digits).")
    return secret


def _create_key(path: Path) -> str:
    """A new key of 32 random bytes, written as hex to a file only its owner may read."""
    secret = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made a moment ago by another program: use that one
        return _read_key(path) or _create_key(path)
    except OSError as exc:
        raise file_problem(path, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secret + "\n")
            out.flush()
            os.fsync(out.fileno())  # on disk before the store records its fingerprint
    except OSError as exc:
        path.unlink(missing_ok=True)  # half a key would be refused from now on
        raise file_problem(path, exc) from exc
    return secret


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> None:
    """Execute a statement and consume its result (DuckDB wants it fetched before the next)."""
    con.execute(sql, params or {}).fetchall()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """The first value of a query's first row (None when there is no row)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = _scalar(
        con,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'",
    )
    if not exists:
        # A file with tables of ours but no version table predates versioning: refuse it.
        tables = _scalar(con, "SELECT count(*) FROM information_schema.tables")
        if tables:
            raise StoreError("the file holds tables but is not a socialkapital store")
        return 0
    return int(_scalar(con, "SELECT max(version) FROM schema_version") or 0)


def _upsert_round(con: duckdb.DuckDBPyConnection, name: str, when: date | None) -> int:
    found = _scalar(con, "SELECT round_id FROM rounds WHERE name = $n", {"n": name})
    if found is not None:
        if when is not None:
            _run(con, "UPDATE rounds SET date = $d WHERE round_id = $id", {"d": when, "id": found})
        return int(found)
    new_id = _scalar(con, "SELECT coalesce(max(round_id), 0) + 1 FROM rounds")
    _run(con, "INSERT INTO rounds VALUES ($id, $n, $d)", {"id": new_id, "n": name, "d": when})
    return int(new_id)


def _upsert_names(con: duckdb.DuckDBPyConnection, names: str = "incoming") -> None:
    """Add the workplaces and departments of the relation ``names`` (workplace, department:
    the registered ``incoming`` frame, or ``incoming_pairs``) that are new.

    Names match case-insensitively; the spelling first stored is kept.
    """
    _run(
        con,
        f"""
        INSERT INTO workplaces (workplace_id, name)
        SELECT (SELECT coalesce(max(workplace_id), 0) FROM workplaces)
               + row_number() OVER (ORDER BY name), name
        FROM (SELECT min(workplace) AS name FROM {names} GROUP BY lower(workplace))
        WHERE lower(name) NOT IN (SELECT lower(name) FROM workplaces)
        """,
    )
    _run(
        con,
        f"""
        INSERT INTO departments
        SELECT (SELECT coalesce(max(department_id), 0) FROM departments)
               + row_number() OVER (ORDER BY w.workplace_id, n.name), w.workplace_id, n.name
        FROM (SELECT min(workplace) AS workplace, min(department) AS name
              FROM {names} WHERE department IS NOT NULL
              GROUP BY lower(workplace), lower(department)) n
        JOIN workplaces w ON lower(w.name) = lower(n.workplace)
        WHERE NOT EXISTS (SELECT 1 FROM departments d
                          WHERE d.workplace_id = w.workplace_id
                            AND lower(d.name) = lower(n.name))
        """,
    )


def _delete_round_workplaces(
    con: duckdb.DuckDBPyConnection, round_id: int, workplaces: list[str]
) -> int:
    """Remove a round's respondents of these workplaces; return how many there were."""
    _run(
        con,
        """
        CREATE OR REPLACE TEMP TABLE doomed AS
        SELECT r.respondent_id FROM respondents r
        JOIN departments d ON d.department_id = r.department_id
        JOIN workplaces w ON w.workplace_id = d.workplace_id
        WHERE r.round_id = $round_id AND list_contains($names, lower(w.name))
        """,
        {"round_id": round_id, "names": [w.lower() for w in workplaces]},
    )
    doomed = _scalar(con, "SELECT count(*) FROM doomed")
    _run(con, "DELETE FROM respondents WHERE respondent_id IN (SELECT respondent_id FROM doomed)")
    _run(con, "DROP TABLE doomed")
    _run(
        con,
        """
        DELETE FROM item_wordings WHERE round_id = $round_id AND workplace_id IN (
            SELECT workplace_id FROM workplaces WHERE list_contains($names, lower(name)))
        """,
        {"round_id": round_id, "names": [w.lower() for w in workplaces]},
    )
    return int(doomed)


def _record_questionnaire(
    con: duckdb.DuckDBPyConnection, round_id: int, version: str, wordings: pl.DataFrame | None
) -> None:
    """The questionnaire version of the round, and the wordings of the imported workplaces."""
    _run(con, "DELETE FROM round_instruments WHERE round_id = $r", {"r": round_id})
    _run(con, "INSERT INTO round_instruments VALUES ($r, $v)", {"r": round_id, "v": version})
    if wordings is None or not wordings.height:
        return
    con.register("incoming_wordings", wordings)
    _run(
        con,
        """
        INSERT INTO item_wordings
        SELECT $r, w.workplace_id, i.item, i.wording
        FROM incoming_wordings i
        JOIN workplaces w ON lower(w.name) = lower(i.workplace)
        """,
        {"r": round_id},
    )


def _log_import(
    con: duckdb.DuckDBPyConnection,
    round_id: int,
    kind: str,
    source: str,
    source_format: str,
    per_workplace: dict[str, int],
) -> None:
    """One line per workplace (as the file spells it) with the rows it brought, numbered
    in the order of the names: one statement, however many workplaces."""
    named = pl.DataFrame(
        {"workplace": list(per_workplace), "rows": list(per_workplace.values())},
        schema={"workplace": pl.String, "rows": pl.Int64},
    )
    con.register("import_rows", named)
    _run(
        con,
        """
        INSERT INTO imports
        SELECT (SELECT coalesce(max(import_id), 0) FROM imports)
               + row_number() OVER (ORDER BY i.workplace), $round_id, w.workplace_id, $kind,
               $source, $format, i.rows, $at
        FROM import_rows i JOIN workplaces w ON lower(w.name) = lower(i.workplace)
        """,
        {
            "round_id": round_id,
            "kind": kind,
            "source": source,
            "format": source_format,
            "at": datetime.now(),
        },
    )
    con.unregister("import_rows")
