"""`python -m bot …`: settings errors, mode choice, and a real HTTP server answering in time."""

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
                time.sleep(0.2)
        else:
            pytest.fail("the server did not come up")
        driver = SlackDriver(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret="s3cret",
                             emulator=emulator)
        started = time.monotonic()
        response = driver.command(SAM, "/truce", "help")
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and "/truce setup" in response.json()["text"]
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
        assert response.status_code == 200 and "/truce setup" in response.json()["text"]
        assert "/truce setup" in emulator.state.ephemerals_for(SAM)[-1].text
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)  # webhooks and exports live here too
        assert health.json() == {"ok": True, "database": "reachable"}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        emulator.stop()
    assert "Starting Truce in socket mode (SLACK_APP_TOKEN is set)" in err
