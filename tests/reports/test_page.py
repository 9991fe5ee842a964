"""AppTest for the Reports page: a PDF for the selection, and the batch ZIP."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def reports_page(small, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(small.path))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/reports.py").run()
    assert not at.exception
    return at


def test_download_for_the_workplace_and_a_department(reports_page):
    at = reports_page
    assert at.title[0].value == "Rapporter"
    assert at.download_button(key="report_pdf").label == "Hent PDF"
    at.sidebar.selectbox(key="department_da").select("Køkken").run()
    assert not at.exception
    assert any("Afdeling: Køkken (Mejeri Øst)" in m.value for m in at.markdown)
    assert at.download_button(key="report_pdf").label == "Hent PDF"


def test_no_report_for_a_small_department(reports_page):
    at = reports_page
    at.sidebar.selectbox(key="department_da").select("Lager").run()
    assert not at.exception
    assert "der er kun 3 besvarelser, og der skal mindst 5 til" in at.info[0].body
    assert not [b for b in at.download_button if b.key == "report_pdf"]


def test_batch_zip_in_english(reports_page):
    at = reports_page
    # (A department first: AppTest formats the "whole workplace" choice in the old language.)
    at.sidebar.selectbox(key="department_da").select("Køkken").run()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Reports"
    assert at.download_button(key="report_pdf").label == "Download PDF"
    at.button(key="report_batch").click().run()
    assert not at.exception
    assert at.success[0].value == "Done: 4 reports."
    notes = " ".join(c.value for c in at.caption)
    assert "Lager: no report" in notes and "Vask: no report" not in notes
    assert at.download_button(key="report_zip_download").label == "Download ZIP file"
