"""The instrument file: 21 items, four forms, the scale, and its checks."""

from __future__ import annotations

import pytest

from socialkapital import instrument


def test_the_nfa_instrument(ins):
    assert len(ins.items) == 21
    assert ins.dimension_keys == ["team", "between", "leader", "workplace"]
    sizes = {d: len(ins.items_of(d)) for d in ins.dimension_keys}
    assert sizes == {"team": 6, "between": 6, "leader": 6, "workplace": 3}
    assert [p.score for p in ins.scale] == [0, 25, 50, 75, 100]
    assert ins.items[0].texts["da"].startswith("I vores gruppe hjælper vi kolleger")
    assert ins.items[20].texts["en"] == "In the group we feel a strong attachment to our workplace"


@pytest.mark.parametrize(
    ("dimension", "share", "expected"),
    [("team", 0.5, 3), ("workplace", 0.5, 2), ("team", 1.0, 6), ("workplace", 0.34, 2)],
)
def test_min_answered(ins, dimension, share, expected):
    assert ins.min_answered(dimension, share) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I høj grad", 4),
        ("  i HØJ   grad ", 4),
        ("To a very large extent", 5),
        ("1", 1),
        ("5.0", 5),
        ("Ved ikke", None),
        ("Don’t know", None),
        ("", None),
    ],
)
def test_answer_lookup(ins, text, code):
    lookup = ins.answer_lookup()
    assert lookup[instrument.normalise_text(text)] == code


def test_unknown_answers_are_not_in_the_lookup(ins):
    lookup = ins.answer_lookup()
    for text in ["0", "6", "7", "Måske", "4,5"]:
        assert instrument.normalise_text(text) not in lookup


def test_a_broken_instrument_is_refused(tmp_path):
    good = instrument.DEFAULT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(good.replace('dimension = "workplace"', 'dimension = "nowhere"', 1))
    with pytest.raises(instrument.InstrumentError, match="unknown dimension 'nowhere'"):
        instrument.load(broken)
    (tmp_path / "bad.toml").write_text("name = [")
    with pytest.raises(instrument.InstrumentError, match="cannot read"):
        instrument.load(tmp_path / "bad.toml")
