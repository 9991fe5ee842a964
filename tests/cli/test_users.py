"""Users, roles and scopes through the command line (issue 15): `users add|list|remove`, and
`summary --json --user` / `report --user` give exactly what that user may see."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from socialkapital import audit
from socialkapital.cli import app
from tests.conftest import template_rows, to_csv

runner = CliRunner()
ROUND = "Forår 2026"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db(tmp_path, monkeypatch):
    """Two workplaces. Mejeri Øst: Køkken 6 × 'I høj grad' (75), Pakkeri 7 × 100, Lager 3 × 25
    (too few: hidden) and Vask 5 × 50 (hidden to protect Lager). Plejehjem Å: Nattevagt
    5 × 50 and Dagvagt 6 × 75."""
    path = tmp_path / "users.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Mejeri Øst", "Pakkeri", [5] * 21)] * 7
    rows += [("Mejeri Øst", "Lager", [2] * 21)] * 3 + [("Mejeri Øst", "Vask", [3] * 21)] * 5
    rows += [("Plejehjem Å", "Nattevagt", [3] * 21)] * 5
    rows += [("Plejehjem Å", "Dagvagt", [4] * 21)] * 6
    answers = tmp_path / "svar.csv"
    answers.write_bytes(to_csv(template_rows(rows)))
    assert run("import", answers, "--round", ROUND).exit_code == 0
    return path


def add(*args) -> None:
    result = run("users", "add", *args)
    assert result.exit_code == 0, result.output


def summary(user: str) -> tuple[dict, str]:
    result = run("summary", "--json", "--user", user)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {(g["workplace"], g["department"]): g for g in data["groups"]}, result.stdout


def team(group: dict) -> float | None:
    return group["dimensions"]["team"]["mean"]


# By hand: Mejeri Øst (6·75 + 7·100 + 3·25 + 5·50) / 21 = 1475 / 21; Plejehjem Å
# (5·50 + 6·75) / 11 = 700 / 11; all (1475 + 700) / 32.
MEJERI, PLEJE, ALL = 1475 / 21, 700 / 11, 2175 / 32


def test_users_add_list_remove(db):
    add("Mette@Mejeri.dk ", "--role", "management", "--workplace", "mejeri øst")
    add(
        "kim@mejeri.dk",
        "--role",
        "department-manager",
        "--workplace",
        "Mejeri Øst",
        "--department",
        "Køkken",
        "--department",
        "pakkeri",
    )
    add("root@x.dk", "--role", "admin")
    listed = run("users", "list").output
    assert "mette@mejeri.dk\tmanagement\tworkplace: Mejeri Øst" in listed
    assert "department: Køkken department: Pakkeri" in listed  # the store's spelling
    assert "root@x.dk\tadmin" in listed
    assert run("users", "remove", "METTE@mejeri.dk").exit_code == 0
    assert "mette@" not in run("users", "list").output
    assert run("users", "remove", "mette@mejeri.dk").exit_code == 1
    log = audit.read(db)
    assert log["action"].to_list()[:2] == ["user_remove", "user_add"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["a@x.dk", "--role", "boss"], "Ukendt rolle"),
        (["a@x.dk", "--role", "management", "--workplace", "Mejeri Vest"], "Mejeri Øst"),
        (["a@x.dk", "--role", "management"], "netop én arbejdsplads"),
        (
            [
                "a@x.dk",
                "--role",
                "department-manager",
                "--workplace",
                "Mejeri Øst",
                "--department",
                "Kontor",
            ],
            "Kendte: Køkken, Lager, Pakkeri, Vask",
        ),
        (["ikke-en-adresse", "--role", "admin"], "ikke en e-mailadresse"),
    ],
)
def test_users_add_refuses_with_a_reason(db, args, words):
    result = run("users", "add", *args)
    assert result.exit_code == 2
    assert words in result.output
    assert "a@x.dk" not in run("users", "list").output


def test_unknown_user_is_refused(db):
    result = run("summary", "--json", "--user", "nobody@x.dk")
    assert result.exit_code == 2
    assert "nobody@x.dk" in result.output and result.stdout.strip() == ""


def test_management_sees_its_workplace_and_the_other_only_as_a_letter(db):
    add("m@x.dk", "--role", "management", "--workplace", "Mejeri Øst")
    groups, raw = summary("m@x.dk")
    assert team(groups[(None, None)]) == pytest.approx(ALL)
    assert team(groups[("Mejeri Øst", None)]) == pytest.approx(MEJERI)
    assert team(groups[("Mejeri Øst", "Køkken")]) == 75
    assert team(groups[("Mejeri Øst", "Pakkeri")]) == 100
    # The anonymity gate still holds: Lager has 3, Vask is hidden to protect it.
    assert team(groups[("Mejeri Øst", "Lager")]) is None
    assert team(groups[("Mejeri Øst", "Vask")]) is None
    assert team(groups[("Arbejdsplads A", None)]) == pytest.approx(PLEJE)
    others = sorted(team(g) for (w, d), g in groups.items() if w == "Arbejdsplads A" and d)
    assert others == [50, 75]
    for name in ("Plejehjem", "Nattevagt", "Dagvagt"):
        assert name not in raw


def test_department_manager_sees_the_workplace_and_their_own_department(db):
    add(
        "k@x.dk",
        "--role",
        "department-manager",
        "--workplace",
        "Mejeri Øst",
        "--department",
        "Køkken",
    )
    groups, raw = summary("k@x.dk")
    mine = {key for key in groups if key[0] == "Mejeri Øst"}
    assert mine == {("Mejeri Øst", None), ("Mejeri Øst", "Køkken")}
    assert team(groups[("Mejeri Øst", "Køkken")]) == 75
    assert team(groups[("Mejeri Øst", None)]) == pytest.approx(MEJERI)
    for name in ("Pakkeri", "Lager", "Vask", "Plejehjem", "Nattevagt"):
        assert name not in raw
    # The benchmark's range between teams covers the teams this user may see: Køkken (75)
    # and the other site's two (50, 75); with everything it would reach Pakkeri's 100.
    data = json.loads(raw)
    assert data["benchmark"]["team"]["team_range"] == [50, 75]
    everything = json.loads(run("summary", "--json").stdout)
    assert everything["benchmark"]["team"]["team_range"] == [50, 100]


def test_consultant_with_both_workplaces_sees_both_by_name(db):
    add("c@x.dk", "--role", "consultant", "--workplace", "Mejeri Øst", "--workplace", "Plejehjem Å")
    groups, _ = summary("c@x.dk")
    assert team(groups[("Plejehjem Å", "Nattevagt")]) == 50
    assert team(groups[("Mejeri Øst", "Pakkeri")]) == 100


def test_summary_of_a_workplace_outside_the_scope_is_refused(db):
    add("m@x.dk", "--role", "works-council", "--workplace", "Mejeri Øst")
    result = run("summary", "--json", "--user", "m@x.dk", "--workplace", "Plejehjem Å")
    assert result.exit_code == 2
    assert "Plejehjem Å" in result.output and result.stdout.strip() == ""


def test_report_for_a_department_manager(db, tmp_path):
    add(
        "k@x.dk",
        "--role",
        "department-manager",
        "--workplace",
        "Mejeri Øst",
        "--department",
        "Køkken",
    )
    other = run(
        "report",
        "--round",
        ROUND,
        "--workplace",
        "Mejeri Øst",
        "--department",
        "Pakkeri",
        "--user",
        "k@x.dk",
        "--out",
        tmp_path / "p.pdf",
    )
    assert other.exit_code == 2 and not (tmp_path / "p.pdf").exists()
    out = tmp_path / "all.zip"
    made = run(
        "report",
        "--round",
        ROUND,
        "--workplace",
        "Mejeri Øst",
        "--all",
        "--user",
        "k@x.dk",
        "--out",
        out,
    )
    assert made.exit_code == 0, made.output
    pdfs = [
        n for n in zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist() if n.endswith(".pdf")
    ]
    assert len(pdfs) == 2 and any("Køkken" in n for n in pdfs)
    assert not any(name in " ".join(pdfs) for name in ("Pakkeri", "Vask", "Lager"))
    assert "report" in audit.read(db)["action"].to_list()
