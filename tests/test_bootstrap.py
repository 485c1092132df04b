"""Start-up for the bot token's workspace (bot/bootstrap.py): a passing failure is tried again; one
that lasts, or a refused token, stops start-up with one line and exit code 2 — never a process left
running that refuses every request, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from bot.bootstrap import ATTEMPTS, bootstrap
from bot.config import SettingsError
from bot.runtime import build_runtime
from tests.test_entrypoint import ROOT, _env, _free_port, _one_line

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def fresh(stack, db):
    """A second process's runtime for the stack's workspace, not set up yet."""
    rt = build_runtime(stack.settings, name=f"bootstrap-{uuid.uuid4().hex[:8]}", engine=db)
    return rt


def test_a_passing_failure_is_tried_again(stack, fresh):
    stack.state.fail_next("auth.test", status=503, times=ATTEMPTS - 1)
    pauses: list[float] = []
    assert bootstrap(fresh, pause=pauses.append) == stack.team_id
    assert fresh.team_id == stack.team_id and pauses == [1.0, 2.0]


@pytest.mark.parametrize(("fault", "line"), [
    ({"status": 503}, "setting up the bot token's workspace failed 3 times (HTTP 503)."),
    ({"error": "internal_error"}, "setting up the bot token's workspace failed 3 times (internal_error)."),
    ({"late": 0, "answer": False, "method": "users.list"},
     "setting up the bot token's workspace failed 3 times (RemoteDisconnected: Remote end closed connection "
     "without response)."),
], ids=["5xx", "ok false", "connection dropped"])
def test_a_failure_that_lasts_is_one_line(stack, fresh, fault, line):
    fault = dict(fault)
    stack.state.fail_next(fault.pop("method", "auth.test"), times=20, **fault)
    pauses: list[float] = []
    with pytest.raises(SettingsError) as stopped:
        bootstrap(fresh, pause=pauses.append)
    assert stopped.value.code == f"Truce cannot start: {line}"
    assert len(pauses) == ATTEMPTS - 1 and fresh.team_id is None


def test_a_refused_token_is_not_tried_again(stack, fresh):
    stack.state.fail_next("auth.test", error="token_revoked")
    pauses: list[float] = []
    with pytest.raises(SettingsError) as stopped:
        bootstrap(fresh, pause=pauses.append)
    assert stopped.value.code == "Truce cannot start: Slack refused SLACK_BOT_TOKEN (token_revoked)."
    assert pauses == [] and fresh.team_id is None


# --- the real process: exit code 2 and one line ------------------------------------------------


def _serve(slack, tmp_path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=_serve_env(slack, tmp_path, **extra),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def slack():
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import seed_state

    emulator = SlackEmulator(seed_state()).start()
    yield emulator
    emulator.stop()


def test_serve_asks_slack_once_and_reads_the_teams_once_listening(slack, tmp_path):
    """auth.test once (the start-up check's answer serves the workspace's set-up and Bolt); users.list
    and the channels' members in the background, not in the way of serving: with users.list answered
    only after 5 s, /healthz answers meanwhile."""
    slack.state.fail_next("users.list", late=5)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env=_serve_env(slack, tmp_path, PORT=str(port)))
    try:
        _wait_until_served(port)
        assert "conversations.members" not in [m for m, _ in slack.state.calls]  # users.list not answered yet
        _wait_for(lambda: sum(m == "conversations.members" for m, _ in slack.state.calls) == 2)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    methods = [m for m, _ in slack.state.calls]
    assert methods.count("auth.test") == 1 and methods.count("users.list") == 1, methods
    assert proc.returncode == 0, err


def test_serve_still_serves_when_the_teams_cannot_be_read_at_start(slack, tmp_path):
    """The workspace is known from auth.test: Slack dropping every users.list does not stop Truce; one
    warning says it (the members job tries again), and requests are answered."""
    slack.state.fail_next("users.list", late=0, answer=False, times=20)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env=_serve_env(slack, tmp_path, PORT=str(port)))
    try:
        _wait_until_served(port)
        from bot.sandbox.driver import SlackDriver
        from bot.sandbox.seed import SAM

        driver = SlackDriver(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret="s", emulator=slack)
        response = driver.command(SAM, "/truce", "help")
        assert response.status_code == 200 and "/truce setup" in driver.answer_text()
        _wait_for(lambda: sum(m == "users.list" for m, _ in slack.state.calls) >= ATTEMPTS, within=30)
        time.sleep(0.5)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert (f"reading the workspace's people and teams at start failed {ATTEMPTS} times (RemoteDisconnected: "
            "Remote end closed connection without response); the members job tries again") in err


def _serve_env(slack, tmp_path, **extra: str) -> dict[str, str]:
    from bot.sandbox.seed import BOT_TOKEN, seed_env

    return _env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.api_url,
                DATABASE_URL=f"sqlite:///{tmp_path}/b.db", TRUCE_RUN_SCHEDULER="false", **seed_env(), **extra)


def _wait_for(condition, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _wait_until_served(port: int) -> None:
    import httpx

    def served() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    _wait_for(served, within=60)


def test_serve_stops_with_one_line_when_the_port_is_taken(slack, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line(_serve(slack, tmp_path, PORT=str(port)))
    assert line == f"Truce cannot start: port {port} cannot be used (Address already in use). Set PORT."
