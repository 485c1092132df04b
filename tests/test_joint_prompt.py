"""The quarterly prompt: posted once at its time, its agenda, notices, missed prompts, no joint channel."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from bot.feature import AgendaSection, Feature
from bot.ids import JointIds
from bot.joint.models import JointMeeting, JointOccurrence
from bot.sandbox.seed import ADA, JOINT, LEE, MARIA, MARK, MARKETING, SALES, SALLY, SAM
from jobs import joint as joint_job
from tests.joint_helpers import MEETING, PROMPT_AT, action_ids, at, prompts, run, set_workspace, the_prompt
from tests.message_text import all_text


def test_prompt_goes_out_once_at_its_time_with_notices(stack):
    with at(PROMPT_AT - timedelta(minutes=5)):
        assert run(stack) == {}
        assert prompts(stack) == []
    with at(PROMPT_AT + timedelta(seconds=30)):
        done = run(stack)
        assert done == {stack.team_id: ["prompt 2027-Q1"]}
        assert run(stack) == {}  # the next tick finds it claimed
    prompt = the_prompt(stack)
    text = all_text(prompt)
    assert "Joint sales & marketing meeting — 2027-Q1" in [b["text"]["text"] for b in prompt.blocks
                                                          if b["type"] == "header"]
    assert "Tue 5 Jan 2027, 10:00 UTC" in text
    assert f"<!date^{int(MEETING.timestamp())}^" in text
    assert action_ids(prompt)[:4] == [JointIds.ATTEND, JointIds.DECLINE, JointIds.PROPOSE, JointIds.ADD_ITEM]
    assert JointIds.RECORD not in action_ids(prompt)  # not before the meeting
    for person in (SAM, SALLY, MARK, MARIA, LEE):
        assert f"<@{person}>" in text.split("No answer yet")[1]
    for team_channel in (SALES, MARKETING):
        [notice] = stack.state.messages(team_channel)
        assert "2027-Q1 joint sales & marketing meeting" in all_text(notice)
        assert f"<#{JOINT}>" in all_text(notice)


def test_agenda_composes_feature_sections_with_its_own(stack, monkeypatch):
    calls = []

    def fake_intel(*, session, team_id, start, end):
        calls.append((team_id, start, end))
        return AgendaSection("Most useful intel shares", ["Competitor X cut prices — 4 found it useful"], order=20)

    def nothing(*, session, team_id, start, end):
        return None

    features = tuple(replace(f, agenda_sections=()) for f in stack.rt.features)
    monkeypatch.setattr(stack.rt, "features", (*features, Feature(name="fake", agenda_sections=(fake_intel, nothing))))
    with at(PROMPT_AT + timedelta(minutes=1)):
        stack.driver.command(SAM, "/joint", "agenda Pricing for the <!channel> tier")
        stack.driver.command(MARK, "/joint", "needs Acme wants SSO by spring")
        run(stack)
    text = all_text(the_prompt(stack))
    [(team_id, start, end)] = calls[-1:]
    assert team_id == stack.team_id
    assert start.isoformat().startswith("2026-10-01T00:00") and end == MEETING  # since the quarter before
    order = [text.index(t) for t in ("Open action items", "Most useful intel shares", "Customers' future needs",
                                     "Items people added")]
    assert order == sorted(order)
    assert "Competitor X cut prices" in text
    assert "Pricing for the &lt;!channel&gt; tier" in text and "<!channel>" not in text
    assert "*2026-Q4* · Acme wants SSO by spring" in text


def test_a_prompt_missed_while_down_goes_out_once_when_back(stack):
    with at(MEETING - timedelta(days=2)):  # Truce was down at prompt time
        assert run(stack) == {stack.team_id: ["prompt 2027-Q1"]}
        assert run(stack) == {}
    assert len(prompts(stack)) == 1


def test_no_prompt_once_the_meeting_has_passed(stack):
    with at(MEETING + timedelta(hours=2)):
        assert run(stack) == {}
    assert prompts(stack) == []
    with stack.rt.session() as s:
        assert s.exec(select(JointMeeting)).all() == []


def test_without_a_joint_channel_the_prompt_goes_to_leads_by_dm(stack):
    set_workspace(stack, joint_channel=None)
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    [dm] = [m for m in stack.state.dms(LEE) if m.text.startswith("Joint sales")]
    assert "/truce setup" in all_text(dm)
    assert JointIds.ATTEND in action_ids(dm)
    assert prompts(stack) == []
    assert stack.state.dms(ADA) == []  # Ada is an admin Truce doesn't know of while a lead exists
    # the leads' copy is a working prompt: RSVPs show in place
    stack.driver.click(LEE, dm, JointIds.ATTEND)
    [dm] = [m for m in stack.state.dms(LEE) if m.text.startswith("Joint sales")]
    assert f"*Attending (1):* <@{LEE}>" in all_text(dm)


def test_no_joint_channel_and_no_leads_falls_back_to_slack_admins(stack):
    set_workspace(stack, joint_channel=None, lead_user_ids=[])
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    assert [m for m in stack.state.dms(ADA) if m.text.startswith("Joint sales")]


def test_force_prompt_uses_the_same_claim(stack):
    with at(PROMPT_AT - timedelta(days=20)):
        meeting = joint_job.force_prompt(stack.rt, stack.team_id)
        assert meeting.quarter == "2027-Q1"
        assert joint_job.force_prompt(stack.rt, stack.team_id) is None
    with at(PROMPT_AT + timedelta(minutes=1)):
        assert run(stack) == {}
    assert len(prompts(stack)) == 1
    with stack.rt.session() as s:
        assert [o.kind for o in s.exec(select(JointOccurrence)).all()] == ["prompt"]


def test_announce_command_is_for_leads(stack):
    with at(PROMPT_AT - timedelta(days=20)):
        stack.driver.command(SAM, "/joint", "announce")
        assert "Only a Slack admin or a Truce lead" in stack.state.ephemerals_for(SAM)[-1].text
        assert prompts(stack) == []
        stack.driver.command(LEE, "/joint", "announce")
        assert "2027-Q1 prompt is posted" in stack.state.ephemerals_for(LEE)[-1].text
        stack.driver.command(LEE, "/joint", "announce")
        assert "already out" in stack.state.ephemerals_for(LEE)[-1].text
    assert len(prompts(stack)) == 1


def test_a_prompt_slack_refused_is_retried_not_reclaimed(stack):
    from bot import delivery

    stack.state.fail_next("chat.postMessage", status=500)
    with at(PROMPT_AT + timedelta(minutes=1)):
        assert run(stack) == {stack.team_id: ["prompt 2027-Q1"]}
        assert prompts(stack) == []  # Slack answered 500: kept in the outbox
        assert run(stack) == {}  # the occurrence is claimed: the job never queues it again
    with at(PROMPT_AT + timedelta(minutes=2)):
        delivery.deliver_due(stack.rt)
    assert len(prompts(stack)) == 1


def test_as_served_the_tick_queues_the_prompt_and_the_sender_posts_it_once(stack):
    """`python -m bot serve` sets jobs_post_through_sender: the tick only claims and queues (10,000
    workspaces' prompts are not posted one after another by the scheduler's thread); the sender posts."""
    stack.rt.jobs_post_through_sender = True
    with at(PROMPT_AT + timedelta(seconds=30)):
        assert run(stack) == {stack.team_id: ["prompt 2027-Q1"]}
        assert stack.rt.sender.wait_idle(10)
        assert run(stack) == {}
    assert len(prompts(stack)) == 1
    for team_channel in (SALES, MARKETING):
        assert len(stack.state.messages(team_channel)) == 1
