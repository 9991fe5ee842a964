"""Issue 16: a setting from the environment that is not allowed stops the dashboard with a
message naming it and the values it may take, not with the generic error page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "abc", "5.5"])
def test_a_bad_threshold_is_named_on_the_page(tmp_path, monkeypatch, raw):
    # A store of its own per value: the dashboard keeps one store per path.
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(tmp_path / f"s{raw}.duckdb"))
    monkeypatch.setenv("SOCIALKAPITAL_ANONYMITY_THRESHOLD", raw)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"unrelated": "value"}  # local use: no machine secrets are read
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "SOCIALKAPITAL\\_ANONYMITY\\_THRESHOLD" in error.value  # escaped for Markdown
    assert "helt tal fra 3 til 1000" in error.value
