"""The reports' section on the change since the previous round, on the two hand-computed
rounds of tests/core/test_trends.py (everyone answers all 21 questions with one code, so a
form's score is that code's 0-100 value)."""

from __future__ import annotations

import datetime

import pytest

from queries import trend_store
from socialkapital import access
from socialkapital.reports import build
from tests.core.test_trends import R1, R2, ROUND1, ROUND2, put
from tests.reports.conftest import pdf_text

TODAY = datetime.date(2026, 11, 25)
FORMS = ["team", "between", "leader", "workplace"]


@pytest.fixture
def two_rounds(store):
    put(store, R1, datetime.date(2025, 4, 1), ROUND1)
    put(store, R2, datetime.date(2026, 4, 1), ROUND2)
    trend_store.save_links(store, "W", R2, {"Pakkeri": ["Pakkeri Dag", "Pakkeri Nat"]})
    return store


def data_for(store, department=None):
    res = build._workplace_results(store, R2, "W", "da", access.LOCAL)
    when = datetime.date(2026, 4, 1)
    if department is None:
        data = build._workplace_data(store, res, "W", "da", when, access.LOCAL)
    else:
        data = build._department_data(store, res, "W", department, when)
    return build.with_trend(store, data)


def test_the_workplace_trend_by_hand(two_rounds):
    trend = data_for(two_rounds).trend
    assert trend.previous == R1 and trend.group == "W"
    assert [line.measure for line in trend.lines] == FORMS  # the instrument's order
    team = trend.lines[0]
    # 2025: Pakkeri 8 × (4·50 + 4·75) + Lager 6 persons + Kontor 5 persons = 1125 / 19;
    # 2026: 1525 / 22 (see tests/core/test_trends.py).
    assert (team.before.mean, team.before.n) == (pytest.approx(1125 / 19), 19)
    assert (team.after.mean, team.after.n) == (pytest.approx(1525 / 22), 22)
    assert team.change == pytest.approx(1525 / 22 - 1125 / 19)


def test_a_part_of_a_split_department_is_followed_with_its_sister(two_rounds):
    trend = data_for(two_rounds, "Pakkeri Dag").trend
    assert trend.group == "Pakkeri → Pakkeri Dag + Pakkeri Nat"
    team = trend.lines[0]
    assert (team.before.mean, team.before.n) == (62.5, 8)
    assert (team.after.mean, team.after.n) == (pytest.approx(775 / 11), 11)


def test_a_department_without_a_history_has_no_trend_and_the_first_round_neither(two_rounds):
    assert data_for(two_rounds, "Kontor").trend is not None  # the same name in both rounds
    res = build._workplace_results(two_rounds, R1, "W", "da", access.LOCAL)
    first = build._workplace_data(two_rounds, res, "W", "da", None, access.LOCAL)
    assert build.with_trend(two_rounds, first).trend is None


def test_the_pdf_shows_the_section_in_both_languages(two_rounds):
    danish = pdf_text(build.department_report(two_rounds, R2, "W", "Kontor", "da", TODAY))
    assert f"Udvikling siden forrige måling Form {R1} {R2}" in danish
    # Kontor: 2025 4,4,5,4,4 -> (75·4+100)/5 = 80; 2026 4,4,5,5,4 -> 85 (whole numbers).
    assert "80 (n = 5)" in danish and "85 (n = 5)" in danish
    english = pdf_text(build.workplace_report(two_rounds, R2, "W", "en", TODAY))
    assert f"Change since the previous survey round Form {R1} {R2}" in english
    assert "Departments with a clear change since then" in english
