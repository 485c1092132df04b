"""RSVPs, reminders with who answered, the time poll, and agenda items from the prompt."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot import delivery
from bot.ids import JointIds
from bot.sandbox.seed import JOINT, LEE, MARIA, MARK, OLIVE, SALES, SALLY, SAM
from tests.joint_helpers import MEETING, PROMPT_AT, at, run, the_prompt
from tests.message_text import all_text


def _prompted(stack):
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    return the_prompt(stack)


def test_rsvps_show_in_place_and_in_both_reminders(stack):
    prompt = _prompted(stack)
    with at(PROMPT_AT + timedelta(hours=1)):
        stack.driver.click(SAM, prompt, JointIds.ATTEND)
        stack.driver.click(MARK, prompt, JointIds.ATTEND)
        stack.driver.click(MARIA, prompt, JointIds.DECLINE)
        stack.driver.click(SAM, prompt, JointIds.ATTEND)  # twice: no change
        notice = stack.state.messages(SALES)[-1]
        stack.driver.click(SALLY, notice, JointIds.DECLINE)  # from the sales channel's notice
    assert "See you on Tue 5 Jan 2027" in stack.state.ephemerals_for(SAM)[-1].text
    text = all_text(the_prompt(stack))
    assert f"*Attending (2):* <@{SAM}>, <@{MARK}>" in text
    assert f"*Can't make it (2):* <@{MARIA}>, <@{SALLY}>" in text
    assert f"*No answer yet (1):* <@{LEE}>" in text
    assert stack.state.find_message(JOINT, prompt.ts).edited
    with at(MEETING - timedelta(hours=23)):
        assert run(stack) == {stack.team_id: ["remind-day 2027-Q1"]}
        assert run(stack) == {}
    with at(MEETING - timedelta(minutes=59)):
        stack.driver.click(MARIA, the_prompt(stack), JointIds.ATTEND)  # changed her mind
        assert run(stack) == {stack.team_id: ["remind-hour 2027-Q1"]}
        assert run(stack) == {}
    day, hour = stack.state.replies(JOINT, prompt.ts)
    assert "is tomorrow" in day.text and "Attending: 2, can't make it: 2, no answer yet: 1" in day.text
    assert f"*No answer yet (1):* <@{LEE}>" in all_text(day)
    assert "is in an hour" in hour.text and "Attending: 3, can't make it: 1" in hour.text


def test_a_day_reminder_missed_is_not_sent_late(stack):
    _prompted(stack)
    with at(MEETING - timedelta(minutes=30)):
        assert run(stack) == {stack.team_id: ["remind-hour 2027-Q1"]}
    assert len(stack.state.replies(JOINT, the_prompt(stack).ts)) == 1


def test_time_poll_one_vote_each_shown_in_place(stack):
    prompt = _prompted(stack)
    with at(PROMPT_AT + timedelta(hours=2)):
        stack.driver.click(SAM, prompt, JointIds.PROPOSE)
        [view] = stack.state.open_views(SAM)
        # bad input: an impossible date, then a time in the past; the modal stays open
        body = stack.driver.submit(SAM, view.id, {JointIds.DATE: "2027-02-30", JointIds.TIME: "10:00"}).json()
        assert body["response_action"] == "errors" and "is not a date" in body["errors"][JointIds.DATE_BLOCK]
        body = stack.driver.submit(SAM, view.id, {JointIds.DATE: "2026-12-01", JointIds.TIME: "10:00"}).json()
        assert "is in the past" in body["errors"][JointIds.TIME_BLOCK]
        body = stack.driver.submit(SAM, view.id, {JointIds.DATE: "2027-01-05", JointIds.TIME: "10:00"}).json()
        assert "already the meeting's time" in body["errors"][JointIds.TIME_BLOCK]
        assert stack.state.open_views(SAM)
        response = stack.driver.submit(SAM, view.id, {JointIds.DATE: "2027-01-07", JointIds.TIME: "14:00"})
        assert response.status_code == 200 and not response.content
        stack.driver.click(MARK, the_prompt(stack), JointIds.PROPOSE)
        [view] = stack.state.open_views(MARK)
        stack.driver.submit(MARK, view.id, {JointIds.DATE: "2027-01-12", JointIds.TIME: "09:30"})
        prompt = the_prompt(stack)
        text = all_text(prompt)
        assert "Thu 7 Jan 2027, 14:00 UTC" in text and "Tue 12 Jan 2027, 09:30 UTC" in text
        assert f"1 vote: <@{SAM}>" in text and f"1 vote: <@{MARK}>" in text
        votes = [b["accessory"]["value"] for b in prompt.blocks
                 if b.get("accessory", {}).get("action_id") == JointIds.VOTE]
        assert len(votes) == 2
        stack.driver.click(MARIA, prompt, JointIds.VOTE, value=votes[0])
        stack.driver.click(SAM, prompt, JointIds.VOTE, value=votes[1])  # Sam moves his vote
        text = all_text(the_prompt(stack))
        assert f"1 vote: <@{MARIA}>" in text and f"2 votes: <@{MARK}>, <@{SAM}>" in text
        stack.driver.click(SAM, the_prompt(stack), JointIds.VOTE, value=votes[1])  # and takes it back
        assert "Your vote is taken back" in stack.state.ephemerals_for(SAM)[-1].text
        assert f"1 vote: <@{MARK}>" in all_text(the_prompt(stack))
        stack.driver.click(SAM, the_prompt(stack), JointIds.MOVE)
        assert "Only a Slack admin or a Truce lead" in stack.state.ephemerals_for(SAM)[-1].text
        stack.driver.click(LEE, the_prompt(stack), JointIds.ATTEND)
        stack.driver.click(MARIA, the_prompt(stack), JointIds.VOTE, value=votes[1])
        stack.driver.click(LEE, the_prompt(stack), JointIds.MOVE)
    text = all_text(the_prompt(stack))
    assert "Tue 12 Jan 2027, 09:30 UTC" in text and f"Moved to this time by <@{LEE}>" in text
    assert "Other times proposed" not in text and "*Attending (0):*" in text  # poll closed, asked again
    [moved] = stack.state.replies(JOINT, the_prompt(stack).ts)
    assert "moved the 2027-Q1 joint meeting" in moved.text
    with at(MEETING - timedelta(hours=12)):  # the old time: no reminder any more
        assert run(stack) == {}


def test_agenda_items_from_the_button_and_the_command(stack):
    prompt = _prompted(stack)
    with at(PROMPT_AT + timedelta(hours=3)):
        stack.driver.click(MARIA, prompt, JointIds.ADD_ITEM)
        [view] = stack.state.open_views(MARIA)
        body = stack.driver.submit(MARIA, view.id, {JointIds.ITEM: "   "}).json()
        assert "Say what the agenda item is" in body["errors"][JointIds.ITEM_BLOCK]
        stack.driver.submit(MARIA, view.id, {JointIds.ITEM: "Launch plan for the Q2 webinar"})
        stack.driver.command(OLIVE, "/joint", "agenda")
        note = stack.state.ephemerals_for(OLIVE)[-1].text
        assert "Say what the agenda item is" in note and "```/joint agenda```" in note
        stack.driver.command(SAM, "/joint", "agenda " + "x" * 600)
        assert "keep it under 500" in stack.state.ephemerals_for(SAM)[-1].text
    text = all_text(the_prompt(stack))
    assert f"Launch plan for the Q2 webinar — <@{MARIA}>" in text


def test_rsvp_after_the_meeting_is_refused(stack):
    prompt = _prompted(stack)
    with at(MEETING + timedelta(hours=3)):
        stack.driver.click(SAM, prompt, JointIds.ATTEND)
    assert "is over" in stack.state.ephemerals_for(SAM)[-1].text


def test_answers_clicked_at_the_same_moment_all_show(stack):
    """Five answers at once: the last message update still shows all five (the meeting row lock)."""
    prompt = _prompted(stack)
    people = [SAM, SALLY, MARK, MARIA, LEE]
    barrier = threading.Barrier(len(people))

    def click(user):
        barrier.wait(timeout=10)
        stack.driver.click(user, prompt, JointIds.ATTEND)

    with at(PROMPT_AT + timedelta(hours=1)):
        threads = [threading.Thread(target=click, args=(u,)) for u in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        stack.settle()
        delivery.deliver_due(stack.rt)
    assert "*Attending (5):*" in all_text(the_prompt(stack))
