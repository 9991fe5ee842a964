"""Stores for the report tests, and reading a PDF's text back."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from queries.store import Store
from socialkapital import demo
from socialkapital.importers import read_responses, read_roster
from socialkapital.settings import Settings
from tests.conftest import template_rows, to_csv

TODAY = date(2026, 5, 4)  # a fixed report date: the same input gives the same PDF
ROUND = "Forår 2026"
SITE = "Mejeri Øst"


def small_rows() -> list[tuple[str, str, list]]:
    """Four departments of one site; every figure is easy to work out by hand.

    Køkken (6): codes 4,4,4,5,3,4 on every item except q19, where all answer 2.
    Pakkeri (7): all 5, but six leave q10 blank, so q10 rests on 1 answer (hidden).
    Lager (3): codes 2,2,1 -> 16.67 everywhere (below the threshold: no report).
    Vask (5): codes 4,4,3,3,2 -> 55.0 everywhere (hidden to protect Lager, and on q10
    Lager and Pakkeri together).
    """
    rows = []
    for code in (4, 4, 4, 5, 3, 4):
        rows.append((SITE, "Køkken", [2 if i == 19 else code for i in range(1, 22)]))
    for p in range(7):
        rows.append((SITE, "Pakkeri", [None if i == 10 and p < 6 else 5 for i in range(1, 22)]))
    for code in (2, 2, 1):
        rows.append((SITE, "Lager", [code] * 21))
    for code in (4, 4, 3, 3, 2):
        rows.append((SITE, "Vask", [code] * 21))
    return rows


def load(store: Store, rows, round_name: str = ROUND) -> Store:
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", store.instrument)
    store.replace_responses(parsed.responses, round_name, date(2026, 3, 31), "svar.csv", "test")
    return store


INVITED = {"Køkken": 8, "Pakkeri": 9, "Lager": 4, "Vask": 6}


@pytest.fixture
def small(make_store) -> Store:
    store = load(make_store(), small_rows())
    roster = "\n".join(
        f"{d[0].lower()}{i}@x.dk;N;{d}" for d, count in INVITED.items() for i in range(count)
    )
    parsed = read_roster(roster.encode(), "liste.txt")
    store.replace_roster(parsed.invited, SITE, ROUND, date(2026, 3, 31), "liste.txt")
    return store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Store:
    """The demo's first round: four workplaces, a few small departments."""
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb", settings=Settings())
    r = demo.generate(respondents=600)[0]
    for workplace, invited in r.rosters.items():
        parsed = read_roster("\n".join(";".join(x) for x in invited).encode(), "r.txt")
        store.replace_roster(parsed.invited, workplace, r.name, r.date, "r.txt", create=True)
    parsed = read_responses(r.responses.write_csv().encode(), "d.csv", store.instrument)
    store.replace_responses(parsed.responses, r.name, r.date, "d.csv", "demo")
    return store


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, white space collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def numbers(words: str) -> list[str]:
    """Every number in a text as written (``73,4``, ``100``, ``16.7``)."""
    return re.findall(r"\d+(?:[.,]\d+)?", words)
