"""`socialkapital groups propose|accept|show|clear` and the proposals after `roster`
(issue 18); only roles that import may plan a layout."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from socialkapital.cli import app
from tests.conftest import template_rows, to_csv

runner = CliRunner()
R = "Forår 2026"
W = "Mejeri Øst"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "groups.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    return path


@pytest.fixture
def roster_file(tmp_path):
    """4 managers, 36 in administration, 26 cleaners, 60 in the warehouse."""
    sizes = {"Direktion": 4, "Administration": 36, "Rengøring": 26, "Lager": 60}
    lines = [f"{d[:3].lower()}{i}@x.dk;Navn;{d}" for d, n in sizes.items() for i in range(n)]
    path = tmp_path / "liste.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_roster_import_prints_the_proposals(db, roster_file):
    result = run("roster", roster_file, "--workplace", W, "--round", R, "--create")
    assert result.exit_code == 0, result.output
    # 4 × 80 % = 3.2 -> 3 answers expected: too few, and cleaning (26 -> 20) goes with it.
    assert (
        "Direktion (4 inviterede, ca. 3 svar) får for få svar til at blive vist. "
        "For at beskytte den skjules også Rengøring (26 inviterede, ca. 20 svar)."
    ) in result.output
    assert "slå Direktion sammen med Rengøring til »Direktion + Rengøring«" in result.output
    assert "Regnet med, at 80 % af de inviterede svarer" in result.output
    assert f'socialkapital groups accept --workplace "{W}" --round "{R}"' in result.output


def test_propose_accept_show_and_clear(db, roster_file):
    assert run("roster", roster_file, "--workplace", W, "--round", R, "--create").exit_code == 0
    result = run("groups", "propose", "--workplace", W, "--round", R, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["basis"] == "roster" and data["expected_response_rate"] == 0.8
    assert data["below_threshold"] == ["Direktion"]
    assert data["hidden_to_protect"] == ["Rengøring"]
    assert data["proposals"] == [
        {"name": "Direktion + Rengøring", "members": ["Direktion", "Rengøring"]}
    ]
    # The user prefers management with administration.
    result = run(
        "groups", "accept", "--workplace", W, "--round", R,
        "--merge", "direktion,administration=Direktion + Administration",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Gemt: 1 rapportgruppe" in result.output
    assert "0 besvarelser og 40 inviterede er flyttet" in result.output
    shown = json.loads(run("groups", "show", "--workplace", W, "--round", R, "--json").stdout)
    assert shown["groups"] == [
        {"name": "Direktion + Administration", "members": ["Administration", "Direktion"]}
    ]
    result = run("groups", "propose", "--workplace", W, "--round", R)
    assert "Alle afdelinger forventes at få svar nok" in result.output
    result = run("groups", "clear", "--workplace", W, "--round", R)
    assert result.exit_code == 0 and "Glemt: 2 afdelinger" in result.output
    assert "ingen rapportgrupper" in run("groups", "show", "--workplace", W, "--round", R).output


def test_accept_the_proposals_then_import_answers_under_the_group(db, roster_file, tmp_path):
    assert run("roster", roster_file, "--workplace", W, "--round", R, "--create").exit_code == 0
    assert run("groups", "accept", "--workplace", W, "--round", R).exit_code == 0
    rows = [(W, "Direktion", [5] * 21)] * 3 + [(W, "Rengøring", [3] * 21)] * 4
    rows += [(W, "Lager", [4] * 21)] * 6 + [(W, "Administration", [4] * 21)] * 6
    answers = tmp_path / "svar.csv"
    answers.write_bytes(to_csv(template_rows(rows)))
    assert run("import", answers, "--round", R).exit_code == 0
    data = json.loads(run("summary", "--json").stdout)
    groups = {g["department"]: g for g in data["groups"] if g["department"]}
    assert set(groups) == {"Administration", "Direktion + Rengøring", "Lager"}
    merged = groups["Direktion + Rengøring"]
    assert merged["respondents"] == 7 and merged["invited"] == 30
    # (3 × 100 + 4 × 50) / 7
    assert merged["dimensions"]["team"]["mean"] == pytest.approx(500 / 7)


def test_departments_typed_before_any_roster(db):
    assert not db.exists()
    result = run(
        "groups", "propose", "--workplace", W, "--round", R,
        "--department", "Direktion=3", "--department", "IT=12", "--department", "Lager=40",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # no store needed yet
    assert "Direktion (3 inviterede, ca. 2 svar)" in result.output
    assert "»Direktion + IT«" in result.output
    bad = run("groups", "propose", "--workplace", W, "--round", R, "--department", "IT=mange")
    assert bad.exit_code == 2 and "IT=mange" in bad.output
    assert not db.exists()


def test_nothing_to_plan_from(db, roster_file):
    assert run("roster", roster_file, "--workplace", W, "--round", R, "--create").exit_code == 0
    result = run("groups", "propose", "--workplace", W, "--round", "Efterår 2026")
    assert result.exit_code == 2
    assert "hverken medarbejderliste eller svar" in result.output


def test_a_works_council_may_not_plan_groups(db, roster_file):
    assert run("roster", roster_file, "--workplace", W, "--round", R, "--create").exit_code == 0
    added = run("users", "add", "tr@x.dk", "--role", "works-council", "--workplace", W)
    assert added.exit_code == 0, added.output
    for command in ("propose", "accept", "show", "clear"):
        result = run("groups", command, "--workplace", W, "--round", R, "--user", "tr@x.dk")
        assert result.exit_code == 2, (command, result.output)
    assert "ingen rapportgrupper" in run("groups", "show", "--workplace", W, "--round", R).output


def test_the_kit_offers_the_reporting_groups(db, roster_file, tmp_path):
    """A respondent picks the group, not the small department (the roster follows the
    layout, and the kit lists the round's departments)."""
    assert run("roster", roster_file, "--workplace", W, "--round", R, "--create").exit_code == 0
    assert run("groups", "accept", "--workplace", W, "--round", R).exit_code == 0
    out = tmp_path / "skema.xlsx"
    result = run("kit", "--workplace", W, "--round", R, "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(out.read_bytes()))["Afdelinger"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert names == ["Administration", "Direktion + Rengøring", "Lager"]
