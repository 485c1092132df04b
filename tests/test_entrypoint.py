"""`python -m bot …`: settings errors, mode choice, a real HTTP server answering in time, and start-up
failures (database, Slack, token) told in one line with exit code 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.config import Mode, SettingsError, load_settings
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, SAM, seed_env, seed_state

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    env.update(extra)
    return env


def test_malformed_setting_stops_with_one_line_naming_it():
    with pytest.raises(SettingsError) as err:
        load_settings(TRUCE_SALES_CHANNEL="#sales")
    assert str(err.value.code) == ("Truce cannot start: TRUCE_SALES_CHANNEL must be a channel ID such as "
                                   "C0123ABCD (not a #name).")
    with pytest.raises(SettingsError, match="TRUCE_TIMEZONE must be an IANA timezone"):
        load_settings(TRUCE_TIMEZONE="Mars/Olympus")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN must be a bot token"):
        load_settings(SLACK_BOT_TOKEN="xoxp-user-token")


def test_mode_follows_the_tokens():
    assert load_settings(SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None).mode is Mode.SANDBOX
    assert load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s").mode is Mode.HTTP
    assert load_settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1").mode is Mode.SOCKET


def test_serve_without_a_token_says_which_variable_is_missing(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=ROOT, capture_output=True, text=True,
                            env=_env(DATABASE_URL=f"sqlite:///{tmp_path}/x.db", SLACK_SIGNING_SECRET="s"), timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "Truce cannot start: SLACK_BOT_TOKEN is not set."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_server_answers_a_signed_command_within_slacks_three_seconds(tmp_path, database_url):
    emulator = SlackEmulator(seed_state()).start()
    port = _free_port()
    db_url = database_url if not database_url.startswith("sqlite") else f"sqlite:///{tmp_path}/serve.db"
    env = _env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="s3cret", SLACK_API_URL=emulator.api_url,
               DATABASE_URL=db_url, PORT=str(port), TRUCE_RUN_SCHEDULER="false", **seed_env())
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("the server did not come up")
        driver = SlackDriver(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret="s3cret",
                             emulator=emulator)
        started = time.monotonic()
        response = driver.command(SAM, "/truce", "help")
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and "/truce setup" in driver.answer_text()
        assert elapsed < 3.0
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        emulator.stop()
    assert "Starting Truce in HTTP mode (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set)" in err


def test_socket_mode_answers_a_command_over_the_websocket(tmp_path):
    emulator = SlackEmulator(seed_state()).start()
    emulator.app_tokens.add("xapp-1-sandbox")
    port = _free_port()
    env = _env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-1-sandbox", SLACK_API_URL=emulator.api_url,
               DATABASE_URL=f"sqlite:///{tmp_path}/socket.db", TRUCE_RUN_SCHEDULER="false", PORT=str(port),
               **seed_env())
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert emulator.socket_mode.connected.wait(60), "the app never opened its Socket Mode connection"
        driver = SlackDriver(app_url="unused", signing_secret="unused", emulator=emulator)
        driver.socket_mode = True
        started = time.monotonic()
        response = driver.command(SAM, "/truce", "help")
        assert time.monotonic() - started < 3.0
        assert response.status_code == 200 and "/truce setup" in driver.answer_text()
        assert "/truce setup" in emulator.state.ephemerals_for(SAM)[-1].text
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)  # webhooks and exports live here too
        assert health.json() == {"ok": True, "database": "reachable"}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        emulator.stop()
    assert "Starting Truce in socket mode (SLACK_APP_TOKEN is set)" in err


# --- start-up that says what is wrong: one line on stderr, exit code 2 ------------------------


def _start(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          env=_env(**env), timeout=60)


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # no traceback, no log lines before it
    return lines[0]


HTTP_TOKENS = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s"}


@pytest.mark.parametrize("tokens", [HTTP_TOKENS, {}], ids=["tokens set", "no tokens"])
@pytest.mark.parametrize("args", [("serve",), (), ("migrate",)], ids=["serve", "no command", "migrate"])
def test_a_malformed_database_url_is_one_line(tokens, args):
    for url in ("nonsense", "mysql://u@h/db", "postgresql://u@h:port/db"):
        line = _one_line(_start(*args, DATABASE_URL=url, **tokens))
        assert line == ("Truce cannot start: DATABASE_URL must be sqlite:///path/to/truce.db or "
                        "postgresql://user:password@host:5432/db.")


@pytest.mark.parametrize("tokens", [HTTP_TOKENS, {}], ids=["tokens set", "no tokens"])
@pytest.mark.parametrize("args", [("serve",), ("socket",), ("migrate",)])
def test_an_unreachable_database_is_one_line_before_any_token_check(tokens, args):
    line = _one_line(_start(*args, DATABASE_URL="postgresql://truce:secret@127.0.0.1:1/truce", **tokens))
    assert line.startswith("Truce cannot start: the database at postgresql://truce:***@127.0.0.1:1/truce is "
                           "unreachable (")
    assert "Connection refused" in line and line.endswith("Check DATABASE_URL.")
    assert "secret" not in line


def test_an_unreachable_sqlite_file_is_one_line_in_the_sandbox_too():
    """The sandbox's own database (it never uses DATABASE_URL: see tests/test_sandbox_web.py)."""
    line = _one_line(_start(TRUCE_SANDBOX_DATABASE_URL="sqlite:////nonexistent/folder/truce.db"))
    assert line == ("Truce cannot start the sandbox: the database at sqlite:////nonexistent/folder/truce.db is "
                    "unreachable (unable to open database file). Check TRUCE_SANDBOX_DATABASE_URL.")


@pytest.fixture
def slack():
    emulator = SlackEmulator(seed_state()).start()
    yield emulator
    emulator.stop()


@pytest.mark.parametrize("args", [("serve",), ()], ids=["serve", "no command"])
def test_a_revoked_or_unknown_token_is_one_line(tmp_path, slack, args):
    env = {**HTTP_TOKENS, "SLACK_API_URL": slack.api_url, "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    slack.state.fail_next("auth.test", error="token_revoked")
    assert _one_line(_start(*args, **env)) == "Truce cannot start: Slack refused SLACK_BOT_TOKEN (token_revoked)."
    unknown = _one_line(_start(*args, **{**env, "SLACK_BOT_TOKEN": "xoxb-not-a-token-slack-knows"}))
    assert unknown == "Truce cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth)."


def test_an_unreachable_slack_is_one_line(tmp_path):
    closed = f"http://127.0.0.1:{_free_port()}/api/"
    oauth = {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}
    for args, env in ((("serve",), HTTP_TOKENS), (("serve",), oauth),
                      (("socket",), {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-1"})):
        line = _one_line(_start(*args, SLACK_API_URL=closed, DATABASE_URL=f"sqlite:///{tmp_path}/u.db", **env))
        assert line == f"Truce cannot start: Slack is unreachable at {closed} ([Errno 111] Connection refused). " \
                       "Check SLACK_API_URL."


def test_a_normal_start_says_a_few_lines_and_nothing_else(tmp_path, database_url, slack):
    port = _free_port()
    db_url = database_url if not database_url.startswith("sqlite") else f"sqlite:///{tmp_path}/quiet.db"
    env = _env(**HTTP_TOKENS, SLACK_API_URL=slack.api_url, DATABASE_URL=db_url, PORT=str(port), **seed_env())
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    lines = [line.split(": ", 1)[1] for line in err.splitlines()]
    assert lines == ["Starting Truce in HTTP mode (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set)",
                     f"Truce is listening on port {port} (POST /slack/events, GET /healthz)",
                     "Truce stopped"], err
