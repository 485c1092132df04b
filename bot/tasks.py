"""Durable tasks: work Truce accepted from Slack but can only finish by calling Slack.

A listener that must ask Slack something before it can store the effect (a reaction names a
message; its words come from conversations.history) stores a `Task` row in the transaction that
answers Slack, then hands the task to the background pool. If the process dies first, the
scheduled `run_due` job finds the row and runs it. A row is claimed for a while before it runs, so
two processes never run it at the same time; a task that keeps failing is retried with backoff and
given up after MAX_ATTEMPTS, with a log line. Task functions must be idempotent: a crash between
the effect and "done" runs them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.clock import now
from bot.db import session_scope
from bot.models import Task

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
CLAIM_FOR = timedelta(seconds=120)
MAX_ATTEMPTS = 8
TaskFn = Callable[..., None]  # fn(rt, *, team_id, **payload)


def enqueue(session: Session, *, team_id: str, kind: str, key: str, payload: dict[str, Any]) -> Task | None:
    """Store a task in this transaction. The same key twice is one task: None the second time."""
    if session.exec(select(Task.id).where(Task.team_id == team_id, Task.key == key)).first() is not None:
        return None
    task = Task(team_id=team_id, key=key[:255], kind=kind, payload=payload)
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:  # the same key from a concurrent request: it is already stored
        return None
    return task


def _due(t):
    return or_(and_(Task.status == PENDING, Task.next_attempt_at <= t),
               and_(Task.status == RUNNING, Task.claimed_until < t))


def _claim(engine, task_id: int) -> Task | None:
    t = now()
    with session_scope(engine) as session:
        claimed = session.exec(
            update(Task).where(Task.id == task_id, _due(t))
            .values(status=RUNNING, claimed_until=t + CLAIM_FOR, attempts=Task.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        return session.get(Task, task_id) if claimed == 1 else None


def run(rt, task_id: int, functions: Mapping[str, TaskFn]) -> bool:
    """Run one task now if it is due and nobody else has it. True when it is done."""
    task = _claim(rt.engine, task_id)
    if task is None:
        return False
    fn = functions.get(task.kind)
    try:
        if fn is None:
            raise LookupError(f"no task function for {task.kind!r}")
        fn(rt, team_id=task.team_id, **task.payload)
    except Exception as exc:
        log.exception("task %s (%s) failed on attempt %d", task.id, task.kind, task.attempts)
        _failed(rt.engine, task, exc)
        return False
    with session_scope(rt.engine) as session:
        row = session.get(Task, task_id)
        row.status, row.done_at, row.claimed_until, row.last_error = DONE, now(), None, None
    return True


def _failed(engine, task: Task, exc: Exception) -> None:
    with session_scope(engine) as session:
        row = session.get(Task, task.id)
        row.last_error = repr(exc)[:255]
        row.claimed_until = None
        if row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
            log.error("task %s (%s) given up after %d attempts", row.id, row.kind, row.attempts)
        else:
            row.status = PENDING
            row.next_attempt_at = now() + min(timedelta(seconds=10 * 2 ** (row.attempts - 1)), timedelta(hours=1))


def run_due(rt, functions: Mapping[str, TaskFn], *, limit: int = 100) -> int:
    """The recovery job: run what is due (or whose runner died). Returns how many finished."""
    with session_scope(rt.engine) as session:
        ids = session.exec(select(Task.id).where(_due(now())).order_by(Task.id).limit(limit)).all()
    return sum(run(rt, task_id, functions) for task_id in ids)
