"""A whole quarter played through Slack, with a restart in the middle (played once, checked step by
step), and two replicas on one database posting each prompt and reminder once."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.ids import JointIds
from bot.joint.blocks_forms import row_block_id
from bot.sandbox.seed import JOINT, LEE, MARIA, MARK, SALLY, SAM
from bot.sandbox.stack import SandboxStack
from jobs import joint as joint_job
from jobs.scheduler import build_scheduler
from tests.isolation import story
from tests.joint_helpers import MEETING, NEXT_MEETING, PROMPT_AT, at, prompts, run, the_prompt
from tests.message_text import all_text


def _restart(old: SandboxStack, db) -> SandboxStack:
    """Truce goes down and comes back: a new process on the same database, Slack unchanged."""
    old.server.stop()
    old.executor.shutdown(wait=True)
    return SandboxStack(engine=db, emulator=old.emulator)


@pytest.fixture(scope="module")
def quarter(engine) -> dict[str, Any]:
    """A whole quarter played once through Slack, with a restart in the middle: what the jobs did and
    what Slack showed at each step, for the tests below (one step each)."""
    seen: dict[str, Any] = {}
    with story(engine):
        stack = SandboxStack(engine=engine)
        try:
            # December: people add to the agenda before the prompt exists
            with at(datetime(2026, 12, 15, 9, 0, tzinfo=UTC)):
                stack.driver.command(SAM, "/joint", "agenda Competitor X's price cut")
                stack.driver.command(MARK, "/joint", "needs Acme wants SSO by spring")
                seen["run in december"] = run(stack)
            with at(PROMPT_AT + timedelta(minutes=1)):
                seen["run at the prompt"] = run(stack)
                prompt = the_prompt(stack)
                seen["prompt"] = all_text(prompt)
                stack.driver.click(SAM, prompt, JointIds.ATTEND)
                stack.driver.click(MARIA, prompt, JointIds.PROPOSE)
                [view] = stack.state.open_views(MARIA)
                stack.driver.submit(MARIA, view.id, {JointIds.DATE: "2027-01-06", JointIds.TIME: "15:00"})
            # Truce restarts; the new process posts nothing twice
            stack = _restart(stack, engine)
            with at(PROMPT_AT + timedelta(minutes=5)):
                seen["run after the restart"] = run(stack)
                seen["forced prompt after the restart"] = joint_job.force_prompt(stack.rt, stack.team_id)
                prompt = the_prompt(stack)
                stack.driver.click(MARK, prompt, JointIds.ATTEND)
                stack.driver.click(SALLY, prompt, JointIds.DECLINE)
                stack.driver.click(LEE, prompt, JointIds.ATTEND)
            seen["prompt with answers"] = all_text(the_prompt(stack))
            seen["reminder runs"] = []
            for moment in (MEETING - timedelta(hours=20), MEETING - timedelta(minutes=45),
                           MEETING + timedelta(hours=1, minutes=30)):
                with at(moment):
                    seen["reminder runs"].append(run(stack))
            with at(MEETING + timedelta(hours=1, minutes=30)):
                day, _hour, follow = stack.state.replies(JOINT, prompt.ts)
                seen["day reminder"] = all_text(day)
                stack.driver.click(LEE, follow, JointIds.RECORD)
                [view] = stack.state.open_views(LEE)
                stack.driver.submit(LEE, view.id, {
                    JointIds.MINUTES: "Price cut: bundle answer. Acme SSO goes to product.",
                    f"{row_block_id(0, 'text')}.text": "Bundle offer one-pager",
                    f"{row_block_id(0, 'owner')}.owner": MARIA,
                    f"{row_block_id(0, 'due')}.due": "2027-01-15",
                })
                seen["outcomes posts"] = [m for m in stack.state.messages(JOINT)
                                          if m.text.startswith("Outcomes of the")]
                seen["outcomes"] = [all_text(m) for m in seen["outcomes posts"]]
                seen["dms to the owner"] = [m.text for m in stack.state.dms(MARIA)]
                # the plan for the quarter, and its CSV
                stack.driver.command(MARK, "/joint", "plan", channel=JOINT)
                [view] = stack.state.open_views(MARK)
                stack.driver.submit(MARK, view.id, {
                    JointIds.LINES: "Win back price-sensitive deals | Bundle campaign | 20000 | 400000 | 150000",
                    JointIds.CURRENCY: "USD", JointIds.OWNERS: [SAM, MARK]})
                stack.driver.command(MARK, "/joint", "plan export", channel=JOINT)
                seen["files shared"] = [stack.state.files[f["id"]]["content"].decode("utf-8")
                                        for m in stack.state.messages(JOINT) for f in m.files]
            with at(datetime(2027, 1, 15, 9, 30, tzinfo=UTC)):
                seen["runs on the due date"] = [run(stack), run(stack)]
                [due] = [m for m in stack.state.dms(MARIA) if m.text.startswith("Due today")]
                stack.driver.click(MARIA, due, JointIds.CLOSE_ITEM)
            seen["outcomes once closed"] = [all_text(stack.state.find_message(JOINT, m.ts))
                                            for m in seen["outcomes posts"]]
            with at(NEXT_MEETING - timedelta(days=6)):
                seen["run at the next prompt"] = run(stack)
            seen["prompts"] = [all_text(m) for m in prompts(stack)]
            seen["team"] = stack.team_id
        finally:
            stack.stop()
    return seen


def test_nothing_is_posted_before_the_prompt_is_due(quarter):
    assert quarter["run in december"] == {}


def test_the_prompt_is_posted_with_what_people_added_before_it(quarter):
    assert quarter["run at the prompt"] == {quarter["team"]: ["prompt 2027-Q1"]}
    assert "Competitor X's price cut" in quarter["prompt"] and "Acme wants SSO by spring" in quarter["prompt"]


def test_a_restarted_process_posts_nothing_twice(quarter):
    assert quarter["run after the restart"] == {}
    assert quarter["forced prompt after the restart"] is None
    assert len(quarter["prompts"]) == 2  # this quarter's and the next one's


def test_answers_before_and_after_the_restart_show_on_the_prompt(quarter):
    assert f"*Attending (3):* <@{SAM}>, <@{MARK}>, <@{LEE}>" in quarter["prompt with answers"]
    assert f"1 vote: <@{MARIA}>" in quarter["prompt with answers"]


def test_the_reminders_and_the_follow_up_come_once_each_at_their_time(quarter):
    team = quarter["team"]
    assert quarter["reminder runs"] == [{team: ["remind-day 2027-Q1"]}, {team: ["remind-hour 2027-Q1"]},
                                        {team: ["followup 2027-Q1"]}]
    assert f"<@{MARIA}>" in quarter["day reminder"].split("No answer yet")[1]


def test_the_outcomes_are_posted_and_their_owner_is_told(quarter):
    [outcomes] = quarter["outcomes"]
    assert "Bundle offer one-pager" in outcomes
    assert [text for text in quarter["dms to the owner"] if "Bundle offer one-pager" in text]


def test_the_quarters_plan_is_exported_as_csv(quarter):
    [content] = quarter["files shared"]
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[1][:7] == ["2027-Q1", "Win back price-sensitive deals", "Bundle campaign", "20000.00", "USD",
                           "400000.00", "150000.00"]


def test_an_action_item_is_dmed_once_on_its_due_date_and_closed_from_there(quarter):
    assert quarter["runs on the due date"] == [{quarter["team"]: ["1 action item(s) due"]}, {}]
    [closed] = quarter["outcomes once closed"]
    assert "~Bundle offer one-pager~" in closed


def test_the_next_quarters_prompt_says_every_earlier_item_is_done(quarter):
    assert quarter["run at the next prompt"] == {quarter["team"]: ["prompt 2027-Q2"]}
    assert "None open: every earlier action item is done." in quarter["prompts"][-1]


def _together(stacks, fn):
    barrier = threading.Barrier(len(stacks))
    results, errors = {}, []

    def go(s):
        try:
            barrier.wait(timeout=10)
            results[s.rt.name] = fn(s)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(s,)) for s in stacks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    return results


def test_two_replicas_post_each_prompt_and_reminder_once(stack, db):
    other = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        for s in (stack, other):  # each replica has its own scheduler ticking the same job
            job = build_scheduler(s.rt).get_job(joint_job.JOB_ID)
            assert job.args == (s.rt,) and job.trigger.interval == timedelta(minutes=1)
        for moment, step in ((PROMPT_AT + timedelta(seconds=10), "prompt 2027-Q1"),
                             (MEETING - timedelta(hours=23), "remind-day 2027-Q1"),
                             (MEETING - timedelta(minutes=50), "remind-hour 2027-Q1")):
            with at(moment):
                for _ in range(3):
                    results = _together([stack, other], lambda s: joint_job.run_due(s.rt))
                    posted = [step_ for r in results.values() for steps in r.values() for step_ in steps]
                    assert posted in ([step], []), posted
                    step = None if posted else step
                assert step is None, f"nobody posted {step}"
        assert len(prompts(stack)) == 1
        assert len(stack.state.replies(JOINT, the_prompt(stack).ts)) == 2
        sales_notices = [m for m in stack.state.messages("CSALES1") if "joint" in m.text.lower()]
        assert len(sales_notices) == 1
    finally:
        other.server.stop()
        other.executor.shutdown(wait=True)
