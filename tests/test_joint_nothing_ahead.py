"""When Truce's calendar has no joint meeting ahead (every quarter it would schedule already has a meeting, and
none of them is still to come), `/joint` and `/joint agenda` say so instead of failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.joint.models import JointAgendaItem, JointMeeting
from bot.sandbox.seed import SAM
from tests.joint_helpers import at

WINTER = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
NOTHING_AHEAD = "No joint meeting is coming up on Truce's calendar"


def _every_quarter_ahead_already_met(stack) -> None:
    """Meetings recorded for the quarters the schedule would pick next, all started in the past."""
    with stack.rt.session() as s:
        for n, quarter in enumerate(("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1", "2028-Q2")):
            started = WINTER - timedelta(days=10 + n)
            s.add(JointMeeting(team_id=stack.team_id, quarter=quarter, starts_at=started, scheduled_for=started))


def test_joint_alone_says_no_meeting_is_ahead(stack):
    _every_quarter_ahead_already_met(stack)
    with at(WINTER):
        stack.driver.command(SAM, "/joint")
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert NOTHING_AHEAD in note and "/joint schedule" in note
    assert "/joint agenda" in note  # the help still follows


def test_agenda_item_without_a_meeting_ahead_is_refused_with_what_was_typed(stack):
    _every_quarter_ahead_already_met(stack)
    with at(WINTER):
        stack.driver.command(SAM, "/joint", "agenda Pricing for the new tier")
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert NOTHING_AHEAD in note and "```/joint agenda Pricing for the new tier```" in note
    with stack.rt.session() as s:
        assert s.exec(select(JointAgendaItem)).all() == []

