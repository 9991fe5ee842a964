"""Issue 16 on the command line: settings that are not numbers in range, commands that only
read never making a store, and --out that never overwrites without --force."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from queries import group_store, plan_store, trend_store, user_store  # noqa: F401 (patched)
from queries.store import Store
from queries.store_errors import StoreBusy, UnknownWorkplace
from socialkapital import plans, settings
from socialkapital.cli import app
from tests.conftest import template_rows, to_csv
from tests.plans.test_plans import plan

runner = CliRunner()
THRESHOLD = "SOCIALKAPITAL_ANONYMITY_THRESHOLD"
SHARE = "SOCIALKAPITAL_MIN_ANSWERED_SHARE"


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Mejeri Øst", "Pakkeri", [5] * 21)] * 6
    answers = tmp_path / "svar.csv"
    answers.write_bytes(to_csv(template_rows(rows)))
    assert run("import", answers, "--round", "R").exit_code == 0
    return path


# -- settings -----------------------------------------------------------------------------------

BAD_THRESHOLDS = ["nan", "NaN", "inf", "-inf", "-1", "2", "1001", "abc", "", "5.5", "5,5", "1e400"]


@pytest.mark.parametrize("raw", BAD_THRESHOLDS)
def test_a_threshold_that_is_not_allowed_is_refused_by_name(raw):
    with pytest.raises(settings.SettingsError) as caught:
        settings.from_env({THRESHOLD: raw})
    message = str(caught.value)
    assert THRESHOLD in message and "whole number from 3 to 1000" in message
    danish = caught.value.message("da")
    assert THRESHOLD in danish and "helt tal fra 3 til 1000" in danish


@pytest.mark.parametrize("raw", ["5", " 7 ", "5.0", "1000", "3"])
def test_a_whole_threshold_in_range_is_taken(raw):
    assert settings.from_env({THRESHOLD: raw}).anonymity_threshold == int(float(raw))


@pytest.mark.parametrize("raw", ["nan", "inf", "0", "1.5", "x"])
def test_a_share_that_is_not_allowed_is_refused_by_name(raw):
    with pytest.raises(settings.SettingsError, match=f"{SHARE}=.*from 0.01 to 1"):
        settings.from_env({SHARE: raw})
    assert settings.from_env({SHARE: "0,75"}).min_answered_share == 0.75


@pytest.mark.parametrize("value", [math.nan, math.inf, 5.5, 2, "5"])
def test_settings_made_in_code_are_checked_too(value):
    with pytest.raises(settings.SettingsError, match="anonymity_threshold"):
        settings.Settings(anonymity_threshold=value)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "abc", "5.5"])
def test_the_cli_says_which_setting_and_stops_without_a_traceback(db, raw):
    for command in (["summary"], ["import", db, "--round", "R"], ["users", "list"]):
        result = run(*command, env={THRESHOLD: raw})
        assert result.exit_code == 3, (command, result.output)
        assert isinstance(result.exception, SystemExit), result.exception
        assert THRESHOLD in result.output and "3 til 1000" in result.output


# -- commands that only read -------------------------------------------------------------------

READING = [
    ["summary"],
    ["summary", "--json"],
    ["trends", "--workplace", "Mejeri Øst"],
    ["report", "--round", "R", "--workplace", "Mejeri Øst"],
    ["plans", "export"],
    ["users", "list"],
]


@pytest.mark.parametrize("command", READING, ids=lambda c: " ".join(c[:2]))
def test_a_reading_command_on_a_missing_store_makes_nothing(tmp_path, monkeypatch, command):
    monkeypatch.delenv("SOCIALKAPITAL_DB", raising=False)
    missing = tmp_path / "ingen" / "tom.duckdb"
    monkeypatch.chdir(tmp_path)
    result = run(*command, "--db", missing, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert f"{missing}: there is no database here" in result.output
    assert list(tmp_path.iterdir()) == []  # no store, no folder, no key, no report


def test_the_missing_store_of_the_environment_is_not_made_either(tmp_path, monkeypatch):
    missing = tmp_path / "tom.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(missing))
    assert run("summary").exit_code == 1
    assert not missing.exists()


# -- --out and --force -------------------------------------------------------------------------


def test_plans_export_does_not_overwrite_without_force(db, tmp_path):
    plan_store.save(Store(db), plan(workplace="Mejeri Øst", department="Køkken", round="R"))
    out = tmp_path / "planer.csv"
    out.write_text("rettet i hånden")
    refused = run("plans", "export", "--out", out)
    assert refused.exit_code == 2
    assert "findes allerede" in refused.output and "--force" in refused.output
    assert out.read_text() == "rettet i hånden"
    assert run("plans", "export", "--out", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("plan_id,workplace")


def test_template_does_not_overwrite_without_force(tmp_path):
    out = tmp_path / "skabelon.csv"
    out.write_text("min egen")
    assert run("template", "--out", out).exit_code == 2
    assert out.read_text() == "min egen"
    assert run("template", "--out", out, "--force").exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfworkplace,department")


def test_plans_export_quotes_a_formula(db):
    evil = plan(workplace="Mejeri Øst", round="R", department=None, focus_area="=1+1")
    plan_store.save(Store(db), evil)
    out = run("plans", "export").output
    assert ",'=1+1," in out and ",=1+1," not in out


# -- the store busy or refusing, in every command that writes -------------------------------

# Each command, and the store function it writes with (made to fail below).
WRITING = {
    "plans import": (["plans", "import", "PLANS"], "plan_store", "save_many"),
    "groups clear": (
        ["groups", "clear", "--workplace", "Mejeri Øst", "--round", "R"],
        "group_store",
        "clear_layout",
    ),
    "users remove": (["users", "remove", "a@b.dk"], "user_store", "remove_user"),
    "link": (
        ["link", "--workplace", "Mejeri Øst", "--round", "R", "Køkken=Kantine"],
        "trend_store",
        "save_links",
    ),
}


def _run_failing(name, exc, tmp_path, monkeypatch):
    import queries

    command, module, function = WRITING[name]

    def fails(*args, **kwargs):
        raise exc

    monkeypatch.setattr(getattr(queries, module), function, fails)
    plans_file = tmp_path / "planer.csv"
    one = plan(workplace="Mejeri Øst", department="Køkken", round="R")
    plans_file.write_text(plans.export_csv([one]), encoding="utf-8")
    return run(*[plans_file if a == "PLANS" else a for a in command])


@pytest.mark.parametrize("name", WRITING)
def test_a_busy_store_ends_a_writing_command_with_its_message(db, tmp_path, monkeypatch, name):
    busy = StoreBusy("cli.duckdb is busy: try again")
    result = _run_failing(name, busy, tmp_path, monkeypatch)
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "cli.duckdb is busy: try again" in result.output


@pytest.mark.parametrize("name", WRITING)
def test_a_refused_change_is_said_in_danish_with_exit_2(db, tmp_path, monkeypatch, name):
    refused = UnknownWorkplace("Mejeri Vest", ["Mejeri Øst"])
    result = _run_failing(name, refused, tmp_path, monkeypatch)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Mejeri Vest" in result.output and "No workplace" not in result.output
