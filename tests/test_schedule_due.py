"""Schedules cost what is due: per-workspace jobs claim only due workspaces (bot/schedule_due.py), replicas
share them batch by batch, each prompt goes out once, and settings that change make a workspace due again."""

from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from sqlmodel import col, select

from bot import schedule_due
from bot.db import session_scope
from bot.joint.models import JointOccurrence
from bot.joint.prefs import set_schedule
from bot.joint.schedule import Schedule
from bot.models import Outbox, ScheduleDue, Workspace
from bot.sandbox.seed import JOINT
from bot.sandbox.stack import SandboxStack
from jobs import common, joint
from tests.joint_helpers import MEETING, PROMPT_AT, prompts

EXTRA = [f"T0EXTRA{n:02d}" for n in range(9)]


def _due(db, team_id: str, job: str = schedule_due.JOINT):
    with session_scope(db) as s:
        row = s.get(ScheduleDue, (team_id, job))
        return None if row is None else row.due_at.replace(tzinfo=None)


def test_two_replicas_deliver_every_workspaces_prompt_exactly_once(stack, db, monkeypatch):
    monkeypatch.setattr(common, "BATCH", 2)  # many batches for the replicas to share
    with stack.rt.session() as s:
        for team in EXTRA:
            s.add(Workspace(team_id=team, joint_channel=JOINT, timezone="UTC"))
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        with time_machine.travel(PROMPT_AT + timedelta(hours=1), tick=False):
            start, results = threading.Barrier(2), []

            def tick(rt):
                start.wait()
                results.append(joint.run_due(rt))

            threads = [threading.Thread(target=tick, args=(rt,)) for rt in (stack.rt, replica.rt)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            said = [team for r in results for team, steps in r.items() if any(s.startswith("prompt") for s in steps)]
            assert sorted(said) == sorted([stack.team_id, *EXTRA])  # each workspace by one replica, once
            assert joint.run_due(stack.rt) == {} and joint.run_due(replica.rt) == {}  # nothing due now
        with session_scope(db) as s:
            claimed = s.exec(select(JointOccurrence.team_id).where(JointOccurrence.kind == "prompt")).all()
            posts = s.exec(select(Outbox.team_id).where(Outbox.channel == JOINT,
                                                        col(Outbox.thread_parent_id).is_(None))).all()
        assert sorted(claimed) == sorted(posts) == sorted([stack.team_id, *EXTRA])
        assert len(prompts(stack)) == len(EXTRA) + 1
        assert _due(db, EXTRA[0]) == (MEETING - timedelta(days=1)).replace(tzinfo=None)  # the day-before reminder
    finally:
        replica.stop()


def test_an_idle_tick_reads_no_workspace_and_a_schedule_change_makes_it_due(stack, db):
    with time_machine.travel(PROMPT_AT - timedelta(days=2), tick=False):
        assert joint.run_due(stack.rt) == {}
        assert _due(db, stack.team_id) == PROMPT_AT.replace(tzinfo=None)
        calls = []
        original = joint.run_for
        try:
            joint.run_for = lambda *a, **k: calls.append(a) or original(*a, **k)
            assert joint.run_due(stack.rt) == {} and calls == []  # nothing due: no workspace read
        finally:
            joint.run_for = original
        with stack.rt.session() as s:  # the prompt goes out 10 days before instead of 7
            set_schedule(session=s, ws=s.get(Workspace, stack.team_id), schedule=Schedule(prompt_days=10))
        assert _due(db, stack.team_id) == schedule_due.ASAP.replace(tzinfo=None)
        assert list(joint.run_due(stack.rt)) == [stack.team_id]  # its prompt, now due
    assert len(prompts(stack)) == 1


def test_a_satisfaction_digest_with_no_scores_claims_nothing(stack, db):
    from bot.unhappy.csat_models import CsatDigestRun
    from jobs import unhappy

    with time_machine.travel(PROMPT_AT, tick=False):
        assert unhappy.send_csat_digests(stack.rt) == 0
        with session_scope(db) as s:
            assert s.exec(select(CsatDigestRun)).all() == []
        assert _due(db, stack.team_id, schedule_due.CSAT_DIGEST) > PROMPT_AT.replace(tzinfo=None)


def test_a_batch_that_outlives_its_lease_does_not_run_what_another_replica_took(stack, db):
    """A slow batch (Slack slow for its first workspace): past its lease, another replica's tick takes the
    workspaces this one has not reached; this one must not run them too."""
    from bot.clock import now

    job = "test-slow"
    with session_scope(db) as s:
        for team in EXTRA[:3]:
            schedule_due.set_due(s, team, job, schedule_due.ASAP)
    ran, taken = [], []
    with time_machine.travel(PROMPT_AT, tick=False) as clock:

        def work(claim):
            ran.append(claim.team_id)
            if len(ran) == 1:  # the first outlasts the whole lease; meanwhile the other replica ticks
                clock.shift(schedule_due.LEASE + timedelta(seconds=1))
                with session_scope(db) as s:
                    taken.extend(c.team_id for c in schedule_due.claim_due(s, job, now(), 10))
            with session_scope(db) as s:
                schedule_due.reschedule(s, claim, now() + timedelta(days=1))

        common.for_each_due(stack.rt, job, work, what="slow job")
    assert taken == EXTRA[:3]  # every lease of the batch is over (the first's too: it is still running)
    assert ran == [EXTRA[0]]  # the two it had not reached are left to the replica that holds them now


def test_a_batch_near_the_end_of_its_lease_claims_the_rest_afresh(stack, db):
    from bot.clock import now

    job = "test-slowish"
    with session_scope(db) as s:
        for team in EXTRA[:3]:
            schedule_due.set_due(s, team, job, schedule_due.ASAP)
    ran = []
    with time_machine.travel(PROMPT_AT, tick=False) as clock:

        def work(claim):
            ran.append(claim.team_id)
            if len(ran) == 1:
                clock.shift(schedule_due.LEASE - timedelta(seconds=30))
            with session_scope(db) as s:
                assert schedule_due.reschedule(s, claim, now() + timedelta(days=1))  # its claim still held

        common.for_each_due(stack.rt, job, work, what="slowish job")
    assert ran == EXTRA[:3]


def test_a_workspace_written_without_schedule_rows_is_adopted_by_the_hourly_members_job(stack, db):
    """A process older than the schedule_due table (a rolling deploy) creates a workspace: no rows, so no
    tick would ever find it due. The members job (hourly, and just after start) makes them."""
    from jobs import members

    with stack.rt.session() as s:
        s.add(Workspace(team_id="T0OLDPROC", joint_channel=JOINT, timezone="UTC"))
    with session_scope(db) as s:  # as an older process leaves it: no schedule rows
        schedule_due.forget(s, "T0OLDPROC")
    assert _due(db, "T0OLDPROC") is None
    members.refresh_all(stack.rt)
    assert _due(db, "T0OLDPROC") == schedule_due.ASAP.replace(tzinfo=None)  # the next joint tick computes it
    with session_scope(db) as s:
        assert schedule_due.adopt_missing(s) == 0  # once made, nothing more
