"""Issue 19: a command loads what it uses. ``summary`` reads figures, so the file readers,
the survey-tool formats, the PDF and chart libraries and the dashboard stay unloaded; the
command list still names every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from socialkapital.cli import app
from tests.conftest import template_rows, to_csv

ROOT = Path(__file__).resolve().parents[2]
UNUSED_BY_SUMMARY = (
    "socialkapital.importers",
    "socialkapital.kit",
    "altair",
    "fpdf",
    "streamlit",
    "vl_convert",
    "scipy.stats",
)
# Run as the installed command runs, in a process of its own, and list what got loaded.
SCRIPT = """
import runpy, sys
sys.argv = ["socialkapital", *sys.argv[1:]]
try:
    runpy.run_module("socialkapital.cli", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_summary_loads_no_reader_formats_pdf_or_dashboard(tmp_path):
    db = tmp_path / "s.duckdb"
    answers = tmp_path / "svar.csv"
    answers.write_bytes(to_csv(template_rows([("Mejeri", "Køkken", [4] * 21)] * 6)))
    imported = CliRunner().invoke(app, ["import", str(answers), "--round", "R", "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    loaded = loaded_by("summary", "--json", "--db", str(db))
    assert "socialkapital.results" in loaded  # it did compute the figures
    assert not [m for m in UNUSED_BY_SUMMARY if m in loaded]
    assert not [m for m in loaded if m.startswith("socialkapital.importers.")]


def test_the_command_list_still_names_every_command():
    shown = CliRunner().invoke(app, ["--help"]).output
    for command in ("import", "roster", "summary", "report", "trends", "kit", "groups", "plans"):
        assert command in shown
