"""Social capital at work: the core (instrument, importers, anonymity, statistics, reports, CLI).

Nothing in this package imports Streamlit: the dashboard, the CLI and the tests all use it.
"""

from pathlib import Path

PROJECT_DATA = Path(__file__).resolve().parent.parent / "data"
