"""``socialkapital kit``: writes the chosen format, never over an existing file without
--force, refuses unknown formats and languages, and needs no store."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from socialkapital.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def no_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(tmp_path / "none.duckdb"))
    return tmp_path


def test_writes_the_file_and_leaves_an_existing_one_alone(no_store):
    out = no_store / "skema.xlsx"
    args = ["kit", "--workplace", "Mejeri Øst", "--round", "Forår 2026", "--format", "xlsx"]
    first = run(*args, "--out", out)
    assert first.exit_code == 0, first.output
    assert f"Spørgeskemaet er skrevet til {out}." in first.output
    assert "skrive sin afdeling" in first.output  # no store: a typed department
    assert not (no_store / "none.duckdb").exists()  # nothing made by a kit
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book["Afdelinger"]["A2"].value.startswith("(fritekst")
    out.write_bytes(b"edited by hand")
    again = run(*args, "--out", out)
    assert again.exit_code == 2 and "--force" in again.output
    assert out.read_bytes() == b"edited by hand"
    forced = run(*args, "--out", out, "--force", "--lang", "en")
    assert forced.exit_code == 0 and "The questionnaire is written to" in forced.output
    assert load_workbook(io.BytesIO(out.read_bytes())).sheetnames[0] == "Statements"


def test_the_default_name_says_workplace_and_round(no_store, monkeypatch):
    monkeypatch.chdir(no_store)
    result = run("kit", "--workplace", "Mejeri Øst", "--round", "Forår 2026", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert (no_store / "spørgeskema Mejeri Øst Forår 2026.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--format", "docx", "lss, qsf, gforms, xlsx, pdf"), ("--lang", "de", "da or en")],
)
def test_unknown_format_or_language_is_refused(no_store, option, value, said):
    args = {"--format": "lss", "--lang": "da", option: value}
    result = run("kit", "--workplace", "W", "--round", "R", *[x for kv in args.items() for x in kv])
    assert result.exit_code == 2 and said in result.output
