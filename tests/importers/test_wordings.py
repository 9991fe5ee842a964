"""How each question was worded in an export is recorded at import, so that a trend does not
silently cross a reworded question: the item's statement or an alias counts as the same
question, a workplace's own sentence does not, and a bare code says nothing."""

from __future__ import annotations

from socialkapital.importers import load_export, read_responses, wording_frame
from socialkapital.importers.mapping import suggest
from socialkapital.instrument import load
from tests.importers.helpers import FIXTURES

GOOGLE = FIXTURES / "google_forms" / "responses.csv"
OWN_7 = "Vi arbejder godt sammen med de andre afdelinger i huset"
ITEM_7 = "Der er et godt samarbejde mellem vores egen gruppe og de øvrige grupper/afdelinger"
ITEM_15 = "Den nærmeste leder bidrager til at løse konkrete problemer i hverdagen"
ALIAS_15 = "Vores nærmeste leder bidrager til at løse konkrete problemer i hverdagen"


def google(*swaps: tuple[str, str]) -> bytes:
    data = GOOGLE.read_text(encoding="utf-8")
    header, rest = data.split("\n", 1)
    for old, new in swaps:
        assert old in header
        header = header.replace(old, new)
    return (header + "\n" + rest).encode()


def test_statements_in_the_header_are_recorded_as_the_standard_wording():
    ins = load()
    parsed = read_responses(google(), "g.csv", ins)
    assert parsed.wordings["q7"] == ITEM_7
    assert {ins.wording_key(int(k[1:]), w) for k, w in parsed.wordings.items()} == {"standard"}
    assert not [key for key, _ in parsed.notes if key == "note.reworded"]
    assert len(parsed.wordings) == 21


def test_an_alias_is_recorded_as_written_and_counts_as_the_same_question():
    ins = load()
    parsed = read_responses(google((ITEM_15, ALIAS_15)), "g.csv", ins)
    assert parsed.wordings["q15"] == ALIAS_15
    assert ins.wording_key(15, ALIAS_15) == "standard"
    # A translation is the same question too; case and punctuation do not matter.
    english = "The immediate manager helps solve concrete everyday problems."
    assert ins.wording_key(15, english) == "standard"
    assert ins.wording_key(15, ITEM_15.upper() + "!") == "standard"


def test_a_workplaces_own_sentence_mapped_by_the_user_is_recorded_as_its_own_wording():
    ins = load()
    data = google((ITEM_7, OWN_7))
    source = load_export({"g.csv": data}, ins)
    mapping = suggest(source, ins)
    assert mapping.items[6] is None  # never matched automatically
    mapping.items[6] = next(c.key for c in source.columns if OWN_7 in c.text)
    parsed = read_responses(data, "g.csv", ins, mapping=mapping)
    assert parsed.wordings["q7"] == OWN_7  # the part in brackets, without the grid title
    assert ("note.reworded", {"items": "7"}) in parsed.notes  # said before anything is stored
    assert ins.wording_key(7, OWN_7) == "vi arbejder godt sammen med de andre afdelinger i huset"


def test_code_headers_say_nothing_about_the_wording():
    from socialkapital.importers import Mapping

    mapping = Mapping.from_toml((FIXTURES / "limesurvey" / "mapping.toml").read_text())
    path = FIXTURES / "limesurvey" / "results-survey123456.csv"
    parsed = read_responses(path.read_bytes(), path.name, load(), mapping=mapping)
    assert set(parsed.wordings.values()) == {None}


def test_the_wording_frame_has_a_row_per_workplace_and_question():
    ins = load()
    parsed = read_responses(google(), "g.csv", ins)
    frame = wording_frame([parsed], ins)
    assert frame.height == 21 * len(parsed.workplaces)
    assert set(frame["workplace"]) == set(parsed.workplaces)
