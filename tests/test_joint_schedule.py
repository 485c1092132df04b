"""The schedule: defaults, `/joint schedule` (command and modal), next dates, DST, and `/joint`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ids import JointIds
from bot.joint.schedule import Schedule, parse_schedule, prompt_time
from bot.models import WorkspacePrefs
from bot.sandbox.seed import JOINT, LEE, SAM
from bot.user_error import UserError
from tests.joint_helpers import at, run, set_workspace, the_prompt
from tests.message_text import all_text

WINTER = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)


def test_joint_alone_shows_the_next_meeting_and_help(stack):
    with at(WINTER):
        stack.driver.command(SAM, "/joint")
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "The next joint meeting (2027-Q2) is on" in note and "Tue 6 Apr 2027, 10:00 UTC" in note
    assert "/joint agenda" in note and "/joint plan" in note
    stack.driver.command(SAM, "/joint", "help")
    help_text = stack.driver.answer_text()
    assert "/joint schedule" in help_text and "/joint needs" in help_text
    stack.driver.command(SAM, "/joint", "frobnicate now")
    unknown = stack.driver.answer_text()
    assert "I don't know `/joint frobnicate`" in unknown and "```/joint frobnicate now```" in unknown


def test_schedule_is_shown_to_everyone_and_changed_by_leads(stack):
    with at(WINTER):
        stack.driver.command(SAM, "/joint", "schedule")
        note = stack.state.ephemerals_for(SAM)[-1].text
        assert "first Tuesday of each quarter at 10:00, with the prompt 7 days before" in note
        assert "• Tue 6 Apr 2027, 10:00 UTC\n• Tue 6 Jul 2027, 10:00 UTC\n• Tue 5 Oct 2027, 10:00 UTC" in note
        assert stack.state.open_views(SAM) == []
        stack.driver.command(SAM, "/joint", "schedule last fri 9am")
        note = stack.state.ephemerals_for(SAM)[-1].text
        assert "Only a Slack admin or a Truce lead" in note and "```/joint schedule last fri 9am```" in note
        stack.driver.command(LEE, "/joint", "schedule second wed 14:30 prompt 3d")
        note = stack.state.ephemerals_for(LEE)[-1].text
        assert "second Wednesday of each quarter at 14:30, with the prompt 3 days before" in note
        assert "• Wed 14 Apr 2027, 14:30 UTC" in note
        stack.driver.command(LEE, "/joint", "schedule fifth tue")
        note = stack.state.ephemerals_for(LEE)[-1].text
        assert "I don't understand “fifth”" in note and "/joint schedule first tue 10:00 prompt 7d" in note
        stack.driver.command(LEE, "/joint", "schedule 25:00")
        assert "“25:00” is not a time" in stack.state.ephemerals_for(LEE)[-1].text
        stack.driver.command(LEE, "/joint", "schedule prompt 90d")
        assert "1 to 30 days" in stack.state.ephemerals_for(LEE)[-1].text
    with stack.rt.session() as s:
        saved = s.get(WorkspacePrefs, (stack.team_id, "joint")).data["schedule"]
    assert (saved["week"], saved["weekday"], saved["hour"], saved["minute"], saved["prompt_days"]) == \
        ("2nd", "wed", 14, 30, 3)


def test_schedule_modal_for_leads(stack):
    with at(WINTER):
        stack.driver.command(LEE, "/joint", "schedule")
        [view] = stack.state.open_views(LEE)
        assert "Tue 6 Apr 2027, 10:00 UTC" in all_text(view.view)
        response = stack.driver.submit(LEE, view.id, {JointIds.WEEK: "last", JointIds.WEEKDAY: "thu",
                                                      JointIds.TIME: "16:00", JointIds.LEAD: "14"})
        assert response.status_code == 200 and not response.content
    dm = stack.state.dms(LEE)[-1].text
    assert "last Thursday of each quarter at 16:00, with the prompt 14 days before" in dm
    assert "Thu 29 Apr 2027, 16:00 UTC" in dm


def test_schedule_parsing_keeps_what_is_not_said():
    s = parse_schedule("thursday", Schedule())
    assert (s.week, s.weekday, s.hour, s.prompt_days) == ("1st", "thu", 10, 7)
    assert parse_schedule("2:30 pm", Schedule()).hour == 14
    with pytest.raises(UserError):
        parse_schedule("prompt", Schedule())
    with pytest.raises(UserError):
        parse_schedule("13pm", Schedule())


def test_dst_change_between_scheduling_and_firing_keeps_local_time(stack):
    """New York: dates computed in winter (EST); the meeting is after the March change (EDT)."""
    set_workspace(stack, timezone="America/New_York")
    with at(WINTER):
        stack.driver.command(LEE, "/joint", "schedule prompt 30d")
        note = stack.state.ephemerals_for(LEE)[-1].text
        assert "• Tue 6 Apr 2027, 10:00 EDT" in note  # computed in EST, shown at 10:00 EDT
    meeting = datetime(2027, 4, 6, 14, 0, tzinfo=UTC)  # 10:00 EDT (UTC-4), not 15:00 UTC
    # the prompt goes 30 days before at the same wall-clock time: 7 March, 10:00 EST = 15:00 UTC
    assert prompt_time(Schedule(prompt_days=30), meeting, "America/New_York") == \
        datetime(2027, 3, 7, 15, 0, tzinfo=UTC)
    with at(datetime(2027, 3, 7, 14, 59, tzinfo=UTC)):
        assert run(stack) == {}
    with at(datetime(2027, 3, 7, 15, 0, 5, tzinfo=UTC)):  # still winter (DST starts 14 March)
        assert run(stack) == {stack.team_id: ["prompt 2027-Q2"]}
    prompt = the_prompt(stack)
    assert "Tue 6 Apr 2027, 10:00 EDT" in all_text(prompt)
    assert f"<!date^{int(meeting.timestamp())}^" in all_text(prompt)
    with at(meeting - timedelta(days=1, minutes=-1)):  # after the change
        assert run(stack) == {stack.team_id: ["remind-day 2027-Q2"]}
    with at(meeting - timedelta(hours=1) - timedelta(minutes=1)):
        assert run(stack) == {}
    with at(meeting - timedelta(minutes=59)):
        assert run(stack) == {stack.team_id: ["remind-hour 2027-Q2"]}
    replies = stack.state.replies(JOINT, prompt.ts)
    assert [r.text.split(":")[0] for r in replies] == ["Reminder", "Reminder"]
