"""AppTest of the import page's reporting groups (issue 18): the proposals after a roster
import, departments typed before any roster, and the advice for the next round."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import group_store
from queries.store import Store
from socialkapital.importers import read_responses
from tests.conftest import template_rows, to_csv

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
W = "Mejeri Øst"
R = "Forår 2026"


@pytest.fixture
def db(tmp_path, monkeypatch, ins):
    """Round 'Forår 2026': Direktion 3, Administration 8, Rengøring 6, Lager 9 answered."""
    path = tmp_path / "dash.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    sizes = {"Direktion": 3, "Administration": 8, "Rengøring": 6, "Lager": 9}
    rows = [(W, d, [4] * 21) for d, n in sizes.items() for _ in range(n)]
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    store.replace_responses(parsed.responses, R, None, "svar.csv", "template")
    return path


def import_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/import_data.py").run()
    return at


def basis(at):
    """The 'Planlæg ud fra' choice (keyed by workplace and round)."""
    return next(r for r in at.radio if r.key.startswith("groups_basis_"))


def shown(at) -> str:
    return " ".join(e.value for e in [*at.warning, *at.success, *at.info, *at.markdown])


def test_proposals_after_a_roster_import(db):
    at = import_page()
    sizes = {"Direktion": 4, "Administration": 36, "Rengøring": 26}
    lines = [f"{d[:3].lower()}{i}@x.dk;N;{d}" for d, n in sizes.items() for i in range(n)]
    data = "\n".join(lines).encode()
    at.file_uploader(key="roster_file").set_value(("liste.txt", data, "text/plain")).run()
    at.selectbox(key="roster_round").select(R).run()
    at.text_input(key="roster_workplace").input(W).run()
    at.button(key="roster_confirm").click().run()
    assert not at.exception
    # The roster is of the round with answers: planned from the invited, at the
    # workplace's rate (no earlier round: the setting's 80 %). 4 × 0,8 = 3.
    text = shown(at)
    assert "Direktion (4 inviterede, ca. 3 svar) får for få svar til at blive vist." in text
    assert "For at beskytte den skjules også Rengøring (26 inviterede, ca. 20 svar)." in text
    assert "»Direktion + Rengøring«" in text
    # The user prefers management with administration, under a name of their own.
    at.multiselect(key="roster_groups_members_0").unselect("Rengøring").select("Administration")
    at.text_input(key="roster_groups_name_0").input("Ledelse og administration").run()
    assert "Med denne opdeling kan alle afdelinger og grupper vises." in shown(at)
    at.button(key="roster_groups_save").click().run()
    assert not at.exception
    assert "Rapportgrupperne for Mejeri Øst" in shown(at)
    store = Store(db)
    assert group_store.layout(store, W, R) == {
        "Direktion": "Ledelse og administration",
        "Administration": "Ledelse og administration",
    }
    # The answers already stored moved with it: 3 + 8 under the group.
    counts = dict(group_store.counts(store, W, R).select("department", "respondents").iter_rows())
    assert counts == {"Ledelse og administration": 11, "Lager": 9, "Rengøring": 6}


def test_departments_typed_before_any_roster(db):
    at = import_page()
    at.selectbox(key="groups_workplace").select("Ny arbejdsplads …").run()
    at.text_input(key="groups_new_workplace").input("Plejehjem Å").run()
    at.selectbox(key="groups_round").select("Ny måling …").run()
    at.text_input(key="groups_round_name").input("Efterår 2026").run()
    assert basis(at).options == ["Afdelinger, jeg skriver selv"]
    at.text_area(key="groups_typed").input("Ledelse; 3\nNattevagt; 12\nDagvagt; 40").run()
    assert not at.exception
    text = shown(at)
    # 3 × 0,8 = 2 and 12 × 0,8 = 9: the smallest sibling, Nattevagt, is hidden with Ledelse.
    assert "Ledelse (3 inviterede, ca. 2 svar)" in text
    assert "Nattevagt (12 inviterede, ca. 9 svar)" in text
    at.checkbox(key="groups_on_0").uncheck().run()
    assert "Med denne opdeling skjules stadig 2 afdelinger:" in shown(at)
    at.checkbox(key="groups_on_0").check().run()
    at.button(key="groups_save").click().run()
    assert not at.exception
    store = Store(db)
    assert group_store.layout(store, "Plejehjem Å", "Efterår 2026") == {
        "Ledelse": "Ledelse + Nattevagt",
        "Nattevagt": "Ledelse + Nattevagt",
    }


def test_the_advice_for_the_next_round(db):
    at = import_page()
    at.selectbox(key="groups_workplace").select(W).run()
    at.selectbox(key="groups_round").select("Ny måling …").run()
    at.text_input(key="groups_round_name").input("Forår 2027").run()
    assert basis(at).value == "earlier"  # the new round has no roster or answers yet
    basis(at).set_value("earlier").run()
    assert not at.exception
    assert any(h.value == "Til næste måling" for h in at.subheader)
    text = shown(at)
    assert "Direktion (3 svar) får for få svar til at blive vist." in text
    assert "For at beskytte den skjules også Rengøring (6 svar)." in text
    at.button(key="groups_save").click().run()
    store = Store(db)
    assert group_store.layout(store, W, "Forår 2027") == {
        "Direktion": "Direktion + Rengøring",
        "Rengøring": "Direktion + Rengøring",
    }
    assert group_store.layout(store, W, R) == {}  # the round that was is left as it was


def test_advice_for_the_next_round_right_after_answers_are_stored(db):
    at = import_page()
    rows = [(W, "Ledelse", [4] * 21)] * 2 + [(W, "Lager", [4] * 21)] * 9
    rows += [(W, "Kantine", [4] * 21)] * 7
    data = to_csv(template_rows(rows))
    at.file_uploader(key="answers_file").set_value([("svar.csv", data, "text/csv")]).run()
    at.selectbox(key="answers_round").select("Ny måling …").run()
    at.text_input(key="answers_round_name").input("Efterår 2026").run()
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert any(h.value == "Til næste måling" for h in at.subheader)
    text = shown(at)
    # 2 answered in Ledelse; the smallest sibling, Kantine (7), is hidden to protect it.
    assert "Ledelse (2 svar) får for få svar til at blive vist." in text
    assert "For at beskytte den skjules også Kantine (7 svar)." in text
