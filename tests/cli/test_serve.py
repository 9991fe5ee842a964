"""`socialkapital serve`: on 127.0.0.1 only unless sign-in is set up (issue 15 "Trust")."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialkapital import serve
from socialkapital.cli import app

runner = CliRunner()
AUTH = """
[auth]
redirect_uri = "https://kapital.example.dk/oauth2callback"
cookie_secret = "not-a-real-secret"
client_id = "socialkapital"
client_secret = "not-a-real-secret"
server_metadata_url = "https://login.example.dk/.well-known/openid-configuration"
"""


@pytest.fixture
def started(monkeypatch, tmp_path):
    """What `serve` would exec: (argv, env, cwd); nothing is started."""
    calls = []
    monkeypatch.setattr(serve, "_exec", lambda argv, env, cwd: calls.append((argv, env, cwd)))
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(tmp_path / "serve.duckdb"))
    return calls


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def secrets(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("kapital.example.dk", False),
        ("", False),  # Streamlit then listens on every interface
        (None, False),
    ],
)
def test_is_loopback(address, expected):
    assert serve.is_loopback(address) is expected


def test_without_sign_in_it_listens_on_127_0_0_1(started, tmp_path):
    result = runner.invoke(app, ["serve", "--secrets", str(tmp_path / "none.toml")])
    assert result.exit_code == 0, result.output
    (argv, env, cwd), *_ = started
    assert option(argv, "--server.address") == ["127.0.0.1"]
    assert option(argv, "--server.port") == ["8501"]
    assert argv[1:4] == ["-m", "streamlit", "run"]
    assert Path(argv[4]) == serve.APP
    assert cwd == serve.ROOT  # the project's .streamlit/config.toml applies
    assert env["SOCIALKAPITAL_DB"] == str((tmp_path / "serve.duckdb").resolve())
    assert "127.0.0.1:8501" in result.output
    assert "log-ind" in result.output


def test_without_sign_in_it_refuses_the_network(started, tmp_path):
    for address in ("0.0.0.0", "::", "192.168.1.10"):
        result = runner.invoke(
            app, ["serve", "--address", address, "--secrets", str(tmp_path / "none.toml")]
        )
        assert result.exit_code == 2, result.output
        assert "127.0.0.1" in result.output
    assert not started


def test_without_sign_in_another_loopback_address_is_fine(started, tmp_path):
    result = runner.invoke(
        app, ["serve", "--address", "::1", "--port", "8600", "--secrets", str(tmp_path / "x")]
    )
    assert result.exit_code == 0, result.output
    (argv, _, _), *_ = started
    assert option(argv, "--server.address") == ["::1"]
    assert option(argv, "--server.port") == ["8600"]


def test_a_secrets_file_without_auth_is_no_sign_in(started, tmp_path):
    path = secrets(tmp_path, 'other = "value"\n')
    result = runner.invoke(app, ["serve", "--address", "0.0.0.0", "--secrets", str(path)])
    assert result.exit_code == 2
    assert not started


def test_with_sign_in_it_listens_on_the_network(started, tmp_path):
    path = secrets(tmp_path, AUTH)
    result = runner.invoke(app, ["serve", "--secrets", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    (argv, _, _), *_ = started
    assert option(argv, "--server.address") == ["0.0.0.0"]
    # Streamlit reads exactly the file checked here.
    assert option(argv, "--secrets.files") == [str(path.resolve())]
    assert f"sign-in is on ({path.resolve()})" in result.output
    assert "https://kapital.example.dk/" in result.output
    assert "no users yet" in result.output  # the first admin comes from the CLI


def test_with_sign_in_an_address_can_be_given(started, tmp_path):
    path = secrets(tmp_path, AUTH)
    result = runner.invoke(app, ["serve", "--address", "10.0.0.5", "--secrets", str(path)])
    assert result.exit_code == 0, result.output
    (argv, _, _), *_ = started
    assert option(argv, "--server.address") == ["10.0.0.5"]


def test_a_broken_secrets_file_is_refused(started, tmp_path):
    path = secrets(tmp_path, "[auth\nredirect_uri = \n")
    result = runner.invoke(app, ["serve", "--secrets", str(path)])
    assert result.exit_code == 2
    assert str(path.resolve()) in result.output
    assert not started


def test_default_secrets_files_are_where_streamlit_looks():
    files = serve.secrets_files()
    assert Path.home() / ".streamlit" / "secrets.toml" in files
    assert serve.ROOT / ".streamlit" / "secrets.toml" in files


def test_a_later_secrets_file_wins(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(AUTH, encoding="utf-8")
    second.write_text('[auth]\nredirect_uri = "http://localhost:9000/oauth2callback"\n')
    found = serve.find_auth([first, tmp_path / "missing.toml", second])
    assert found == ({"redirect_uri": "http://localhost:9000/oauth2callback"}, second)
    assert serve.find_auth([tmp_path / "missing.toml"]) is None


def test_the_project_config_listens_on_127_0_0_1():
    """A plain `streamlit run dashboard/app.py` from the project folder is local too."""
    import tomllib

    config = tomllib.loads((serve.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"


def test_make_run_uses_serve():
    makefile = (serve.ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "socialkapital serve --port $(PORT)" in run
    assert "streamlit run" not in run


def _listeners(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from `ss -ltn`)."""
    out = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        local = line.split()[3]
        address, _, listening = local.rpartition(":")
        if listening == str(port):
            found.append(address)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_start_without_sign_in_listens_on_loopback_only(tmp_path):
    if subprocess.run(["which", "ss"], capture_output=True).returncode:
        pytest.skip("ss (iproute2) is missing")
    port = _free_port()
    env = {**os.environ, "SOCIALKAPITAL_DB": str(tmp_path / "real.duckdb"), "HOME": str(tmp_path)}
    argv = [sys.executable, "-c", "from socialkapital.cli import app; app()", "serve"]
    argv += ["--port", str(port), "--secrets", str(tmp_path / "no-secrets.toml")]
    proc = subprocess.Popen(
        argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        # Bounded wait for the port to be listened on (the server imports Streamlit first).
        deadline = time.monotonic() + 60
        while not (listening := _listeners(port)):
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the server did not start"
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.25)
        assert listening == ["127.0.0.1"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
