"""The invitation roster: e-mail; name[; department], and response rates from it."""

from __future__ import annotations

import pytest

from socialkapital import results
from socialkapital.importers import ImportFailed, read_responses, read_roster
from tests.conftest import template_rows, to_csv


def test_semicolon_tab_and_windows_1252():
    data = "anna@firma.dk; Anna Ærø; Køkken\r\nbo@firma.dk\tBo Øst\tLager\n\ncarl@firma.dk;Carl\n"
    roster = read_roster(data.encode("cp1252"), "liste.txt")
    assert roster.invited.select("email", "name", "department").rows() == [
        ("anna@firma.dk", "Anna Ærø", "Køkken"),
        ("bo@firma.dk", "Bo Øst", "Lager"),
        ("carl@firma.dk", "Carl", None),
    ]


def test_duplicates_are_counted_once_and_a_header_is_tolerated():
    data = b"E-mail;Navn;Afdeling\na@x.dk;A;K\nA@x.dk;A igen;K\n"
    roster = read_roster(data, "liste.txt")
    assert roster.invited.height == 1 and roster.duplicates == 1


def test_bad_lines_are_all_named():
    data = b"a@x.dk;A;K\nnot-an-email;B;K\nc@x.dk\nd@x.dk;D;K;extra;more\n"
    with pytest.raises(ImportFailed) as caught:
        read_roster(data, "liste.txt")
    assert [(p.row, p.key) for p in caught.value.problems] == [
        (2, "not_email"),
        (3, "roster_fields"),
        (4, "roster_fields"),
    ]


def test_empty_roster():
    with pytest.raises(ImportFailed, match="empty"):
        read_roster(b"  \n", "liste.txt")


def test_response_rates_per_department_and_workplace(store, ins):
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Mejeri Øst", "Lager", [3] * 21)] * 5
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(parsed.responses, "R", None, "svar.csv", "template")
    lines = (
        [f"k{i}@x.dk;K{i};Køkken" for i in range(8)]
        + [
            f"l{i}@x.dk;L{i};lager"
            for i in range(10)  # department case differs: same department
        ]
        + ["m@x.dk;M;Mælkemodtagelse", "n@x.dk;N"]
    )
    roster = read_roster("\n".join(lines).encode(), "liste.txt")
    store.replace_roster(roster.invited, "Mejeri Øst", "R", None, "liste.txt")
    res = results.compute(store, "R")
    kitchen = res.group("Mejeri Øst", "Køkken")
    assert (kitchen["respondents"], kitchen["invited"]) == (6, 8)
    assert kitchen["response_rate"] == pytest.approx(6 / 8)
    assert res.group("Mejeri Øst", "Lager")["response_rate"] == pytest.approx(5 / 10)
    milk = res.group("Mejeri Øst", "Mælkemodtagelse")  # invited, nobody answered
    assert (milk["respondents"], milk["invited"], milk["suppressed"]) == (0, 1, True)
    whole = res.group("Mejeri Øst", None)
    assert (whole["respondents"], whole["invited"]) == (11, 20)
    # Loading the roster again replaces it.
    store.replace_roster(roster.invited, "Mejeri Øst", "R", None, "liste.txt")
    assert store.counts()["roster"] == 20
