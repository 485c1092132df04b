"""Handlers validate every value a Slack form or element sends — dates, times, numbers, option values,
user IDs — and answer a bad one with an inline error or a short note, never a crash.

Slack's own controls send only well-formed values, but a handler must not trust that: these requests
are signed as Slack signs them, with values no control would send. Each test fails if the handler
crashes (Truce's error handler then logs an error and shows "something went wrong").

A button or menu option whose record number is not a number (an old or damaged message) gets a note
saying so, and a mention of someone Slack never told Truce about is refused.
"""

from __future__ import annotations

import logging

import pytest

from bot.ids import IntelIds, JointIds, UnhappyIds
from bot.sandbox.driver_views import find
from bot.sandbox.seed import ALERTS, JOINT, LEE, MARIA, MARK, MARKETING, SALLY, SAM
from jobs.joint import force_prompt


@pytest.fixture
def crashes(caplog):
    """The errors Truce's one error handler logged (a handler that raised)."""
    caplog.set_level(logging.ERROR, logger="truce.errors")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "truce.errors"]


def _option(value: str) -> dict:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def submit_raw(stack, user: str, view, values: dict[str, dict]) -> dict:
    """Submit a modal with these states (block_id -> action_id -> state), whatever they hold."""
    driver = stack.driver
    state = driver._state(view.view, {})
    for block_id, actions in values.items():
        state.setdefault(block_id, {}).update(actions)
    response = driver._payload({
        "type": "view_submission", "team": driver._team(), "user": driver._user(user),
        "api_app_id": driver.api_app_id, "token": "unused", "trigger_id": stack.emulator.issue_trigger(user),
        "view": {**view.view, "state": {"values": state}}, "response_urls": []})
    return response.json() if response.content else {}


def click_raw(stack, user: str, message, action_id: str, **action) -> None:
    """Use an element of a message, sending `action` (a value, a selected option) as given."""
    driver = stack.driver
    block, element = find(message.blocks, block_id=None, action_id=action_id)
    driver._payload({
        "type": "block_actions", "team": driver._team(), "user": driver._user(user), "api_app_id": driver.api_app_id,
        "token": "unused", "trigger_id": stack.emulator.issue_trigger(user),
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel,
                      "is_ephemeral": False},
        "channel": {"id": message.channel, "name": stack.state.channels[message.channel].name},
        "message": message.to_api(),
        "response_url": stack.emulator.issue_response_url(user=user, channel=message.channel, message_ts=message.ts),
        "actions": [{"action_id": action_id, "block_id": block.get("block_id", ""), "type": element["type"],
                     **action}]})


def _alert(stack):
    stack.driver.command(SALLY, "/unhappy", "Acme Corp: billed twice !high", channel=ALERTS)
    return stack.last(ALERTS)


def _owned_alert(stack):
    alert = _alert(stack)
    stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    stack.driver.click(MARK, alert, UnhappyIds.CLAIM_MARKETING)
    return stack.last(ALERTS)


def _open(stack, user: str):
    [view] = stack.state.open_views(user)
    return view


def _prompt(stack):
    force_prompt(stack.rt, stack.team_id)
    stack.settle()
    return next(m for m in stack.state.messages(JOINT) if "Joint sales & marketing meeting" in str(m.blocks))


# --- what already holds ---------------------------------------------------------------------------


def test_a_corrective_action_with_a_follow_up_that_is_not_a_date_is_refused_under_the_field(stack, crashes):
    """The sandbox's `fill follow_up tomorrow` used to crash the handler (ValueError: Invalid isoformat)."""
    alert = _owned_alert(stack)
    stack.driver.click(MARK, alert, UnhappyIds.ADD_ACTION)
    body = submit_raw(stack, MARK, _open(stack, MARK), {
        UnhappyIds.DONE_BLOCK: {UnhappyIds.DONE: {"type": "plain_text_input", "value": "Refunded"}},
        UnhappyIds.CAUSE_BLOCK: {UnhappyIds.CAUSE: {"type": "static_select", "selected_option": _option("pricing")}},
        UnhappyIds.FOLLOW_UP_BLOCK: {UnhappyIds.FOLLOW_UP: {"type": "datepicker", "selected_date": "tomorrow"}}})
    assert body["response_action"] == "errors"
    assert "Pick a date" in body["errors"][UnhappyIds.FOLLOW_UP_BLOCK]
    assert crashes() == []


