"""Durable tasks: a run writes "done" or "failed" only while it holds its claim, which is renewed
while the task function runs; a run that outlived its claim never writes over the run that took
the task since."""

from __future__ import annotations

import time
from datetime import timedelta

import time_machine

from bot import tasks
from bot.clock import now
from bot.db import session_scope
from bot.models import Task

STALL = tasks.CLAIM_FOR + timedelta(seconds=1)


def _enqueue(stack, kind: str) -> int:
    with session_scope(stack.rt.engine) as s:
        return tasks.enqueue(s, team_id=stack.team_id, kind=kind, key=f"{kind}:1", payload={}).id


def _task(stack, task_id: int) -> Task:
    with session_scope(stack.rt.engine) as s:
        return s.get(Task, task_id)


def test_a_run_that_outlived_its_claim_does_not_undo_the_run_that_finished_the_task(stack, caplog):
    """The first run stalls past its claim; the recovery job runs the task meanwhile and finishes it;
    then the first run fails. The task stays done (before, it was put back to be retried)."""
    runs = []

    def flaky(rt, *, team_id):
        runs.append(team_id)
        if len(runs) == 1:
            clock.shift(STALL)
            assert tasks.run_due(stack.rt, functions) == 1
            raise RuntimeError("Slack went away")

    functions = {"test.flaky": flaky}
    with time_machine.travel(now(), tick=False) as clock:
        task_id = _enqueue(stack, "test.flaky")
        assert tasks.run(stack.rt, task_id, functions) is False
    task = _task(stack, task_id)
    assert (task.status, task.attempts, task.last_error) == ("done", 2, None)
    assert len(runs) == 2
    assert "left to that run" in caplog.text


def test_a_success_after_the_claim_expired_finishes_a_task_left_for_a_retry(stack):
    """The first run stalls; the recovery job's run fails (the task waits for a retry); then the first
    run succeeds after all: the task is done, not run a third time."""
    runs = []

    def slow(rt, *, team_id):
        runs.append(team_id)
        if len(runs) == 1:
            clock.shift(STALL)
            assert tasks.run_due(stack.rt, functions) == 0
            assert _task(stack, task_id).status == tasks.PENDING
        elif len(runs) == 2:
            raise RuntimeError("Slack went away")

    functions = {"test.slow": slow}
    with time_machine.travel(now(), tick=False) as clock:
        task_id = _enqueue(stack, "test.slow")
        assert tasks.run(stack.rt, task_id, functions) is True
        clock.shift(timedelta(hours=2))
        assert tasks.run_due(stack.rt, functions) == 0
    assert _task(stack, task_id).status == "done"
    assert len(runs) == 2


def test_a_long_run_keeps_its_claim(stack, monkeypatch):
    """A task function that outlasts CLAIM_FOR (real time: the renewal is the subject, kept short)
    keeps the task: the recovery job does not run it a second time meanwhile."""
    monkeypatch.setattr(tasks, "CLAIM_FOR", timedelta(seconds=0.3))
    runs = []

    def long(rt, *, team_id):
        runs.append(team_id)
        if len(runs) == 1:
            time.sleep(1.0)
            assert tasks.run_due(stack.rt, functions) == 0

    functions = {"test.long": long}
    task_id = _enqueue(stack, "test.long")
    assert tasks.run(stack.rt, task_id, functions) is True
    assert len(runs) == 1
    assert _task(stack, task_id).status == "done"
