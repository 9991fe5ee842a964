"""Sign-in (dashboard/auth.py), with AppTest's simulated ``st.user`` and secrets (issue 15
"Trust"). The real round trip through an OIDC provider is in tests/e2e/test_signin.py."""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest

from queries import user_store
from queries.store import Store
from socialkapital import access, audit, text
from tests.analysis.helpers import load

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "socialkapital",
    "client_secret": "test-only",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def _script() -> None:
    """The router's first step, then what the run would go on to show."""
    import os

    import streamlit as st

    from dashboard import auth
    from queries.store import Store

    viewer = auth.current_viewer(Store(os.environ["SOCIALKAPITAL_DB"]))
    st.markdown(f"viewer: {viewer.role} {viewer.email} {sorted(viewer.departments or [])}")


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "auth.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    s = Store(path)
    load(s, [("Mejeri Øst", d, [4] * 21) for d in ("Køkken", "Pakkeri") for _ in range(5)])
    user_store.add_user(s, "Chef@Example.dk", "admin")
    user_store.add_user(s, "leder@example.dk", "department-manager", ["Mejeri Øst"], ["Køkken"])
    return s


@pytest.fixture
def address():
    """Set the server address a run sees; restored afterwards."""
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def app(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    # Some secrets without [auth] stand for "no sign-in": AppTest then uses them instead of
    # whatever secrets.toml this machine has.
    at.secrets = secrets if secrets is not None else {"unrelated": "value"}
    at.user = user if user is not None else {}
    return at


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header]
    parts += [e.value for e in [*at.error, *at.warning, *at.caption, *at.sidebar.caption]]
    return "\n".join(str(p) for p in parts)


def viewer_line(at: AppTest) -> str | None:
    found = [m.value for m in at.markdown if str(m.value).startswith("viewer:")]
    return found[0] if found else None


def audit_actions(store: Store) -> list[tuple[str, str]]:
    log = audit.read(store.path)
    return list(zip(log["who"].to_list(), log["action"].to_list(), strict=True))[::-1]


def test_without_sign_in_the_viewer_is_local_use(store, address):
    address("127.0.0.1")
    at = app().run()
    assert not at.exception
    assert viewer_line(at) == "viewer: admin None []"
    assert [c.value for c in at.sidebar.caption] == [text.t("access.local_only", "da")]
    assert not at.button  # nothing to sign in or out of


def test_without_a_secrets_file_it_is_not_configured(tmp_path):
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(tmp_path / "missing.toml")])
    try:
        from dashboard import auth

        # A fresh Secrets (the app's is module-wide): no file is "not configured", no error.
        auth.st.secrets, saved = Secrets(), auth.st.secrets
        try:
            assert auth.configured() is False
        finally:
            auth.st.secrets = saved
    finally:
        config.set_option("secrets.files", before)


@pytest.mark.parametrize("where", ["0.0.0.0", "", "192.168.1.10"])
def test_on_the_network_without_sign_in_nothing_is_shown(store, address, where):
    address(where)
    at = app().run()
    assert not at.exception
    assert viewer_line(at) is None
    [error] = at.error
    assert error.value == text.t("access.network_without_sign_in", "da", address=where or "0.0.0.0")


def test_configured_and_not_signed_in_shows_only_the_sign_in_page(store):
    at = app({"auth": AUTH}, {"is_logged_in": False}).run()
    assert not at.exception
    assert viewer_line(at) is None
    assert [h.value for h in at.header] == [text.t("access.sign_in_heading", "da")]
    assert text.t("access.sign_in_intro", "da") in [m.value for m in at.markdown]
    [button] = at.button
    assert button.label == text.t("access.sign_in", "da")
    assert button.proto.type == "primary"
    assert not at.sidebar.caption  # not even "local use"
    assert audit_actions(store) == []


