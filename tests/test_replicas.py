"""Two Truce processes on one database, each with its own scheduler: every post goes out once."""

from __future__ import annotations

import threading

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


def test_one_workspaces_failure_does_not_hold_back_the_others(stack, caplog):
    from jobs.common import for_each_workspace

    with stack.rt.session() as s:
        from bot.models import Workspace

        s.add(Workspace(team_id="T0BROKEN"))

    def work(team_id):
        if team_id == "T0BROKEN":
            raise RuntimeError("this workspace is broken")
        return team_id

    assert for_each_workspace(stack.rt, work, what="test job") == {stack.team_id: stack.team_id}
    assert "test job failed for T0BROKEN" in caplog.text
