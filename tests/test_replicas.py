"""Two Truce processes on one database, each with its own scheduler: every post goes out once."""

from __future__ import annotations

import threading

import time_machine
from apscheduler.events import EVENT_JOB_EXECUTED
from sqlmodel import select

from bot import delivery
from bot.clock import now
from bot.db import session_scope
from bot.models import Outbox
from bot.sandbox.seed import SALES
from bot.sandbox.stack import SandboxStack
from jobs.outbox import JOB_ID
from jobs.scheduler import build_scheduler


def test_two_schedulers_never_send_the_same_post_twice(stack, db):
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        with session_scope(db) as s:  # queued, not yet sent: as if Slack had been down
            for i in range(40):
                delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text=f"post {i}", key=f"k{i}")
        runs = {"a": 0, "b": 0}
        done = threading.Event()
        schedulers = []
        for name, rt in (("a", stack.rt), ("b", replica.rt)):
            sched = build_scheduler(rt)

            def counted(event, name=name):
                if event.job_id == JOB_ID:
                    runs[name] += 1
                    if min(runs.values()) >= 2:
                        done.set()

            sched.add_listener(counted, EVENT_JOB_EXECUTED)
            sched.start(paused=True)
            sched.modify_job(JOB_ID, next_run_time=now())
            schedulers.append(sched)
        for sched in schedulers:
            sched.reschedule_job(JOB_ID, trigger="interval", seconds=0.2)
            sched.resume()
        assert done.wait(20), f"both schedulers should have run the retry job twice: {runs}"
        for sched in schedulers:
            sched.shutdown(wait=True)
        texts = [m.text for m in stack.messages(SALES)]
        assert sorted(texts) == sorted(f"post {i}" for i in range(40))
        with session_scope(db) as s:
            assert {r.status for r in s.exec(select(Outbox)).all()} == {"sent"}
    finally:
        replica.stop()


def test_concurrent_delivery_of_one_row_sends_it_once(stack, db):
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        with session_scope(db) as s:
            row = delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text="once")
        results = []
        barrier = threading.Barrier(8)

        def send(rt):
            barrier.wait()
            results.extend(delivery.deliver(rt, [row.id]))

        threads = [threading.Thread(target=send, args=(rt,)) for rt in [stack.rt, replica.rt] * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert [r.status for r in results].count("sent") == 1
        assert [m.text for m in stack.messages(SALES)] == ["once"]
    finally:
        replica.stop()


def test_one_workspaces_failure_does_not_hold_back_the_others_and_is_retried_later(stack, caplog):
    from bot import schedule_due
    from bot.models import Workspace
    from jobs.common import for_each_due

    with stack.rt.session() as s:
        s.add(Workspace(team_id="T0BROKEN"))  # a new workspace: its jobs are due at once
    broken = [True]

    def work(claim):
        if claim.team_id == "T0BROKEN" and broken[0]:
            raise RuntimeError("this workspace is broken")
        with stack.rt.session() as s:
            schedule_due.reschedule(s, claim, schedule_due.NEVER)
        return claim.team_id

    at = now()
    with time_machine.travel(at, tick=False):
        assert for_each_due(stack.rt, schedule_due.JOINT, work, what="test job") == {stack.team_id: stack.team_id}
        assert "test job failed for T0BROKEN" in caplog.text
        assert for_each_due(stack.rt, schedule_due.JOINT, work, what="test job") == {}  # not on every tick
    broken[0] = False
    with time_machine.travel(at + schedule_due.LEASE, tick=False):  # the claim's lease is over: tried again
        assert for_each_due(stack.rt, schedule_due.JOINT, work, what="test job") == {"T0BROKEN": "T0BROKEN"}
        assert for_each_due(stack.rt, schedule_due.JOINT, work, what="test job") == {}
