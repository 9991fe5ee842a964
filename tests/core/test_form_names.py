"""Issue 17: one name per form (long and short, from the instrument), the English wording of
the items, and that exports with the earlier English wording still match."""

from __future__ import annotations

import pytest

from socialkapital import instrument as instrument_mod


@pytest.fixture(scope="module")
def ins():
    return instrument_mod.load()


def test_each_form_has_one_long_and_one_short_name(ins):
    for dim in ins.dimensions:
        for lang in ("da", "en"):
            long, short = dim.names[lang], dim.short[lang]
            assert "/" not in long and "/" not in short
            # The long name ends in the short one: the same name, with its kind in front.
            assert long.casefold().endswith(short.casefold()), (long, short)
    # No form is called what the group row is called.
    shorts = {d.short["da"].casefold() for d in ins.dimensions}
    assert "hele arbejdspladsen" not in shorts and "arbejdspladsen" not in shorts


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (11, "Other groups have a good understanding of the work we do in our group"),
        (17, "Our immediate manager has a good understanding of the work we do"),
        (13, "Our immediate manager considers our needs and views when making decisions"),
    ],
)
def test_english_wording(ins, number, text):
    assert ins.items[number - 1].texts["en"] == text


@pytest.mark.parametrize(
    ("number", "earlier"),
    [
        (11, "Other groups understand the work we do in our group"),
        (17, "Our nearest manager understands the work we do"),
        (13, "Our nearest manager considers our needs and views when making decisions"),
        (18, "The nearest manager is good at giving my colleagues and me ideas on how to get "
         "better at our tasks"),
    ],
)  # fmt: skip
def test_the_earlier_english_wording_is_the_same_question(ins, number, earlier):
    assert ins.wording_key(number, earlier) == "standard"
