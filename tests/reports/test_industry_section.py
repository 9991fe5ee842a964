"""The workplace report's comparison with its industry (issue 18 item 4, issue 17: the
benchmark in the seed's shape), on the hand-computed organisation of
tests/analysis/test_industry.py: Mejeri Nord 87.5; industry C (3 shown) mean 67.5,
workplaces 37.5-87.5, departments 25-100. Whole numbers, half away from zero."""

from __future__ import annotations

import pytest

from queries import facts_store
from socialkapital import access, reports
from socialkapital.facts import Facts
from tests.analysis.helpers import ROUND, load
from tests.analysis.test_industry import INDUSTRY, OTHERS, ROWS
from tests.reports.conftest import TODAY, pdf_text


@pytest.fixture
def store(make_store):
    store = load(make_store(threshold=5), ROWS)
    for name, code in INDUSTRY.items():
        facts_store.set_facts(store, name, Facts(industry=code))
    return store


def test_the_report_compares_with_the_named_industry_and_the_dairies(store):
    words = pdf_text(reports.workplace_report(store, ROUND, "Mejeri Nord", "da", TODAY))
    assert "Sammenligning med samme branche" in words
    assert "Sammenlignet med 3 arbejdspladser i samme branche, C Fremstillingsvirksomhed" in words
    assert "Social kapital samlet 88 68 38–88 25–100" in words
    assert "Inden for teamet 88 68 38–88 25–100" in words
    assert "Ekstern reference: Mejerier i NFA's kortlægning" in words
    assert "Mellem teams 88 66 58–75 13–92" in words  # ours beside the dairies'
    assert "Disse tal er ikke fra jeres data" in words


def test_in_english_and_alone_in_its_industry(store):
    words = pdf_text(reports.workplace_report(store, ROUND, "Plejehjemmet", "en", TODAY))
    assert "Comparison with the same industry" in words
    assert "Too few workplaces of the same industry for a comparison" in words
    assert "Q Human health and social work activities has 1 workplace with figures" in words
    assert "Industry mean" not in words  # no industry table
    assert "These figures are not from your data" in words


def test_a_scoped_viewers_report_has_the_pooled_industry_mean_and_names_no_other(store):
    viewer = access.viewer("leder@nord.dk", "management", [("Mejeri Nord", None)])
    pdf = reports.workplace_report(store, ROUND, "Mejeri Nord", "da", TODAY, viewer)
    words = pdf_text(pdf)
    assert "Inden for teamet 88 68 – –" in words
    assert "Spændene inden for branchen vises kun" in words
    assert not [name for name in OTHERS if name in words]


def test_no_industry_no_table(store):
    facts_store.set_facts(store, "Mejeri Nord", Facts())
    words = pdf_text(reports.workplace_report(store, ROUND, "Mejeri Nord", "da", TODAY))
    assert "Mejeri Nord har ingen branche angivet" in words
    assert "Branchens gennemsnit" not in words
