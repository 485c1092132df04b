"""A single-token install serves only its token's workspace: a signed request from another workspace
creates nothing, posts nothing anywhere, calls Slack not at all, and is logged in one line."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.config import SettingsError
from bot.ids import UnhappyIds
from bot.intel.models import IntelShare
from bot.models import Workspace
from bot.sandbox.driver import SlackDriver
from bot.sandbox.seed import ALERTS, JOINT, MARK, MARKETING, SALES, SAM, seed_state
from bot.sandbox.state import WorkspaceState
from bot.single_workspace import NOTE
from bot.unhappy.models import UnhappyReport
from tests.unhappy_support import report

OTHER = "T0OTHER"


@pytest.fixture
def other(stack):
    """A second workspace in the same emulated Slack, whose requests are signed with the app's secret."""
    second = stack.emulator.add_workspace(
        seed_state(WorkspaceState(team_id=OTHER, team_name="Other Co", domain="other"), token=None))
    driver = SlackDriver(app_url=stack.server.url + "/slack/events", signing_secret=stack.secret,
                         emulator=stack.emulator, settle=stack.settle, state=second)
    return second, driver


def _slack_calls(stack, second) -> int:
    return len(stack.state.calls) + len(second.calls)


def _nothing_happened(stack, second) -> None:
    with stack.rt.session() as s:
        assert s.get(Workspace, OTHER) is None
        assert s.exec(select(IntelShare)).all() == []
    for state in (stack.state, second):
        for channel in (SALES, MARKETING, JOINT):
            assert state.messages(channel) == [], (state.team_id, channel)


def _refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.single_workspace"]


def test_the_token_workspace_is_known_from_bootstrap(stack):
    assert stack.rt.team_id == stack.team_id == stack.state.team_id


@pytest.mark.parametrize(("command", "text"), [
    ("/intel", "#pricing Acme cut prices by 20% vs:Acme"),
    ("/unhappy", "Acme Corp: invoice was wrong twice !high"),
    ("/truce", "whoami"),
])
def test_a_command_from_another_workspace_gets_a_note_and_nothing_else(stack, other, caplog, command, text):
    second, driver = other
    calls = _slack_calls(stack, second)
    with caplog.at_level(logging.WARNING, logger="bot.single_workspace"):
        response = driver.command(MARK, command, text, channel=MARKETING)
    assert response.status_code == 200 and response.text == NOTE
    assert [n.text for n in second.ephemerals_for(MARK)] == [NOTE]  # what Slack shows: the answer itself
    assert _slack_calls(stack, second) == calls
    _nothing_happened(stack, second)
    with stack.rt.session() as s:
        assert s.exec(select(UnhappyReport)).all() == []
    assert stack.state.messages(ALERTS) == []
    [line] = _refusals(caplog)
    assert command in line and OTHER in line and stack.team_id in line


def test_clicks_and_events_from_another_workspace_are_dropped(stack, other, caplog):
    second, driver = other
    alert = report(stack)  # the token's own workspace is served as ever
    posted = len(stack.state.messages(ALERTS))
    calls = _slack_calls(stack, second)
    with caplog.at_level(logging.WARNING, logger="bot.single_workspace"):
        click = driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        event = driver.react(SAM, alert, "raising_hand")
    assert (click.status_code, click.content) == (200, b"")
    assert (event.status_code, event.content) == (200, b"")
    assert _slack_calls(stack, second) == calls
    with stack.rt.session() as s:
        assert s.exec(select(UnhappyReport.sales_owner_id)).all() == [None]
    assert len(stack.state.messages(ALERTS)) == posted
    _nothing_happened(stack, second)
    assert len(_refusals(caplog)) == 2


def test_a_slack_blip_at_start_does_not_make_truce_refuse_its_own_workspace(stack, monkeypatch):
    """Found by bench/soak.py: auth.test answered 503 once while Truce started (after the start-up
    check had passed), so the token's workspace stayed unknown and every request of that workspace,
    for the life of the process, was answered 200 with the note for other workspaces, nothing stored."""
    from bot import bootstrap

    stack.rt.team_id = None  # a process starting: its runtime does not know the workspace yet
    stack.state.fail_next("auth.test", status=503)
    assert bootstrap.bootstrap(stack.rt, pause=lambda _: None) == stack.state.team_id
    response = stack.driver.command(SAM, "/unhappy", "Acme Corp: invoice was wrong twice !high", channel=SALES)
    assert response.status_code == 200 and "Saved" in stack.driver.answer_text()
    assert len(stack.state.messages(ALERTS)) == 1


def test_slack_still_failing_after_the_retries_stops_the_start(stack, monkeypatch):
    """Rather than serve and refuse everything, the process does not start (its supervisor starts it again)."""
    from bot import bootstrap

    stack.state.fail_next("auth.test", status=503, times=bootstrap.ATTEMPTS)
    with pytest.raises(SettingsError, match=r"setting up the bot token's workspace failed 3 times"):
        bootstrap.bootstrap(stack.rt, pause=lambda _: None)
