"""Issue 16, "same store, different numbers": `summary` printed 'Mellem teams' as 69 on some
runs and 70 on others (69.49999999999999 or 69.5, by the order the threads added up in), and
`summary --json` differed in its last digits. Figures are now exact sums divided once, and
rounded half away from zero."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from queries.store import Store
from socialkapital import results, text
from socialkapital.cli import app
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv

runner = CliRunner()


def load(store: Store, rows) -> Store:
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", store.instrument)
    store.replace_responses(parsed.responses, "R", None, "svar.csv", "template")
    return store


def between(codes: list[int]) -> list[int]:
    """21 answers: 'I høj grad' (4) everywhere but the six 'between teams' items."""
    return [4] * 6 + codes + [4] * 9


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (68.5, 0, "69"),  # Babel (half to even) said 68
        (69.5, 0, "70"),
        (69.49999999999999, 0, "69"),
        (72.25, 1, "72,3"),  # half to even: 72,2
        (70.05, 1, "70,1"),  # the float is 70.04999...; the figure is 70.05
        (0.125, 2, "0,13"),
    ],
)
def test_a_half_is_rounded_away_from_zero(value, digits, shown):
    assert text.score(value, "da", digits) == shown


def test_shares_and_changes_round_half_away_too():
    assert text.percent(33 / 40, "da") == "83 %"  # 82.5 %
    assert text.percent(0.285, "en") == "29%"  # 28.499999999999996 after * 100
    assert text.signed(-0.25, "da", 1) == "-0,3"
    assert text.signed(-0.04, "da", 1) == "0,0"


def test_a_form_mean_of_exactly_68_5_prints_as_69(tmp_path):
    # 25 persons answer the six 'between' items: 11 with codes summing (as points 0-4) to 17,
    # 14 to 16. Their scores are 25·17/6 and 25·16/6 (no float holds them exactly), and the
    # mean is 25·(11·17 + 14·16) / (6·25) = 25·411/150 = 68.5 exactly.
    rows = [("Mejeri", "Pakkeri", between([4, 4, 4, 4, 4, 3]))] * 11
    rows += [("Mejeri", "Pakkeri", between([4, 4, 4, 4, 3, 3]))] * 14
    store = load(Store(tmp_path / "s.duckdb"), rows)
    env = {"SOCIALKAPITAL_DB": str(store.path)}
    table = runner.invoke(app, ["summary"], env=env)
    assert table.exit_code == 0, table.output
    head, *lines = table.output.splitlines()[1:]
    forms = "Inden for teamet Mellem teams Nærmeste leder Ledelse og arbejdsplads"
    assert " ".join(head.split()).endswith(forms)
    # All workplaces, the workplace and the department (the same persons): the four forms
    # last, by hand 75 (everyone 'I høj grad'), 68.5 -> 69, 75 and 75.
    assert [line.split()[-4:] for line in lines] == [["75", "69", "75", "75"]] * 3
    data = runner.invoke(app, ["summary", "--json"], env=env)
    groups = json.loads(data.output)["groups"]
    assert [g["dimensions"]["between"]["mean"] for g in groups] == [68.5, 68.5, 68.5]


def generated_rows(count: int, seed: int = 16):
    """Respondents with random answers and some blanks (so most persons' scores are not
    whole numbers), in 3 workplaces of 40 departments."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 6, size=(count, 21)).astype(object)
    codes[rng.random((count, 21)) < 0.15] = None
    sites = ["Mejeri Øst", "Mejeri Vest", "Plejehjem Å"]
    departments = rng.integers(0, 40, size=count)
    return [(sites[i % 3], f"Afd {departments[i]}", list(codes[i])) for i in range(count)]


def test_summary_json_is_the_same_byte_for_byte_whatever_the_threads(tmp_path, monkeypatch):
    store = load(Store(tmp_path / "stor.duckdb"), generated_rows(20_000))
    register = Store._register_instrument
    threads = iter([1, 8, 2, 3, 8, 1])

    def with_threads(self, con):
        register(self, con)
        con.execute(f"SET threads = {current}")

    monkeypatch.setattr(Store, "_register_instrument", with_threads)
    outputs = []
    for current in threads:  # noqa: B007 (with_threads reads it)
        results.forget_rounds()  # computed afresh, not remembered from the run before
        found = runner.invoke(app, ["summary", "--json", "--db", str(store.path)])
        assert found.exit_code == 0, found.output
        outputs.append(found.output)
    assert len(outputs[0]) > 100_000
    assert all(o == outputs[0] for o in outputs), [o == outputs[0] for o in outputs]
