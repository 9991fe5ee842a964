"""Issue 17 on the overview: whole headline numbers, why social capital matters, the signs of
a high level per form, and a guide for times of change."""

from __future__ import annotations

import re

from socialkapital import text
from tests.dashboard.test_pages import app, empty_db, metrics, small_db  # noqa: F401 (fixtures)


def test_the_overview_has_whole_numbers_the_signs_and_why(small_db):  # noqa: F811
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Køkken").run()
    assert not at.exception
    for label, value in metrics(at).items():
        if label.startswith("Social kapital samlet"):
            assert re.fullmatch(r"\d+", value), (label, value)
    chart_labels = " ".join(str(x) for x in at.dataframe[0].value.to_numpy().ravel())
    assert not re.search(r"\d,\d", chart_labels)  # the forms' table: 75 (…) · n = 6
    words = " ".join(m.value for m in at.markdown)
    guide = text.guidance()
    assert guide["why"]["da"].strip().splitlines()[0] in words
    for key in ("team", "between", "leader", "workplace"):
        for sign in guide["dimensions"][key]["signs_da"]:
            assert sign in words, sign
    assert "Pas på broerne" in words  # the guide for times of change
    assert "ikke af de fire former" in " ".join(
        e.proto.help for e in at.get("metric") if e.proto.help
    )


def test_a_round_named_with_its_label_is_not_doubled(empty_db, ins):  # noqa: F811
    """Issue 17: 'Måling: Måling forår 2026' reads as a stutter; a name without the word keeps
    the label ('Måling: Forår 2026', as in the other tests)."""
    from queries.store import Store
    from socialkapital.importers import read_responses
    from tests.conftest import template_rows, to_csv

    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    Store(empty_db).replace_responses(
        parsed.responses, "Måling forår 2026", None, "svar.csv", "template"
    )
    at = app().run()
    captions = [c.value for c in at.caption]
    assert "Måling forår 2026" in captions
    assert not any("Måling: Måling" in c for c in captions)
    at.switch_page("views/items.py").run()
    assert any(c.value.startswith("Måling forår 2026 · Mejeri Øst") for c in at.caption)


def test_the_method_names_are_on_the_rules_page(small_db):  # noqa: F811
    """Issue 17: the report says 'tydelig' and points here; here the method is named."""
    at = app().run()
    at.switch_page("views/rules.py").run()
    assert not at.exception
    words = " ".join(m.value for m in at.markdown)
    assert "Hvornår er en forskel tydelig?" in " ".join(h.value for h in at.subheader)
    for name in ("Welchs t-test", "Holms korrektion", "min_correlation_n"):
        assert name in words, name
