"""Issue 16 on the command line: a round or workplace without a name, and ZIP files that
are not what they say, are refused with a message (exit 2), never stored or a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from typer.testing import CliRunner

from socialkapital.cli import app
from tests.conftest import template_rows, to_csv

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    return path


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(to_csv(template_rows([("Mejeri Øst", "Køkken", [4] * 21)] * 6)))
    return path


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "liste.txt"
    path.write_text("\n".join(f"p{i}@x.dk;P{i};Køkken" for i in range(8)), encoding="utf-8")
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def refused(result, *said: str) -> None:
    """Exit 2 with a message, not a traceback, saying each of ``said``."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for words in said:
        assert words in result.output


@pytest.mark.parametrize("name", ["", "   "])
def test_import_refuses_a_round_without_a_name(db, answers, name):
    refused(run("import", answers, "--round", name, "--lang", "en"), "--round is empty")
    refused(run("import", answers, "--round", name), "--round er tom")


@pytest.mark.parametrize("name", ["", "  \t"])
def test_roster_refuses_a_round_without_a_name(db, roster, name):
    result = run("roster", roster, "--workplace", "Mejeri Øst", "--round", name, "--lang", "en")
    refused(result, "--round is empty")


@pytest.mark.parametrize("name", ["", "  ", "\x1b\x07"])
def test_roster_refuses_a_workplace_without_a_name(db, roster, name):
    result = run("roster", roster, "--workplace", name, "--round", "Forår 2026", "--lang", "en")
    refused(result, "--workplace is empty")


@pytest.mark.parametrize("name", [" ", "\x1b\x07"])
def test_import_refuses_an_empty_workplace_option(db, answers, name):
    result = run("import", answers, "--round", "R", "--workplace", name, "--lang", "en")
    refused(result, "--workplace is empty")


def test_import_refuses_a_round_of_control_characters(db, answers):
    refused(run("import", answers, "--round", "\x1b\x07", "--lang", "en"), "--round is empty")


def test_an_empty_zip_is_refused(db, tmp_path):
    path = tmp_path / "tom.zip"
    with zipfile.ZipFile(path, "w"):
        pass
    refused(run("import", path, "--round", "R", "--lang", "en"), "the ZIP file holds no files")


def test_random_bytes_named_zip_are_refused(db, tmp_path):
    path = tmp_path / "svar.zip"
    path.write_bytes(bytes(range(256)) * 8)
    result = run("import", path, "--round", "R", "--lang", "en")
    refused(result, "svar.zip", "is not a ZIP file")


def test_a_zip_of_answers_still_imports(db, answers, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(answers, "eksport/svar.csv")
    path = tmp_path / "eksport.zip"
    path.write_bytes(buffer.getvalue())
    result = run("import", path, "--round", "R", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "6 responses" in result.output
