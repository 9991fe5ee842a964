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
