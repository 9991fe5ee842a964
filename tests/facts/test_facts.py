"""Workplace facts (issue 18 item 1): the CVR number's modulus-11 check, the DB07 sections,
and the facts in a summary only for workplaces seen by name."""

from __future__ import annotations

import pytest

from socialkapital import access, facts

# Weights 2 7 6 5 4 3 2 1; a CVR number is valid when the weighted sum is a multiple of 11.
VALID = [
    # 1·2 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 + 4·1 = 2+14+18+20+20+18+14+4 = 110 = 10·11
    ("12345674", "12345674"),
    ("12 34 56 74", "12345674"),
    (" 1234 5674 ", "12345674"),
    # 1·2 + 0 + … + 0 + 9·1 = 11
    ("10000009", "10000009"),
    # 9·2 + 8·7 + 7·6 + 6·5 + 5·4 + 4·3 + 3·2 = 18+56+42+30+20+12+6 = 184 = 16·11 + 8,
    # and + 3·1 = 187 = 17·11
    ("98765433", "98765433"),
]
CHECK_FAILS = [
    "12345678",  # 106 + 8 = 114 = 10·11 + 4
    "12345675",  # 106 + 5 = 111 = 10·11 + 1
    "98765432",  # 184 + 2 = 186 = 16·11 + 10
]
WRONG_FORM = ["1234567", "123456745", "1234567a", "12-34-56-74", "01234567", "１２３４５６７４"]


@pytest.mark.parametrize(("typed", "stored"), VALID)
def test_valid_cvr_numbers_are_kept_as_eight_digits(typed, stored):
    assert facts.cvr(typed) == stored


@pytest.mark.parametrize("typed", CHECK_FAILS)
def test_a_wrong_check_digit_is_refused_naming_the_value(typed):
    with pytest.raises(facts.BadFact) as caught:
        facts.cvr(typed)
    assert caught.value.key == "facts.cvr_check"
    assert f"»{typed}«" in caught.value.message("da")
    assert typed in str(caught.value)


@pytest.mark.parametrize("typed", WRONG_FORM)
def test_anything_but_eight_digits_is_refused_naming_the_value(typed):
    with pytest.raises(facts.BadFact) as caught:
        facts.cvr(typed)
    assert caught.value.key == "facts.cvr_form"
    assert typed in caught.value.message("en")


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_empty_is_unknown(typed):
    assert facts.cvr(typed) is None
    assert facts.industry(typed) is None


def test_the_db07_sections_are_a_to_u_in_both_languages():
    sections = facts.industries()
    assert list(sections) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert all(s.da and s.en for s in sections.values())
    assert sections["Q"].name("da") == "Sundhed og socialvæsen"
    assert sections["F"].name("en") == "Construction"


def test_industry_and_employees_are_checked():
    assert facts.industry(" q ") == "Q"
    with pytest.raises(facts.BadFact, match="“V”"):
        facts.industry("V")
    assert facts.employees(42) == 42
    for bad in (0, -3, True):
        with pytest.raises(facts.BadFact):
            facts.employees(bad)


def test_facts_go_only_to_workplaces_seen_by_name():
    data = {
        "groups": [
            {"workplace": None, "department": None},
            {"workplace": "Mejeri Øst", "department": None},
            {"workplace": "Mejeri Øst", "department": "Køkken"},
            {"workplace": "Arbejdsplads A", "department": None},
        ]
    }
    known = {
        "Mejeri Øst": facts.Facts("12345674", "C", 40),
        "Plejehjem Å": facts.Facts("10000009", "Q", 120),
    }
    viewer = access.Viewer("m@x.dk", "management", frozenset({"mejeri øst"}))
    groups = facts.add_to_summary(data, known, viewer, "en")["groups"]
    assert "facts" not in groups[0] and "facts" not in groups[2]
    assert groups[1]["facts"] == {
        "cvr": "12345674",
        "industry": {"code": "C", "name": "Manufacturing"},
        "employees": 40,
    }
    assert groups[3]["facts"] is None
