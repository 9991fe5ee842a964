"""`socialkapital workplace set|show|list` and the facts in `summary --json` (issue 18 item 1)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from socialkapital.cli import app
from tests.conftest import template_rows, to_csv

runner = CliRunner()
ROUND = "Forår 2026"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db(tmp_path, monkeypatch):
    """Two workplaces, each above the threshold."""
    path = tmp_path / "facts.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6
    rows += [("Plejehjem Å", "Dagvagt", [3] * 21)] * 6
    answers = tmp_path / "svar.csv"
    answers.write_bytes(to_csv(template_rows(rows)))
    assert run("import", answers, "--round", ROUND).exit_code == 0
    return path


def workplace_groups(*args) -> dict:
    result = run("summary", "--json", *args)
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    return {g["workplace"]: g for g in groups if g["workplace"] and g["department"] is None}


def test_set_show_and_summary_round_trip(db):
    result = run(
        "workplace", "set", "mejeri øst", "--cvr", "12 34 56 74", "--industry", "c",
        "--employees", 40, "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "The facts of Mejeri Øst are saved." in result.stdout
    shown = run("workplace", "show", "Mejeri Øst", "--json", "--lang", "en")
    assert json.loads(shown.stdout) == {
        "workplace": "Mejeri Øst",
        "cvr": "12345674",
        "industry": {"code": "C", "name": "Manufacturing"},
        "employees": 40,
    }
    plain = run("workplace", "show", "Mejeri Øst").stdout
    assert "12345674" in plain and "C Fremstillingsvirksomhed" in plain and "40" in plain

    groups = workplace_groups()
    assert groups["Mejeri Øst"]["facts"] == {
        "cvr": "12345674",
        "industry": {"code": "C", "name": "Fremstillingsvirksomhed"},
        "employees": 40,
    }
    # Nothing set: every fact unknown.
    assert groups["Plejehjem Å"]["facts"] == {"cvr": None, "industry": None, "employees": None}

    # Only what is given changes; "" and 0 clear.
    assert run("workplace", "set", "Mejeri Øst", "--employees", 41).exit_code == 0
    again = json.loads(run("workplace", "show", "Mejeri Øst", "--json").stdout)
    assert again["cvr"] == "12345674" and again["employees"] == 41
    assert run("workplace", "set", "Mejeri Øst", "--cvr", "", "--employees", 0).exit_code == 0
    cleared = json.loads(run("workplace", "show", "Mejeri Øst", "--json").stdout)
    assert cleared["cvr"] is None and cleared["employees"] is None
    assert cleared["industry"]["code"] == "C"

    listed = run("workplace", "list").stdout.splitlines()
    assert listed == ["Mejeri Øst\t–\tC\t–", "Plejehjem Å\t–\t–\t–"]


def test_an_unknown_workplace_is_refused_with_the_known_ones(db):
    result = run("workplace", "set", "Mejeri Vest", "--cvr", "12345674", "--lang", "en")
    assert result.exit_code == 2
    assert "Mejeri Vest" in result.output and "Mejeri Øst" in result.output
    # No workplace was made.
    assert run("workplace", "list").stdout.count("\n") == 2
    assert run("workplace", "show", "Mejeri Vest").exit_code == 2


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--cvr", "12345678", "»12345678« er ikke et gyldigt CVR-nummer"),
        ("--cvr", "1234 567", "»1234 567« er ikke et CVR-nummer"),
        ("--industry", "Z", "»Z« er ikke en branche"),
        ("--employees", "-5", "»-5« er ikke et antal ansatte"),
    ],
)
def test_bad_facts_are_refused_naming_the_value(db, option, value, words):
    result = run("workplace", "set", "Mejeri Øst", option, value)
    assert result.exit_code == 2
    assert words in result.output
    shown = json.loads(run("workplace", "show", "Mejeri Øst", "--json").stdout)
    assert shown == {"workplace": "Mejeri Øst", "cvr": None, "industry": None, "employees": None}


def test_users_set_facts_only_in_their_scope_and_see_none_of_others(db):
    assert run("workplace", "set", "Plejehjem Å", "--cvr", "10000009").exit_code == 0
    add = ["users", "add"]
    assert run(*add, "c@x.dk", "--role", "consultant", "--workplace", "Mejeri Øst").exit_code == 0
    assert run(*add, "m@x.dk", "--role", "management", "--workplace", "Mejeri Øst").exit_code == 0

    ok = run("workplace", "set", "Mejeri Øst", "--employees", 12, "--user", "c@x.dk")
    assert ok.exit_code == 0, ok.output
    other = run("workplace", "set", "Plejehjem Å", "--employees", 3, "--user", "c@x.dk")
    assert other.exit_code == 2
    no_right = run("workplace", "set", "Mejeri Øst", "--employees", 3, "--user", "m@x.dk")
    assert no_right.exit_code == 2
    assert run("workplace", "show", "Plejehjem Å", "--user", "m@x.dk").exit_code == 2
    assert run("workplace", "list", "--user", "m@x.dk").stdout.startswith("Mejeri Øst\t")
    assert "Plejehjem" not in run("workplace", "list", "--user", "m@x.dk").stdout

    groups = workplace_groups("--user", "m@x.dk")
    assert groups["Mejeri Øst"]["facts"]["employees"] == 12
    stand_ins = [g for name, g in groups.items() if name != "Mejeri Øst"]
    assert stand_ins and all(g["facts"] is None for g in stand_ins)
    assert "10000009" not in run("summary", "--json", "--user", "m@x.dk").stdout