@pytest.mark.parametrize(("date", "time", "block"), [
    ("tomorrow", "14:00", JointIds.DATE_BLOCK), ("2030-01-02", "25:99", JointIds.TIME_BLOCK)])
def test_a_proposed_meeting_time_that_is_not_a_date_or_time_is_refused_under_the_field(stack, crashes, date, time,
                                                                                        block):
    stack.driver.click(SAM, _prompt(stack), JointIds.PROPOSE)
    body = submit_raw(stack, SAM, _open(stack, SAM), {
        JointIds.DATE_BLOCK: {JointIds.DATE: {"type": "datepicker", "selected_date": date}},
        JointIds.TIME_BLOCK: {JointIds.TIME: {"type": "timepicker", "selected_time": time}}})
    assert body["response_action"] == "errors" and block in body["errors"]
    assert crashes() == []


def test_an_option_the_form_does_not_offer_is_refused_under_the_field(stack, crashes):
    stack.driver.command(MARK, "/intel", "", channel=MARKETING)
    body = submit_raw(stack, MARK, _open(stack, MARK), {
        IntelIds.SUMMARY_BLOCK: {IntelIds.SUMMARY: {"type": "plain_text_input", "value": "Acme cut prices"}},
        IntelIds.KIND_BLOCK: {IntelIds.KIND: {"type": "static_select", "selected_option": _option("gossip")}}})
    assert body["response_action"] == "errors" and IntelIds.KIND_BLOCK in body["errors"]
    assert crashes() == []


def test_plan_owners_who_are_not_people_of_the_workspace_are_refused_under_the_field(stack, crashes):
    """The sandbox used to send typed names (`fill owners sam mark`) as user IDs."""
    stack.driver.command(MARIA, "/joint", "plan", channel=JOINT)
    body = submit_raw(stack, MARIA, _open(stack, MARIA), {
        JointIds.LINES_BLOCK: {JointIds.LINES: {"type": "plain_text_input", "value": "Win | Webinars | 1 | 2 | 3"}},
        JointIds.CURRENCY_BLOCK: {JointIds.CURRENCY: {"type": "plain_text_input", "value": "EUR"}},
        JointIds.OWNERS_BLOCK: {JointIds.OWNERS: {"type": "multi_users_select", "selected_users": ["sam", "mark"]}}})
    assert body["response_action"] == "errors" and JointIds.OWNERS_BLOCK in body["errors"]
    assert crashes() == []


# --- handler bugs, for the lead -------------------------------------------------------------------


def test_an_alert_menu_option_whose_report_is_not_a_number_gets_a_note_not_a_crash(stack, crashes):
    click_raw(stack, LEE, _alert(stack), UnhappyIds.MORE, selected_option=_option("assign:abc"))
    assert crashes() == []
    note = stack.state.ephemerals_for(LEE)[-1].text
    assert "old or damaged message" in note and "which report" in note


def test_a_claim_button_whose_report_is_not_a_number_gets_a_note_not_a_crash(stack, crashes):
    alert = _alert(stack)
    before = stack.state.find_message(ALERTS, alert.ts).blocks
    click_raw(stack, SAM, alert, UnhappyIds.CLAIM_SALES, value="abc")
    assert crashes() == []
    assert "old or damaged message" in stack.state.ephemerals_for(SAM)[-1].text
    assert stack.state.find_message(ALERTS, alert.ts).blocks == before  # nobody claimed anything


@pytest.mark.parametrize("action_id", [JointIds.ATTEND, JointIds.PROPOSE])
def test_a_meeting_button_whose_meeting_is_not_a_number_gets_a_note_not_a_crash(stack, crashes, action_id):
    click_raw(stack, SAM, _prompt(stack), action_id, value="abc")
    assert crashes() == []
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "old or damaged message" in note and "which meeting" in note


def test_a_team_change_for_someone_not_in_the_workspace_is_refused(stack):
    stack.driver.command(LEE, "/truce", "team <@UNOBODY|ghost> sales", channel=JOINT)
    answer = stack.state.ephemerals_for(LEE)[-1].text
    assert "can't find `UNOBODY`" in answer and "/truce team @dana marketing" in answer
    assert "is now on" not in answer


def test_a_team_change_for_someone_slack_knows_still_works(stack):
    stack.driver.command(LEE, "/truce", f"team <@{MARIA}> both", channel=JOINT)
    assert stack.state.ephemerals_for(LEE)[-1].text.startswith(f"<@{MARIA}> is now on: marketing and sales")
