"""The sandbox's clock: what is coming, read from Truce's data; moving time runs every job at every
due moment on the way, so nothing that fell due in between is skipped (a single jump used to skip
the joint meeting's reminders, or the whole prompt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot import clock
from bot.db import session_scope
from bot.intel.models import IntelDigest
from bot.sandbox import clock as sandbox_clock
from bot.sandbox.seed import ALERTS, JOINT, LEE, SALLY
from bot.sandbox.stack import SandboxStack

# A Monday before the first digest of the week; the next joint meeting (2026-Q2) is on Tuesday 7 April
# 10:00 UTC, its prompt on Tuesday 31 March 10:00 (the default schedule).
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PROMPT_AT = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
MEETING = datetime(2026, 4, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen(db):
    """A workspace installed at START, with time standing still there: only the sandbox clock moves."""
    with time_machine.travel(START, tick=False):
        stack = SandboxStack(engine=db)
        try:
            yield stack
        finally:
            stack.stop()
            clock.reset()


def _ts(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _when(message) -> datetime:
    return _ts(datetime.fromtimestamp(float(message.ts), UTC))


def test_what_is_coming_names_the_next_digest_sla_reminder_and_joint_prompt(frozen):
    frozen.driver.command(SALLY, "/unhappy", "Acme Corp: billed twice !high", channel=ALERTS)
    coming = {c.kind: c.at for c in sandbox_clock.coming(frozen)}
    assert coming["intel-digest"] == START.replace(hour=9)
    assert coming["csat-digest"] == START.replace(hour=9)
    assert coming["sla-reminder"] == START + timedelta(hours=1)  # high: one hour
    assert coming["sla-escalation"] == START + timedelta(hours=2)
    assert coming["joint-prompt"] == PROMPT_AT
    assert [c.at for c in sandbox_clock.coming(frozen)] == sorted(c.at for c in sandbox_clock.coming(frozen))


def test_next_thing_moves_to_the_next_moment_and_runs_what_is_due_there(frozen):
    step = sandbox_clock.next_thing(frozen)
    assert step.at == START.replace(hour=9) and clock.now() == step.at
    assert {t.kind for t in step.things} == {"intel-digest", "csat-digest"}
    with session_scope(frozen.rt.engine, read_only=True) as session:
        assert [d.week for d in session.exec(select(IntelDigest)).all()] == ["2026-03-02"]


def test_advancing_runs_each_sla_stage_at_its_own_moment(frozen):
    frozen.driver.command(SALLY, "/unhappy", "Acme Corp: billed twice !high", channel=ALERTS)
    steps = sandbox_clock.advance_by(frozen, timedelta(hours=3))
    assert [s.at for s in steps] == [START + timedelta(hours=1), START + timedelta(hours=2)]
    alert = frozen.state.messages(ALERTS)[0]
    replies = frozen.state.replies(ALERTS, alert.ts)
    reminder = next(r for r in replies if "Reminder" in r.text)
    escalated = next(r for r in replies if "escalated" in r.text.lower() or "leads" in r.text)
    assert _when(reminder) == START + timedelta(hours=1)  # posted when it fell due, not at the end of the jump
    assert _when(escalated) == START + timedelta(hours=2)
    assert any("Acme Corp" in m.text for m in frozen.state.dms(LEE))
    assert clock.now() == START + timedelta(hours=3)


def test_advancing_past_the_meeting_posts_the_prompt_both_reminders_and_the_follow_up(frozen):
    steps = sandbox_clock.advance_by(frozen, timedelta(days=40))
    kinds = [t.kind for s in steps for t in s.things]
    assert kinds.count("intel-digest") == 6  # every Monday on the way: 2 March to 6 April
    assert [s.at for s in steps if any(t.kind.startswith("joint") for t in s.things)] == [
        PROMPT_AT, MEETING - timedelta(days=1), MEETING - timedelta(hours=1), MEETING + timedelta(hours=1)]
    [prompt] = [m for m in frozen.state.messages(JOINT) if "Joint sales & marketing meeting" in m.text]
    assert _when(prompt) == PROMPT_AT
    thread = [r.text for r in frozen.state.replies(JOINT, prompt.ts)]
    assert any("is tomorrow" in t for t in thread) and any("in an hour" in t for t in thread)
    assert any("How did the 2026-Q2 joint meeting go?" in t for t in thread)
    with session_scope(frozen.rt.engine, read_only=True) as session:
        assert len(session.exec(select(IntelDigest)).all()) == 6


def test_a_duration_is_a_whole_number_and_a_unit():
    assert sandbox_clock.parse_duration("90m") == timedelta(minutes=90)
    assert sandbox_clock.parse_duration("2w") == timedelta(weeks=2)
    for bad in ("soon", "7", "d", "-1d", "1.5h", "99999d"):
        with pytest.raises(ValueError):
            sandbox_clock.parse_duration(bad)
