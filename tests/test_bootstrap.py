"""Start-up for the bot token's workspace (bot/bootstrap.py): a passing failure is tried again; one
that lasts, or a refused token, stops start-up with one line and exit code 2 — never a process left
running that refuses every request, never a traceback."""

from __future__ import annotations

import subprocess
import sys
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
    from bot.sandbox.seed import BOT_TOKEN, seed_env

    env = _env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.api_url,
               DATABASE_URL=f"sqlite:///{tmp_path}/b.db", TRUCE_RUN_SCHEDULER="false", **seed_env(), **extra)
    return subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def slack():
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import seed_state

    emulator = SlackEmulator(seed_state()).start()
    yield emulator
    emulator.stop()


def test_serve_stops_with_one_line_when_the_workspace_cannot_be_set_up(slack, tmp_path):
    """The start-up checks pass (auth.test answers), then Slack drops every users.list."""
    slack.state.fail_next("users.list", late=0, answer=False, times=20)
    assert _one_line(_serve(slack, tmp_path, PORT=str(_free_port()))) == (
        "Truce cannot start: setting up the bot token's workspace failed 3 times (RemoteDisconnected: "
        "Remote end closed connection without response).")


def test_serve_stops_with_one_line_when_the_port_is_taken(slack, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line(_serve(slack, tmp_path, PORT=str(port)))
    assert line == f"Truce cannot start: port {port} cannot be used (Address already in use). Set PORT."
