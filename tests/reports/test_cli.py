"""``socialkapital report``, as a consultant's script would run it."""

from __future__ import annotations

import zipfile

import pytest
from typer.testing import CliRunner

from socialkapital.cli import app
from tests.reports.conftest import ROUND, SITE, pdf_text

runner = CliRunner()


@pytest.fixture
def db(small, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(small.path))
    return small.path


def run(*args):
    return runner.invoke(app, ["report", "--round", ROUND, "--workplace", SITE, *map(str, args)])


def test_one_department(db, tmp_path):
    out = tmp_path / "køkken.pdf"
    result = run("--department", "Køkken", "--lang", "en", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"The report was written to {out}." in result.output
    words = pdf_text(out.read_bytes())
    assert "Overall social capital Køkken 73 Whole workplace 69" in words


def test_the_whole_workplace_with_an_explicit_store(small, tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALKAPITAL_DB", raising=False)
    out = tmp_path / "hele"
    result = run("--db", small.path, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Lager 3 75 % skjult: færre end 5 besvarelser" in pdf_text(
        (tmp_path / "hele.pdf").read_bytes()
    )


def test_all_as_a_zip_lists_the_skipped(db, tmp_path):
    out = tmp_path / "alle.zip"
    result = run("--all", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"4 rapporter er skrevet til {out}." in result.output
    assert (
        "Lager: ingen rapport – der er kun 3 besvarelser, og der skal mindst 5 til, "
        "for at ingen kan genkendes." in result.output
    )
    assert "Vask: ingen rapport" not in result.output
    with zipfile.ZipFile(out) as archive:
        assert "Køkken.pdf" in archive.namelist()
        assert "Lager.pdf" not in archive.namelist()


def test_a_department_below_the_threshold_gets_nothing(db, tmp_path):
    out = tmp_path / "lager.pdf"
    result = run("--department", "Lager", "--out", out)
    assert result.exit_code == 1
    assert "der skal mindst 5 til" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--department", "Køkken", "--all"], 2, "--department eller --all"),
        (["--department", "Kantine"], 1, "Der er ingen afdeling »Kantine«"),
        (["--lang", "de"], 2, "--lang 'de'"),
    ],
)
def test_refusals(db, tmp_path, args, code, message):
    result = run(*args, "--out", tmp_path / "x.pdf")
    assert result.exit_code == code
    assert message in result.output
