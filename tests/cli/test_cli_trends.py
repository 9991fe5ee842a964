"""`socialkapital link` and `socialkapital trends` on the two hand-computed rounds of
tests/core/test_trends.py: Pakkeri (8 persons, 62.5) split into Pakkeri Dag + Pakkeri Nat
(11 persons together, 775 / 11 = 70.45)."""

from __future__ import annotations

import datetime
import json

import pytest
from typer.testing import CliRunner

from queries.store import Store
from socialkapital.cli import app
from tests.core.test_trends import R1, R2, ROUND1, ROUND2, put

runner = CliRunner()
SPLIT = "Pakkeri → Pakkeri Dag + Pakkeri Nat"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    store = Store(path)
    put(store, R1, datetime.date(2025, 4, 1), ROUND1)
    put(store, R2, datetime.date(2026, 4, 1), ROUND2)
    return path


def test_link_a_split_then_follow_it_in_json(db):
    linked = run(
        "link", "Pakkeri=Pakkeri Dag,Pakkeri Nat", "--workplace", "W", "--round", R2, "--db", db
    )
    assert linked.exit_code == 0, linked.output
    assert "Gemt 2 koblinger for W" in linked.output
    result = run("trends", "--workplace", "W", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    split = [r for r in rows if r["group"] == SPLIT and r["measure"] == "team"]
    assert [(r["round"], r["n"]) for r in split] == [(R1, 8), (R2, 11)]
    assert split[0]["mean"] == 62.5
    assert split[1]["change"] == pytest.approx(775 / 11 - 62.5, abs=1e-4)
    assert split[1]["date"] == "2026-04-01"


def test_trends_as_text_in_english(db):
    result = run("trends", "--workplace", "W", "--question", "1", "--db", db, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"Whole workplace  ·  Question 1  ·  {R1}: 59.2 (n 19)" in result.output
    assert "+10.1" in result.output  # (1525/22 - 1125/19)


def test_bad_input_is_named_and_saves_nothing(db):
    bad = run("link", "Pakkeri", "--workplace", "W", "--round", R2, "--db", db, "--lang", "en")
    assert bad.exit_code == 2 and "“Pakkeri”: write OLD=NEW" in bad.output
    run("link", "Pakkeri=Pakkeri Dag,Pakkeri Nat", "--workplace", "W", "--round", R2, "--db", db)
    unknown = run("link", "Pakkeri=Nowhere", "--workplace", "W", "--round", R2, "--db", db)
    assert unknown.exit_code == 2 and "W / Nowhere" in unknown.output
    assert Store(db).frame("department_links").height == 2  # the earlier links are kept
    nobody = run("trends", "--workplace", "Nowhere", "--db", db, "--lang", "en")
    assert nobody.exit_code == 2 and "no workplace called “Nowhere”" in nobody.output
    question = run("trends", "--workplace", "W", "--question", "22", "--db", db)
    assert question.exit_code == 2
