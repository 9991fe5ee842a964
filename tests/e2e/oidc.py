"""A dashboard with sign-in for the browser tests: a local OIDC provider, a secrets file with
``[auth]`` pointing at it, a demo store with a user per role, and `socialkapital serve`.

The provider is oidc-provider-mock in a thread of the test process. Its authorize page has
a button per predefined user: clicking one signs in as that user (``sub`` and ``email``).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

from queries import user_store
from queries.store import Store
from tests.e2e import ui
from tests.e2e.conftest import DEMO_RESPONDENTS, ROOT, _free_port, _wait_until_healthy

CLI = [sys.executable, "-c", "from socialkapital.cli import app; app()"]
WORKPLACE = "Vestjysk Mejeri"
OTHER_WORKPLACE = "Solgården Plejecenter"
OWN_DEPARTMENT = "Ostemejeri"
OTHER_DEPARTMENT = "Transport"


@dataclass(frozen=True)
class User:
    email: str
    role: str
    workplaces: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()


USERS = {
    "admin": User("admin@example.dk", "admin"),
    "consultant": User("konsulent@example.dk", "consultant", (WORKPLACE, OTHER_WORKPLACE)),
    "management": User("direktion@example.dk", "management", (WORKPLACE,)),
    "works-council": User("med@example.dk", "works-council", (WORKPLACE,)),
    "department-manager": User(
        "ostemester@example.dk", "department-manager", (WORKPLACE,), (OWN_DEPARTMENT,)
    ),
}
STRANGER = "fremmed@example.dk"  # signs in at the provider, but is no user of the store


@dataclass(frozen=True)
class SignInServer:
    url: str  # as the browser opens it: the host of redirect_uri, or the cookie is lost
    provider: str
    db: Path
    log: Path


def _demo_store(db: Path, demo: Path) -> None:
    env = {**os.environ, "SOCIALKAPITAL_DB": str(db)}
    for name in [n for n in env if n.startswith("SOCIALKAPITAL_") and n != "SOCIALKAPITAL_DB"]:
        del env[name]  # the default settings (threshold 5), whatever the shell says
    loaded = subprocess.run(
        [*CLI, "demo", "--load", "--out", str(demo), "--respondents", str(DEMO_RESPONDENTS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if loaded.returncode:
        raise RuntimeError(f"loading the demo data failed:\n{loaded.stdout}\n{loaded.stderr}")
    store = Store(db)
    for user in USERS.values():
        user_store.add_user(
            store, user.email, user.role, list(user.workplaces), list(user.departments)
        )


@contextmanager
def signed_in_server(tmp: Path) -> Iterator[SignInServer]:
    """The whole set-up, torn down afterwards."""
    from oidc_provider_mock import User as ProviderUser
    from oidc_provider_mock import run_server_in_thread

    db = tmp / "signin.duckdb"
    _demo_store(db, tmp / "demo")
    people = [*(u.email for u in USERS.values()), STRANGER]
    claims = [ProviderUser(sub=e, claims={"email": e, "name": e.split("@")[0]}) for e in people]
    with run_server_in_thread(user_claims=claims) as provider_server:
        provider = f"http://localhost:{provider_server.server_port}"
        port = _free_port()
        url = f"http://localhost:{port}"
        secrets_file = tmp / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "socialkapital"\n'
            f'client_secret = "{secrets.token_urlsafe(16)}"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        log = tmp / "streamlit-signin.log"
        command = [*CLI, "serve", "--port", str(port), "--address", "127.0.0.1"]
        command += ["--secrets", str(secrets_file), "--db", str(db)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALKAPITAL_")}
        with log.open("w") as out:
            proc = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True
            )
        try:
            _wait_until_healthy(proc, f"http://127.0.0.1:{port}", log)
            yield SignInServer(url, provider, db, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def sign_in_page(page: Page) -> None:
    """Wait for the sign-in page (and nothing else) to be drawn."""
    ui.settle(page)
    expect(page.get_by_role("heading", name="Log ind for at se resultaterne")).to_be_visible()


def sign_in(page: Page, server: SignInServer, email: str) -> None:
    """From the sign-in page through the provider's authorize page, back to the dashboard."""
    page.goto(server.url)
    sign_in_page(page)
    page.get_by_test_id("stMain").get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{server.provider}/oauth2/authorize**")
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{server.url}/**")
    ui.settle(page)