def test_the_sign_in_page_follows_the_language(store):
    at = app({"auth": AUTH}, {"is_logged_in": False})
    at.session_state["lang"] = "en"
    at.run()
    assert [h.value for h in at.header] == ["Sign in to see the results"]
    assert [b.label for b in at.button] == ["Sign in"]


def test_named_providers_get_a_button_each(store):
    shared = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    one = app({"auth": {**shared, "entra": provider}}, {"is_logged_in": False}).run()
    assert [b.label for b in one.button] == [text.t("access.sign_in", "da")]
    two = app({"auth": {**shared, "entra": provider, "google": provider}}, {"is_logged_in": False})
    two.run()
    assert [b.label for b in two.button] == ["Log ind: entra", "Log ind: google"]


def test_a_signed_in_user_gets_their_role_and_scope(store):
    user = {"is_logged_in": True, "email": "LEDER@example.dk", "name": "Lea Leder"}
    at = app({"auth": AUTH}, user).run()
    assert not at.exception
    assert (
        viewer_line(at) == "viewer: department-manager leder@example.dk [('mejeri øst', 'køkken')]"
    )
    role = text.t("role.department-manager", "da")
    # The e-mail as a code span: shown as text, not as a mailto link.
    expected = text.t("access.signed_in_as", "da", email="`leder@example.dk`", role=role)
    assert [c.value for c in at.sidebar.caption] == [expected]
    assert [b.label for b in at.sidebar.button] == [text.t("access.sign_out", "da")]
    at.run()
    at.run()
    # One line per session, not per run.
    assert audit_actions(store) == [("leder@example.dk", "sign_in")]


def test_session_state_cannot_widen_the_scope(store):
    """The viewer comes from st.user on every run; a viewer put in session state is ignored."""
    at = app({"auth": AUTH}, {"is_logged_in": True, "email": "leder@example.dk"})
    at.session_state["_viewer"] = access.LOCAL
    at.session_state["viewer"] = access.LOCAL
    at.run()
    assert viewer_line(at).startswith("viewer: department-manager leder@example.dk")


def test_a_signed_in_stranger_has_no_access(store):
    at = app({"auth": AUTH}, {"is_logged_in": True, "email": "ukendt@example.dk"}).run()
    assert not at.exception
    assert viewer_line(at) is None
    [warning] = at.warning
    assert warning.value == text.t("access.no_access", "da", email="`ukendt@example.dk`")
    assert [b.label for b in at.button] == [text.t("access.sign_out", "da")]
    at.run()
    assert audit_actions(store) == [("ukendt@example.dk", "refused")]


@pytest.mark.parametrize("verified", [False, "false"])
def test_an_unverified_email_is_no_access(store, verified):
    user = {"is_logged_in": True, "email": "chef@example.dk", "email_verified": verified}
    at = app({"auth": AUTH}, user).run()
    assert not at.exception
    assert viewer_line(at) is None
    assert len(at.warning) == 1
    log = audit.read(store.path)
    assert log["action"].to_list() == ["refused"]
    assert log["detail"].to_list() == ["e-mail not verified"]


def test_a_verified_email_is_a_user(store):
    user = {"is_logged_in": True, "email": "chef@example.dk", "email_verified": True}
    assert viewer_line(app({"auth": AUTH}, user).run()) == "viewer: admin chef@example.dk []"


def test_no_email_claim_is_no_access(store):
    at = app({"auth": AUTH}, {"is_logged_in": True, "sub": "1234"}).run()
    assert not at.exception
    assert viewer_line(at) is None
    assert len(at.warning) == 1


def test_sign_out(store):
    at = app({"auth": AUTH}, {"is_logged_in": True, "email": "chef@example.dk"}).run()
    assert viewer_line(at) == "viewer: admin chef@example.dk []"
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}
    assert audit_actions(store) == [("chef@example.dk", "sign_in"), ("chef@example.dk", "sign_out")]
    at.run()
    assert viewer_line(at) is None
    assert [h.value for h in at.header] == [text.t("access.sign_in_heading", "da")]
