"""Each Events API delivery is handled once however often Slack retries it — and handled again when
its first try did not finish: the listener failed (Slack is answered 500 and retries) or the process
died holding it (the retry finds the claim stale)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import select

from bot import event_once
from bot.clock import now
from bot.intel import share as intel
from bot.models import ProcessedEvent
from bot.sandbox.seed import MARKETING, SALES, SAM
from tests.intel_helpers import no_dns, shares  # noqa: F401 - fixture


def _reaction(message) -> dict:
    return {"type": "reaction_added", "user": SAM, "reaction": "bulb", "item_user": message.user,
            "item": {"type": "message", "channel": message.channel, "ts": message.ts}, "event_ts": "1.000001"}


def _rows(stack) -> list[ProcessedEvent]:
    with stack.rt.session() as s:
        return list(s.exec(select(ProcessedEvent)).all())


def test_a_retry_of_a_handled_event_changes_nothing(stack):
    message = stack.driver.say(SAM, SALES, "Acme is discontinuing its free plan")
    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    assert stack.driver.event(_reaction(message), event_id=event_id).status_code == 200
    assert stack.driver.event(_reaction(message), event_id=event_id, retry_num=1).status_code == 200
    assert len(shares(stack)) == 1 and len(stack.state.messages(MARKETING)) == 1
    [row] = _rows(stack)
    assert row.status == "done"


def test_an_event_whose_listener_failed_is_answered_500_and_its_retry_is_handled(stack, monkeypatch):
    message = stack.driver.say(SAM, SALES, "Acme is discontinuing its free plan")
    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    real = intel.matches_emoji

    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(intel, "matches_emoji", broken)
    assert stack.driver.event(_reaction(message), event_id=event_id).status_code == 500  # Slack will retry
    assert _rows(stack) == [] and shares(stack) == []
    monkeypatch.setattr(intel, "matches_emoji", real)
    assert stack.driver.event(_reaction(message), event_id=event_id, retry_num=1).status_code == 200
    assert len(shares(stack)) == 1


def test_an_event_taken_by_a_process_that_died_is_handled_on_slacks_retry(stack):
    message = stack.driver.say(SAM, SALES, "Acme is discontinuing its free plan")
    dead, busy = f"Ev{uuid.uuid4().hex[:10].upper()}", f"Ev{uuid.uuid4().hex[:10].upper()}"
    with stack.rt.session() as s:  # claimed long ago by a process that never finished
        s.add(ProcessedEvent(team_id=stack.team_id, event_id=dead, status="processing",
                             received_at=now() - event_once.STALE - timedelta(seconds=1)))
        s.add(ProcessedEvent(team_id=stack.team_id, event_id=busy, status="processing", received_at=now()))
    stack.driver.event(_reaction(message), event_id=busy, retry_num=1)  # someone is on it right now
    assert shares(stack) == []
    stack.driver.event(_reaction(message), event_id=dead, retry_num=1)
    assert len(shares(stack)) == 1
    assert {r.event_id: r.status for r in _rows(stack)}[dead] == "done"
