"""Durable tasks: work Truce accepted from Slack but can only finish by calling Slack.

A listener that must ask Slack something before it can store the effect (a reaction names a
message; its words come from conversations.history) stores a `Task` row in the transaction that
answers Slack, then hands the task to the background pool. If the process dies first, the
scheduled `run_due` job finds the row and runs it. A row is claimed for a while before it runs, so
two processes never run it at the same time; a task that keeps failing is retried with backoff and
given up after MAX_ATTEMPTS, with a log line. Task functions must be idempotent: a crash between
the effect and "done" runs them again.

Each claim writes a new token, and "done" or "failed" is written only while the row still holds it:
a run that outlived its claim (it is renewed every CLAIM_FOR / 3 while the function runs, so only a
stalled process loses it) never writes over the run that claimed the task since (`_lost`).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import now
from bot.db import pk, session_scope
from bot.models import Task

if TYPE_CHECKING:
    from bot.runtime import Runtime

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


def _due(t: datetime) -> ColumnElement[bool]:
    return or_(and_(col(Task.status) == PENDING, col(Task.next_attempt_at) <= t),
               and_(col(Task.status) == RUNNING, col(Task.claimed_until) < t))


def _claim(engine: Engine, task_id: int) -> Task | None:
    t = now()
    with session_scope(engine) as session:
        claimed = session.exec(
            update(Task).where(col(Task.id) == task_id, _due(t))
            .values(status=RUNNING, claimed_until=t + CLAIM_FOR, claim_token=uuid.uuid4().hex,
                    attempts=col(Task.attempts) + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        return session.get(Task, task_id) if claimed == 1 else None


def _held(session: Session, task: Task) -> Task | None:
    """The row, renewed and locked until the transaction ends, if this run still holds its claim."""
    held = session.exec(
        update(Task).where(col(Task.id) == task.id, col(Task.status) == RUNNING,
                           col(Task.claim_token) == task.claim_token)
        .values(claimed_until=now() + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    ).rowcount
    return session.get(Task, task.id) if held == 1 else None


@contextmanager
def _kept(engine: Engine, task: Task) -> Iterator[None]:
    """Renew the claim every CLAIM_FOR / 3 while the function runs (it may call Slack many times)."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(CLAIM_FOR.total_seconds() / 3):
            try:
                with session_scope(engine) as session:
                    if _held(session, task) is None:
                        log.warning("task %s (%s): its claim was lost while it ran", task.id, task.kind)
                        return
            except Exception:  # the database may be away for a moment: try again at the next beat
                log.exception("task %s: renewing its claim failed", task.id)

    beat = threading.Thread(target=renew, name=f"truce-task-{task.id}", daemon=True)
    beat.start()
    try:
        yield
    finally:
        done.set()
        beat.join()


def run(rt: Runtime, task_id: int, functions: Mapping[str, TaskFn]) -> bool:
    """Run one task now if it is due and nobody else has it. True when it is done."""
    task = _claim(rt.engine, task_id)
    if task is None:
        return False
    fn = functions.get(task.kind)
    try:
        if fn is None:
            raise LookupError(f"no task function for {task.kind!r}")
        with _kept(rt.engine, task):
            fn(rt, team_id=task.team_id, **task.payload)
    except Exception as exc:
        log.exception("task %s (%s) failed on attempt %d", task.id, task.kind, task.attempts)
        _failed(rt.engine, task, exc)
        return False
    with session_scope(rt.engine) as session:
        row = _held(session, task)
        if row is not None:
            row.status, row.done_at, row.claimed_until, row.last_error = DONE, now(), None, None
            return True
    return _lost(rt.engine, task, done=True)


def _lost(engine: Engine, task: Task, *, done: bool) -> bool:
    """The run outlived its claim: another run took the task since. Nothing is written over what that
    run holds or wrote; a success is handed over to a task left waiting for a retry (or given up):
    it is done. True when this run's outcome made the task done."""
    finished = 0
    if done:
        with session_scope(engine) as session:
            finished = session.exec(
                update(Task).where(col(Task.id) == task.id, col(Task.status).in_((PENDING, FAILED)))
                .values(status=DONE, done_at=now(), claimed_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            ).rowcount
    log.warning("task %s (%s) %s after its claim had expired and another run took it; %s", task.id, task.kind,
                "succeeded" if done else "failed", "marked done" if finished else "left to that run")
    return finished == 1


def _failed(engine: Engine, task: Task, exc: Exception) -> None:
    with session_scope(engine) as session:
        row = _held(session, task)
        if row is None:
            _lost(engine, task, done=False)
            return
        row.last_error = repr(exc)[:255]
        row.claimed_until = None
        if row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
            log.error("task %s (%s) given up after %d attempts", row.id, row.kind, row.attempts)
        else:
            row.status = PENDING
            row.next_attempt_at = now() + min(timedelta(seconds=10 * 2 ** (row.attempts - 1)), timedelta(hours=1))


def run_due(rt: Runtime, functions: Mapping[str, TaskFn], *, limit: int = 100) -> int:
    """The recovery job: run what is due (or whose runner died). Returns how many finished."""
    with session_scope(rt.engine) as session:
        ids = session.exec(select(col(Task.id)).where(_due(now())).order_by(col(Task.id)).limit(limit)).all()
    return sum(run(rt, pk(task_id), functions) for task_id in ids)
