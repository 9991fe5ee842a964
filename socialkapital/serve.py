"""``socialkapital serve``: start the dashboard, on this computer only unless sign-in is set up.

Without an ``[auth]`` section in the secrets Streamlit reads, the server listens on 127.0.0.1
and refuses any other address: the results are about colleagues and managers, and without
sign-in anyone who can reach the port would see them. With sign-in it listens on the network
(0.0.0.0, or ``--address``), and every page asks who is signed in (dashboard/auth.py).
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer

from socialkapital import settings
from socialkapital.cli_options import DbOption, LangOption, fail

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
LOCAL = "127.0.0.1"
NETWORK = "0.0.0.0"

# Messages of this command only. They belong in data/locales ([serve]); kept here until
# the locale files are free to change.
_TEXT = {
    "da": {
        "local": "Dashboardet: http://{address}:{port} (kun denne computer; ingen log-ind).",
        "network": "Dashboardet lytter på {address}:{port}; log-ind er slået til ({files}).",
        "open_at": "Brugerne åbner {url}",
        "refused": (
            "--address {address} ville gøre dashboardet synligt på netværket, men der er ikke "
            "sat log-ind op ([auth] i {files}). Uden log-ind lytter det kun på 127.0.0.1; se "
            "README, »Delt brug«."
        ),
        "bad_secrets": "{path} kan ikke læses: {reason}",
        "no_users": (
            "Der er ingen brugere endnu, så ingen kan logge ind. Tilføj den første "
            "administrator: socialkapital users add EMAIL --role admin"
        ),
        "store": "Database: {path}",
    },
    "en": {
        "local": "The dashboard: http://{address}:{port} (this computer only; no sign-in).",
        "network": "The dashboard listens on {address}:{port}; sign-in is on ({files}).",
        "open_at": "Users open {url}",
        "refused": (
            "--address {address} would make the dashboard visible on the network, but no "
            "sign-in is set up ([auth] in {files}). Without sign-in it listens on 127.0.0.1 "
            'only; see the README, "Shared use".'
        ),
        "bad_secrets": "{path} cannot be read: {reason}",
        "no_users": (
            "There are no users yet, so nobody can sign in. Add the first administrator: "
            "socialkapital users add EMAIL --role admin"
        ),
        "store": "Store: {path}",
    },
}


def _say(key: str, lang: str, **values: object) -> str:
    return _TEXT.get(lang, _TEXT["da"])[key].format(**values)


def is_loopback(address: str | None) -> bool:
    """127.x, ::1 or localhost; not an empty address (Streamlit then listens everywhere)."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def secrets_files(explicit: Path | None = None) -> list[Path]:
    """The secrets files the server reads: ``--secrets``, or where Streamlit looks when it
    runs the app from the project folder (home, project, next to the app; later ones win)."""
    if explicit is not None:
        return [explicit.resolve()]
    return [
        Path.home() / ".streamlit" / "secrets.toml",
        ROOT / ".streamlit" / "secrets.toml",
        APP.parent / ".streamlit" / "secrets.toml",
    ]


class BadSecrets(ValueError):
    """A secrets file that exists but cannot be read (Streamlit would refuse it too)."""

    def __init__(self, path: Path, reason: object) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def find_auth(files: list[Path]) -> tuple[dict, Path] | None:
    """The ``[auth]`` section Streamlit would use and its file (the last that has one)."""
    found = None
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise BadSecrets(path, exc) from exc
        # Streamlit merges the files top-level key by key: a later [auth] replaces an earlier.
        if isinstance(data.get("auth"), dict):
            found = (data["auth"], path)
    return found


def listen_address(address: str | None, signed_in: bool) -> str | None:
    """Where to listen; None when the address is refused (network without sign-in)."""
    if address is None:
        return NETWORK if signed_in else LOCAL
    if signed_in or is_loopback(address):
        return address
    return None


def command(port: int, address: str, files: list[Path]) -> list[str]:
    """The ``streamlit run`` command line (run from the project folder)."""
    return [
        *[sys.executable, "-m", "streamlit", "run", str(APP)],
        *["--server.port", str(port), "--server.address", address],
        *["--server.headless", "true"],
        # A server does not reload on file changes.
        *["--server.fileWatcherType", "none"],
        *["--browser.gatherUsageStats", "false"],
        # Exactly the files checked here, so the server and this check agree on sign-in.
        *[arg for path in files for arg in ("--secrets.files", str(path))],
    ]


def _exec(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    """Become the server: signals (Ctrl-C, docker stop) then reach Streamlit directly."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(cwd)
    os.execvpe(argv[0], argv, env)


def _warn_without_users(db: Path, lang: str) -> None:
    from queries import user_store
    from queries.store import Store, StoreBusy, StoreError

    try:
        users = user_store.list_users(Store(db, settings=settings.from_env()))
    except (StoreBusy, StoreError, settings.SettingsError, OSError):
        return  # the dashboard says what is wrong with the store
    if not users.height:
        typer.echo(_say("no_users", lang), err=True)


def serve(
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8501,
    address: Annotated[
        str | None,
        typer.Option(
            help="The address to listen on (default: 127.0.0.1; with sign-in 0.0.0.0). "
            "Beyond this computer only with sign-in.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    secrets: Annotated[
        Path | None,
        typer.Option(
            help="The secrets.toml that sets up sign-in (default: .streamlit/secrets.toml).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = "da",
) -> None:
    """Start the dashboard: on 127.0.0.1 only, unless sign-in is set up."""
    files = secrets_files(secrets)
    try:
        found = find_auth(files)
    except BadSecrets as exc:
        fail(_say("bad_secrets", lang, path=exc.path, reason=exc.reason), 2)
    chosen = listen_address(address, found is not None)
    if chosen is None:
        shown = ", ".join(str(p) for p in files)
        fail(_say("refused", lang, address=address, files=shown), 2)
    store = settings.db_path(db).resolve()
    env = {**os.environ, "SOCIALKAPITAL_DB": str(store)}
    if found is None:
        typer.echo(_say("local", lang, address=chosen, port=port))
    else:
        auth, where = found
        typer.echo(_say("network", lang, address=chosen, port=port, files=where))
        redirect = str(auth.get("redirect_uri", ""))
        if redirect.endswith("/oauth2callback"):
            typer.echo(_say("open_at", lang, url=redirect.removesuffix("oauth2callback")))
        _warn_without_users(store, lang)
    typer.echo(_say("store", lang, path=store))
    _exec(command(port, chosen, files), env, ROOT)
