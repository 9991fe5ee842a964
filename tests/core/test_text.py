"""Numbers and counted words in the user's language."""

from __future__ import annotations

from socialkapital import text


def test_a_change_has_its_sign_and_the_language_decimal_mark():
    assert text.signed(3.44, "da") == "+3,4"
    assert text.signed(-2.0, "da") == "-2,0"
    assert text.signed(1.25, "en", 2) == "+1.25"


def test_a_change_that_rounds_to_nothing_has_no_sign():
    assert text.signed(-0.04, "da") == "0,0"
    assert text.signed(0.04, "en") == "0.0"


def test_one_of_a_thing_reads_as_one():
    assert text.t("note.duplicates", "da", count=1).startswith("1 person har")
    assert text.t("note.duplicates", "da", count=2).startswith("2 personer har")
    assert text.t("note.skipped_empty", "en", count=1) == "1 row without any answer was skipped."
    assert text.t("cli.read", "da", count=1, file="f", tool="t") == "f: t, 1 besvarelse."
