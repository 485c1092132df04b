"""What is due, per workspace and job, without looking at every workspace: the `schedule_due` table
(bot/models/schedule.py: one row per workspace and job, indexed on (job, due_at)).

A tick claims a batch of due rows (`claim_due`) by pushing their `due_at` forward by a lease, in one
statement: on PostgreSQL an UPDATE over `SELECT … FOR UPDATE SKIP LOCKED`, so replicas running the same tick
take disjoint batches; on SQLite one UPDATE … RETURNING, under the process's write gate and SQLite's write
lock. The run then writes the workspace's next due time (`reschedule`) in its own transaction, only if the
row still holds that claim: a change made meanwhile (the row made due again) is not overwritten. A run that
fails or dies keeps the lease, so the workspace comes back when the lease ends: retried, not lost, and not
retried on every tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, literal, select, update
from sqlmodel import Session

from bot.models.core import Workspace
from bot.models.schedule import (
    ASAP,
    CSAT_DIGEST,
    INTEL_DIGEST,
    INTEL_FEEDBACK,
    JOBS,
    JOINT,
    MEMBERS,
    NEVER,
    SCORECARD_CHART,
    ScheduleDue,
    due_asap,
    upsert_statement,
)

__all__ = ["ASAP", "CSAT_DIGEST", "INTEL_DIGEST", "INTEL_FEEDBACK", "JOBS", "JOINT", "MEMBERS", "NEVER",
           "SCORECARD_CHART", "Claim", "adopt_missing", "claim_due", "due_asap", "forget", "release", "reschedule",
           "set_due", "touch"]

LEASE = timedelta(minutes=10)  # how long a claimed workspace is left to its run before another tick retries it
_table = ScheduleDue.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claim:
    """One workspace's job, claimed until `until` (the row's due_at while the claim holds)."""

    team_id: str
    job: str
    until: datetime


def claim_due(session: Session, job: str, now: datetime, limit: int, *, lease: timedelta = LEASE) -> list[Claim]:
    """Claim up to `limit` of `job`'s rows due at `now` (earliest first). Commit the session to hold them."""
    until = now + lease
    due = (select(_table.c.team_id).where(_table.c.job == job, _table.c.due_at <= now)
           .order_by(_table.c.due_at).limit(limit).with_for_update(skip_locked=True))
    claimed = session.execute(
        update(_table).where(_table.c.job == job, _table.c.team_id.in_(due.scalar_subquery()))
        .values(due_at=until).returning(_table.c.team_id)
    ).scalars().all()
    return [Claim(team_id, job, until) for team_id in sorted(claimed)]


def reschedule(session: Session, claim: Claim, at: datetime) -> bool:
    """Next due at `at`, unless the row changed since it was claimed (then it stays as it is: due again)."""
    moved = session.execute(
        update(_table).where(_table.c.team_id == claim.team_id, _table.c.job == claim.job,
                             _table.c.due_at == claim.until).values(due_at=at)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def adopt_missing(session: Session) -> int:
    """Rows for workspaces that have none (written by a process older than this table during a rolling
    deploy, or by hand): due at once. Returns how many rows were made. An anti-join over the workspaces:
    run hourly (jobs/members.py), not every tick."""
    made = 0
    workspaces = Workspace.__table__  # type: ignore[attr-defined]
    for job in JOBS:
        missing = select(workspaces.c.team_id, literal(job), literal(ASAP)).where(~exists().where(
            _table.c.team_id == workspaces.c.team_id, _table.c.job == job))
        made += len(session.execute(_table.insert().from_select(["team_id", "job", "due_at"], missing)
                                    .returning(_table.c.team_id)).all())
    return made


def release(session: Session, claims: Iterable[Claim], at: datetime) -> None:
    """Give back claims not run yet: due at `at` (those whose row is still as claimed)."""
    for claim in claims:
        reschedule(session, claim, at)


def set_due(session: Session, team_id: str, job: str, at: datetime) -> None:
    """Due at `at`, whatever it was (the row is made if missing)."""
    session.execute(upsert_statement(session.get_bind().dialect.name, [{"team_id": team_id, "job": job, "due_at": at}]))


def touch(session: Session, team_id: str, jobs: Iterable[str]) -> None:
    """These jobs of the workspace are due at once: something they compute their next time from changed."""
    due_asap(session, [team_id], jobs)


def forget(session: Session, team_id: str, jobs: Iterable[str] = JOBS) -> None:
    """The workspace is gone: its rows go too."""
    session.execute(delete(_table).where(_table.c.team_id == team_id, _table.c.job.in_(list(jobs))))
