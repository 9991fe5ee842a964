"""Shared checks for importer tests: scores of a parsed file against expected.json."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from socialkapital import results
from tests.conftest import to_csv

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def expected(name: str = "expected.json") -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def assert_scores_match(store, parsed, expected_figures: dict) -> int:
    """Store a parsed file (threshold 3), score it, compare every shown figure; return count."""
    store.replace_responses(parsed.responses, "R", None, parsed.file, parsed.format)
    res = results.compute(store, "R")
    compared = 0
    for key, want in expected_figures.items():
        workplace, department = (None if part == "*" else part for part in key.split("|"))
        group = res.group(workplace, department)
        assert group is not None, key
        assert group["respondents"] == want["respondents"], key
        measures = group["measures"]
        figures = [(d, want[d], want["n"][d]) for d in want["n"]]
        figures += [(f"q{i}", mean, None) for i, mean in want["items"].items()]
        for measure, mean, n in figures:
            got = measures[measure]
            if n is not None:
                assert got["n"] == n, (key, measure)
            if got["mean"] is not None and mean is not None:
                assert got["mean"] == pytest.approx(mean, abs=1e-5), (key, measure)
                compared += 1
    return compared


def records_of(rel: str, delimiter: str = ",", encoding: str = "utf-8-sig") -> list[list[str]]:
    raw = (FIXTURES / rel).read_text(encoding=encoding)
    return list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter))


def column(records: list[list[str]], name: str) -> int:
    return records[0].index(name)


def coded_departments() -> tuple[bytes, dict[str, str]]:
    """The Google Forms fixture with its departments replaced by codes 1, 2, …"""
    records = records_of("google_forms/responses.csv")
    where = column(records, "Afdeling")
    names = sorted({r[where] for r in records[1:] if r[where]})
    code_of = {name: str(i) for i, name in enumerate(names, start=1)}
    for record in records[1:]:
        record[where] = code_of.get(record[where], record[where])
    return to_csv(records), {code: name for name, code in code_of.items()}
