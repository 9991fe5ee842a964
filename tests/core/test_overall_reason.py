"""Why an overall score is hidden: its own too few answers, or to protect another group.

The overall is the mean of the 21 question means, hidden when any of them is. When one of
the department's own questions has too few answers, that is the reason to give, not the
protection of another department (which would send the reader looking for one).
"""

from __future__ import annotations

import polars as pl

from queries.store import Store
from socialkapital import anonymity, results
from tests.analysis.helpers import ROUND, load

EVERY = [4] * 21
FEW_Q5 = [4] * 4 + [None] + [4] * 16  # question 5 left blank


def overall_row(res: results.Results, department: str | None) -> dict:
    found = res.measures.filter(
        (pl.col("measure") == "overall")
        & (pl.col("department") == department if department else pl.col("department").is_null())
        & (pl.col("level") == ("department" if department else "workplace"))
    )
    return found.row(0, named=True)


def test_a_question_with_too_few_answers_hides_the_overall_for_that(tmp_path):
    # Køkken: 8 persons, only 3 answer question 5 (below 5); Pakkeri: 9 persons, all answered.
    rows = [("A", "Køkken", EVERY)] * 3 + [("A", "Køkken", FEW_Q5)] * 5
    rows += [("A", "Pakkeri", EVERY)] * 9
    res = results.compute(load(Store(tmp_path / "s.duckdb"), rows), ROUND)
    kitchen = overall_row(res, "Køkken")
    assert kitchen["mean"] is None and kitchen["n"] == 8
    assert kitchen["reason"] == anonymity.PRIMARY
    assert not kitchen[anonymity.PROTECTS]


def test_an_overall_hidden_to_protect_another_says_so(tmp_path):
    # Lager (3 persons) is too small; Køkken (6) is hidden to protect it.
    rows = [("A", "Lager", EVERY)] * 3 + [("A", "Køkken", EVERY)] * 6
    rows += [("A", "Pakkeri", EVERY)] * 9
    res = results.compute(load(Store(tmp_path / "s.duckdb"), rows), ROUND)
    kitchen = overall_row(res, "Køkken")
    assert kitchen["mean"] is None
    assert kitchen["reason"] == anonymity.SECONDARY
    assert kitchen[anonymity.PROTECTS] == ["Lager"]
    assert overall_row(res, "Lager")["reason"] == anonymity.PRIMARY
    assert overall_row(res, "Pakkeri")["mean"] == 75.0
