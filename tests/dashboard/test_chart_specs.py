"""Every chart on every page is a valid Vega-Lite chart.

The pages hand their charts to Streamlit without Altair's check against the Vega-Lite schema
(``state.chart``: the check cost most of a page's time on every rerun), so the check is
made here instead, on the charts as the browser gets them, in both languages.
"""

from __future__ import annotations

import json

from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from tests.dashboard.test_meeting_words import PAGES, _two_rounds
from tests.dashboard.test_pages import app, empty_db  # noqa: F401 (fixtures)

SCHEMA = load_schema()


def test_every_chart_is_valid_vega_lite(empty_db, ins):  # noqa: F811
    _two_rounds(empty_db, ins)
    checked = []
    for lang in ("da", "en"):
        for page in PAGES:
            # A fresh app per page, as in test_meeting_words: AppTest calls a widget's format
            # function outside the run, in the default language.
            at = app()
            at.session_state["lang"] = lang
            at.run()
            department = at.sidebar.selectbox(key=f"department_{lang}")
            department.select(department.options[1]).run()
            at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (page, lang)
            for chart in at.get("vega_lite_chart"):
                spec = json.loads(chart.proto.spec)
                validate_jsonschema(spec, SCHEMA)  # raises on an invalid chart
                checked.append(page)
    # The pages that draw charts drew them (a test that checks nothing would pass too).
    assert {"overview", "heatmap", "items", "correlations", "benchmark", "response"} <= set(
        checked
    ), checked


def test_the_check_finds_a_broken_chart():
    broken = {"mark": "rect", "encoding": {"x": {"field": "a", "type": "no such type"}}}
    try:
        validate_jsonschema(broken, SCHEMA)
    except Exception as exc:  # jsonschema's ValidationError
        assert "no such type" in str(exc)
    else:
        raise AssertionError("an invalid chart passed the check")
