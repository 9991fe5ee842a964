"""Every page as each role sees it (issue 15): signed in through AppTest's simulated
``st.user``, the pages show the viewer's part and nothing else, whatever session state says."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from queries import plan_store, user_store
from queries.store import Store
from socialkapital import audit, plans
from tests.analysis.helpers import ROUND, load

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "socialkapital",
    "client_secret": "test-only",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
PAGES = [
    "views/overview.py",
    "views/heatmap.py",
    "views/items.py",
    "views/correlations.py",
    "views/benchmark.py",
    "views/response.py",
    "views/reliability.py",
    "views/trends.py",
    "views/reports.py",
    "views/plans.py",
    "views/rules.py",
]
# Names a department manager of Mejeri Øst / Køkken must never see.
NOT_FOR_KIM = ("Pakkeri", "Vask", "Plejehjem", "Nattevagt", "Dagvagt")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("roles") / "roles.duckdb"
    store = Store(path)
    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6 + [("Mejeri Øst", "Pakkeri", [5] * 21)] * 7
    rows += [("Mejeri Øst", "Vask", [3] * 21)] * 5
    rows += [("Plejehjem Å", "Nattevagt", [3] * 21)] * 5
    rows += [("Plejehjem Å", "Dagvagt", [4] * 21)] * 6
    load(store, rows)
    user_store.add_user(store, "kim@x.dk", "department-manager", ["Mejeri Øst"], ["Køkken"])
    user_store.add_user(store, "med@x.dk", "works-council", ["Mejeri Øst"])
    user_store.add_user(store, "boss@x.dk", "management", ["Mejeri Øst"])
    plan = plans.Plan(
        workplace="Mejeri Øst",
        department="Pakkeri",
        round=ROUND,
        dimension="team",
        focus_area="Vagtskifte i Pakkeri",
        description="Fælles overlevering",
        responsible="Teamleder",
        start_date=__import__("datetime").date(2026, 4, 1),
        deadline=__import__("datetime").date(2026, 9, 1),
    )
    plan_store.save(store, plan)
    return path


def signed_in(db, monkeypatch, email: str) -> AppTest:
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": AUTH}
    at.user = {"is_logged_in": True, "email": email}
    return at


def everything_shown(at: AppTest) -> str:
    """Every text, label, option and table cell of the page, as one string."""
    found: list[str] = []

    def walk(node) -> None:
        for attr in ("value", "label", "options", "body", "caption"):
            try:
                value = getattr(node, attr, None)
            except Exception:  # some elements compute a value that needs a widget state
                continue
            if value is None:
                continue
            found.append(value.to_string() if hasattr(value, "to_string") else str(value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def sidebar_options(at: AppTest) -> dict[str, list]:
    return {box.label: list(box.options) for box in at.sidebar.selectbox}


def test_department_manager_sees_only_their_part_on_every_page(db, monkeypatch):
    at = signed_in(db, monkeypatch, "kim@x.dk").run()
    assert not at.exception
    boxes = sidebar_options(at)
    assert boxes["Arbejdsplads"] == ["Mejeri Øst"]
    assert boxes["Afdeling"] == ["Hele arbejdspladsen", "Køkken"]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        shown = everything_shown(at)
        leaked = [name for name in NOT_FOR_KIM if name in shown]
        assert not leaked, (page, leaked)
    # Their own department's figures are there: Køkken answered 'I høj grad' (75).
    at.sidebar.selectbox[2].set_value("Køkken").run()
    at.switch_page("views/overview.py").run()
    assert "Køkken" in everything_shown(at)


def test_session_state_cannot_widen_the_scope(db, monkeypatch):
    # The keys a page reads besides its widgets (widget values outside their options are
    # refused by Streamlit itself, before the page runs).
    at = signed_in(db, monkeypatch, "kim@x.dk").run()
    at.session_state["department"] = "Pakkeri"  # the choice carried between pages
    at.session_state["_viewer"] = None  # overwritten from the sign-in on every run
    at.session_state["plan_prefill"] = {
        "workplace": "Plejehjem Å",
        "department": "Nattevagt",
        "round": ROUND,
        "dimension": "team",
    }
    at.run()
    assert not at.exception
    for page in ("views/overview.py", "views/plans.py"):
        at.switch_page(page).run()
        shown = everything_shown(at)
        assert "Pakkeri" not in shown and "Nattevagt" not in shown, page


def test_pages_a_role_may_not_use_are_not_there(db, monkeypatch):
    at = signed_in(db, monkeypatch, "med@x.dk").run()
    for page in ("views/import_data.py", "views/admin.py"):
        with pytest.raises(Exception):  # noqa: B017 (AppTest's own error for an unknown page)
            at.switch_page(page).run()


def test_works_council_reads_plans_but_cannot_change_them(db, monkeypatch):
    at = signed_in(db, monkeypatch, "med@x.dk").run()
    at.switch_page("views/plans.py").run()
    assert not at.exception
    shown = everything_shown(at)
    assert "Vagtskifte i Pakkeri" in shown
    assert not at.expander or all("Ny" not in e.label for e in at.expander)
    assert not [b for b in at.button if "Gem" in str(b.label)]
    assert "Du kan læse planen" in shown


def test_management_may_make_plans(db, monkeypatch):
    at = signed_in(db, monkeypatch, "boss@x.dk").run()
    at.switch_page("views/plans.py").run()
    assert not at.exception
    assert any("Ny" in e.label for e in at.expander)


def test_an_unknown_user_sees_nothing(db, monkeypatch):
    at = signed_in(db, monkeypatch, "stranger@x.dk").run()
    assert not at.exception
    assert "Mejeri" not in everything_shown(at)
    assert ("stranger@x.dk", "refused") in zip(
        audit.read(db)["who"].to_list(), audit.read(db)["action"].to_list(), strict=True
    )


def test_admin_page_adds_a_user_and_shows_the_log(tmp_path, monkeypatch):
    path = tmp_path / "admin.duckdb"
    load(Store(path), [("Mejeri Øst", "Køkken", [4] * 21)] * 6)
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"unrelated": "value"}  # no [auth]: local use, which is an administrator
    at.run()
    at.switch_page("views/admin.py").run()
    assert not at.exception
    at.text_input(key="admin_email").input("Ny.Leder@X.dk")
    at.selectbox(key="admin_role").set_value("management")
    at.run()
    at.multiselect(key="admin_workplaces_management").select("Mejeri Øst")
    at.button(key="admin_save").click().run()
    assert not at.exception
    viewer = user_store.viewer_for(Store(path), "ny.leder@x.dk")
    assert viewer is not None and viewer.role == "management"
    assert viewer.workplaces == frozenset({"mejeri øst"})
    shown = everything_shown(at)
    assert "ny.leder@x.dk" in shown
    assert "Bruger tilføjet/ændret" in shown  # the log line, in words
