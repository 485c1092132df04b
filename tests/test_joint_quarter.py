"""A whole quarter played through Slack, with a restart in the middle, and two replicas on one
database posting each prompt and reminder once."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

from bot.ids import JointIds
from bot.joint.blocks_forms import row_block_id
from bot.sandbox.seed import JOINT, LEE, MARIA, MARK, SALLY, SAM
from bot.sandbox.stack import SandboxStack
from jobs import joint as joint_job
from jobs.scheduler import build_scheduler
from tests.joint_helpers import MEETING, NEXT_MEETING, PROMPT_AT, at, block_texts, prompts, run, the_prompt


def _restart(old: SandboxStack, db) -> SandboxStack:
    """Truce goes down and comes back: a new process on the same database, Slack unchanged."""
    old.server.stop()
    old.executor.shutdown(wait=True)
    return SandboxStack(engine=db, emulator=old.emulator)


def test_a_whole_quarter_with_a_restart_in_the_middle(stack, db):
    # December: people add to the agenda before the prompt exists
    with at(datetime(2026, 12, 15, 9, 0, tzinfo=UTC)):
        stack.driver.command(SAM, "/joint", "agenda Competitor X's price cut")
        stack.driver.command(MARK, "/joint", "needs Acme wants SSO by spring")
        assert run(stack) == {}
    with at(PROMPT_AT + timedelta(minutes=1)):
        assert run(stack) == {stack.team_id: ["prompt 2027-Q1"]}
        prompt = the_prompt(stack)
        text = block_texts(prompt)
        assert "Competitor X's price cut" in text and "Acme wants SSO by spring" in text
        stack.driver.click(SAM, prompt, JointIds.ATTEND)
        stack.driver.click(MARIA, prompt, JointIds.PROPOSE)
        [view] = stack.state.open_views(MARIA)
        stack.driver.submit(MARIA, view.id, {JointIds.DATE: "2027-01-06", JointIds.TIME: "15:00"})
    # Truce restarts; the new process posts nothing twice
    stack = _restart(stack, db)
    try:
        with at(PROMPT_AT + timedelta(minutes=5)):
            assert run(stack) == {}
            assert joint_job.force_prompt(stack.rt, stack.team_id) is None
            prompt = the_prompt(stack)
            stack.driver.click(MARK, prompt, JointIds.ATTEND)
            stack.driver.click(SALLY, prompt, JointIds.DECLINE)
            stack.driver.click(LEE, prompt, JointIds.ATTEND)
        text = block_texts(the_prompt(stack))
        assert f"*Attending (3):* <@{SAM}>, <@{MARK}>, <@{LEE}>" in text
        assert f"1 vote: <@{MARIA}>" in text
        with at(MEETING - timedelta(hours=20)):
            assert run(stack) == {stack.team_id: ["remind-day 2027-Q1"]}
        with at(MEETING - timedelta(minutes=45)):
            assert run(stack) == {stack.team_id: ["remind-hour 2027-Q1"]}
        with at(MEETING + timedelta(hours=1, minutes=30)):
            assert run(stack) == {stack.team_id: ["followup 2027-Q1"]}
            day, _hour, follow = stack.state.replies(JOINT, prompt.ts)
            assert f"<@{MARIA}>" in block_texts(day).split("No answer yet")[1]
            stack.driver.click(LEE, follow, JointIds.RECORD)
            [view] = stack.state.open_views(LEE)
            stack.driver.submit(LEE, view.id, {
                JointIds.MINUTES: "Price cut: bundle answer. Acme SSO goes to product.",
                f"{row_block_id(0, 'text')}.text": "Bundle offer one-pager",
                f"{row_block_id(0, 'owner')}.owner": MARIA,
                f"{row_block_id(0, 'due')}.due": "2027-01-15",
            })
            [outcomes] = [m for m in stack.state.messages(JOINT) if m.text.startswith("Outcomes of the")]
            assert "Bundle offer one-pager" in block_texts(outcomes)
            assert [m for m in stack.state.dms(MARIA) if "Bundle offer one-pager" in m.text]
            # the plan for the quarter, and its CSV
            stack.driver.command(MARK, "/joint", "plan", channel=JOINT)
            [view] = stack.state.open_views(MARK)
            stack.driver.submit(MARK, view.id, {
                JointIds.LINES: "Win back price-sensitive deals | Bundle campaign | 20000 | 400000 | 150000",
                JointIds.CURRENCY: "USD", JointIds.OWNERS: [SAM, MARK]})
            stack.driver.command(MARK, "/joint", "plan export", channel=JOINT)
            [shared] = [m for m in stack.state.messages(JOINT) if m.files]
            content = stack.state.files[shared.files[0]["id"]]["content"].decode("utf-8")
            rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
            assert rows[1][:7] == ["2027-Q1", "Win back price-sensitive deals", "Bundle campaign", "20000.00", "USD",
                                   "400000.00", "150000.00"]
        with at(datetime(2027, 1, 15, 9, 30, tzinfo=UTC)):
            assert run(stack) == {stack.team_id: ["1 action item(s) due"]}
            assert run(stack) == {}
            [due] = [m for m in stack.state.dms(MARIA) if m.text.startswith("Due today")]
            stack.driver.click(MARIA, due, JointIds.CLOSE_ITEM)
        assert "~Bundle offer one-pager~" in block_texts(stack.state.find_message(JOINT, outcomes.ts))
        with at(NEXT_MEETING - timedelta(days=6)):
            assert run(stack) == {stack.team_id: ["prompt 2027-Q2"]}
        assert len(prompts(stack)) == 2
        q2 = prompts(stack)[-1]
        assert "None open: every earlier action item is done." in block_texts(q2)
    finally:
        stack.stop()


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
