"""The socialkapital command line, as a consultant's script would use it."""

from __future__ import annotations

import json

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
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6
    rows += [("Mejeri Øst", "Lager", [2] * 21)] * 3
    rows += [("Mejeri Øst", "Pakkeri", [5] * 21)] * 7
    rows += [("Plejehjem Å", "Nattevagt", [3] * 21)] * 5
    path = tmp_path / "svar.csv"
    path.write_bytes(to_csv(template_rows(rows)))
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_import_then_summary_json(db, answers, tmp_path):
    result = run("import", answers, "--round", "Forår 2026", "--date", "2026-03-31", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "21 responses" in result.output
    roster = tmp_path / "liste.txt"
    roster.write_text("\n".join(f"p{i}@x.dk;P{i};Køkken" for i in range(8)), encoding="utf-8")
    assert (
        run("roster", roster, "--workplace", "Mejeri Øst", "--round", "Forår 2026").exit_code == 0
    )

    result = run("summary", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["round"] == "Forår 2026" and data["anonymity_threshold"] == 5
    groups = {(g["workplace"], g["department"]): g for g in data["groups"]}
    assert set(groups) == {
        (None, None),
        ("Mejeri Øst", None),
        ("Plejehjem Å", None),
        ("Mejeri Øst", "Køkken"),
        ("Mejeri Øst", "Lager"),
        ("Mejeri Øst", "Pakkeri"),
        ("Plejehjem Å", "Nattevagt"),
    }
    kitchen = groups[("Mejeri Øst", "Køkken")]
    assert kitchen["invited"] == 8 and kitchen["response_rate"] == pytest.approx(0.75)
    # Hidden: it protects Lager. The interval is hidden with the mean.
    assert kitchen["dimensions"]["team"] == {"mean": None, "n": 6, "ci95": None}
    pakkeri = groups[("Mejeri Øst", "Pakkeri")]
    assert pakkeri["dimensions"]["leader"] == {"mean": 100.0, "n": 7, "ci95": [100.0, 100.0]}
    assert pakkeri["overall"] == 100.0
    assert len(pakkeri["items"]) == 21 and pakkeri["items"][0] == {"item": 1, "mean": 100.0, "n": 7}
    lager = groups[("Mejeri Øst", "Lager")]
    assert lager["suppressed"] and lager["respondents"] == 3 and lager["overall"] is None
    assert all(d["mean"] is None for d in lager["dimensions"].values())
    assert all(i["mean"] is None for i in lager["items"])
    # (6*75 + 3*25 + 7*100) / 16 for the whole dairy, every person answered alike.
    assert groups[("Mejeri Øst", None)]["overall"] == pytest.approx(1225 / 16)
    assert groups[(None, None)]["respondents"] == 21


def test_reimport_needs_replace_and_never_doubles(db, answers):
    assert run("import", answers, "--round", "R").exit_code == 0
    again = run("import", answers, "--round", "R")
    assert again.exit_code == 1
    assert "--replace" in again.output
    replaced = run("import", answers, "--round", "R", "--replace", "--lang", "en")
    assert replaced.exit_code == 0
    assert "Replaced 21 earlier responses" in replaced.output
    data = json.loads(run("summary", "--json").output)
    assert data["groups"][0]["respondents"] == 21


def test_a_bad_file_is_refused_with_its_problems(db, tmp_path):
    records = template_rows([("W", "D", [4] * 21)] * 5)
    records[3][10] = "Måske"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv(records))
    result = run("import", bad, "--round", "R", "--lang", "en")
    assert result.exit_code == 2
    assert "bad.csv, row 4, column “q8”" in result.output
    assert "'Måske'" in result.output
    assert "ingen måling" in run("summary").output  # in the default language


def test_summary_table_in_danish(db, answers):
    run("import", answers, "--round", "R")
    out = run("summary", "--workplace", "Mejeri Øst").output
    assert "Anonymitetsgrænse" in out
    assert "76,6" not in out and "77" in out  # whole numbers, Danish style
    assert "Plejehjem" not in out


def test_demo_loads_once(db, tmp_path):
    out = tmp_path / "demo"
    first = run("demo", "--out", out, "--load", "--if-empty", "--respondents", "500")
    assert first.exit_code == 0, first.output
    assert (out / "maaling-foraar-2026.csv").exists()
    second = run("demo", "--out", out, "--load", "--if-empty")
    assert "allerede data" in second.output
    data = json.loads(run("summary", "--json").output)
    assert 400 < data["groups"][0]["respondents"] < 600


def test_template_command(tmp_path):
    out = tmp_path / "t.csv"
    assert run("template", "--out", out, "--lang", "en").exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfworkplace,department,respondent,q1")
