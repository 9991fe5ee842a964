"""Shared fixtures: the instrument, a fresh store per test, and template files built in tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest

from queries.store import Store
from socialkapital import instrument as instrument_mod
from socialkapital.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
ITEM_KEYS = [f"q{i}" for i in range(1, 22)]


@pytest.fixture(autouse=True, scope="session")
def _no_machine_secrets():
    """A developer's own .streamlit/secrets.toml (sign-in set up) must not turn every
    AppTest into a sign-in page: tests say which secrets they mean."""
    from streamlit import config

    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(Path("/nonexistent/secrets.toml"))])
    yield
    config.set_option("secrets.files", before)


@pytest.fixture(scope="session")
def ins() -> instrument_mod.Instrument:
    return instrument_mod.load()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "test.duckdb")


@pytest.fixture
def make_store(tmp_path: Path):
    """A store with chosen settings (e.g. a lower anonymity threshold)."""

    def make(threshold: int = 5, share: float = 0.5, name: str = "s.duckdb", **more) -> Store:
        return Store(tmp_path / name, settings=Settings(threshold, share, **more))

    return make


def template_rows(
    rows: Sequence[tuple[str, str, Sequence[object]]], with_id: bool = True
) -> list[list[str]]:
    """Template records from (workplace, department, 21 answers) tuples; None -> blank."""
    header = ["workplace", "department", *(["respondent"] if with_id else []), *ITEM_KEYS]
    records = [header]
    for i, (workplace, department, answers) in enumerate(rows):
        cells = ["" if a is None else str(a) for a in answers]
        ident = [f"person{i}@example.dk"] if with_id else []
        records.append([workplace, department, *ident, *cells])
    return records


def to_csv(records: list[list[str]], sep: str = ",", encoding: str = "utf-8") -> bytes:
    """Write records as CSV text, quoting like a spreadsheet does."""
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(records)
    return buffer.getvalue().encode(encoding)


def to_xlsx(records: list[list[str]], sheet: str = "Svar") -> bytes:
    frame = pl.DataFrame(records[1:], schema=records[0], orient="row")
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=sheet)
    return buffer.getvalue()


def shared_path(*parts: str) -> Path:
    """A file of ../shared; tests using it skip when the folder is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (only on the team's machines)")
    return path
