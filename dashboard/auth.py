"""Who is looking: sign-in with Streamlit's OIDC support, or local use on this machine only.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` the dashboard is for one person
on their own computer: it must listen on 127.0.0.1 only, and the viewer is ``access.LOCAL``.
With one, every run asks ``st.user`` who is signed in and looks the e-mail up in the store.
The viewer is derived afresh on every run and never read back from session state, so
nothing a session holds can widen a scope.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from queries import user_store
from queries.store import Store
from socialkapital import access, audit, text
from socialkapital.serve import is_loopback

# Session flags that keep the audit log to one line per session (never a viewer).
_SIGNED_IN = "_auth_logged_sign_in"
_REFUSED = "_auth_logged_refused"


def _lang() -> str:
    return st.session_state.get("lang", text.DEFAULT_LANG)


def _t(key: str, **values: object) -> str:
    return text.t(key, _lang(), **values)


def _auth_section() -> Mapping | None:
    """The ``[auth]`` section of the secrets, or None (no secrets file, no section, a file
    that does not parse)."""
    try:
        section = st.secrets.get("auth") if "auth" in st.secrets else None
    except Exception:  # StreamlitSecretNotFoundError and parse errors: not configured
        return None
    return section if isinstance(section, Mapping) else None


def configured() -> bool:
    """Is sign-in set up (an ``[auth]`` section in the secrets)?"""
    return _auth_section() is not None


def providers() -> list[str | None]:
    """The providers ``st.login`` can use: None for settings directly under ``[auth]``, and
    the name of each ``[auth.NAME]`` table."""
    section = _auth_section() or {}
    found: list[str | None] = [None] if "client_id" in section else []
    found += [name for name, value in section.items() if isinstance(value, Mapping)]
    return found or [None]


def current_viewer(store: Store) -> access.Viewer:
    """The viewer of this run; stops the run at the sign-in page, a refusal or a server
    that listens on the network without sign-in."""
    if not configured():
        address = st.get_option("server.address")
        if not is_loopback(address):
            # Defence in depth: `socialkapital serve` never starts like this, but a plain
            # `streamlit run` with another address (or none: every interface) would.
            st.error(_t("access.network_without_sign_in", address=address or "0.0.0.0"))
            st.stop()
        st.sidebar.caption(_t("access.local_only"))
        return access.LOCAL
    if not st.user.get("is_logged_in", False):
        _sign_in_page()
        st.stop()
    email = st.user.get("email")
    # An e-mail the provider itself says is unverified names nobody (a user could have typed
    # someone else's); a provider that says nothing is trusted for its own accounts.
    unverified = str(st.user.get("email_verified", "")).lower() == "false"
    viewer = None if unverified else user_store.viewer_for(store, email)
    if viewer is None:
        if st.session_state.get(_REFUSED) != email:
            why = "e-mail not verified" if unverified else "no user of this store"
            audit.record(store.path, email or "?", "refused", why)
            st.session_state[_REFUSED] = email
        st.warning(_t("access.no_access", email=_plain(email or "?")))
        _sign_out_button(store, email, st)
        st.stop()
    if st.session_state.get(_SIGNED_IN) != viewer.email:
        audit.record(store.path, viewer.email, "sign_in", viewer.role)
        st.session_state[_SIGNED_IN] = viewer.email
    role = _t(f"role.{viewer.role}")
    st.sidebar.caption(_t("access.signed_in_as", email=_plain(viewer.email), role=role))
    _sign_out_button(store, viewer.email, st.sidebar)
    return viewer


def _plain(value: str | None) -> str:
    """An e-mail in markdown as text: a code span, so it is neither a mailto link (markdown
    links an e-mail even when escaped) nor read as emphasis (``first_last@``)."""
    return "`" + (value or "").replace("`", "'") + "`"


def _sign_in_page() -> None:
    """A heading, why, and one button per provider (one, as a rule)."""
    st.header(_t("access.sign_in_heading"), anchor=False)
    st.write(_t("access.sign_in_intro"))
    names = providers()
    for name in names:
        label = _t("access.sign_in") if len(names) == 1 else f"{_t('access.sign_in')}: {name}"
        if st.button(label, type="primary", key=f"sign_in_{name}", icon=":material/login:"):
            st.login(name)  # None: the settings directly under [auth]


def _sign_out_button(store: Store, email: str | None, where) -> None:
    if where.button(_t("access.sign_out"), key="sign_out", icon=":material/logout:"):
        audit.record(store.path, email or "?", "sign_out")
        st.session_state.pop(_SIGNED_IN, None)
        st.session_state.pop(_REFUSED, None)
        st.logout()
