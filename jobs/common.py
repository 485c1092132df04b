"""What every job family shares: running one piece of work for each workspace whose job is due.

The database says which workspaces are due (bot/schedule_due.py): a tick claims them in batches and never
reads the workspaces that have nothing due, so it costs what is due, not how many workspaces exist."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from bot import schedule_due
from bot.clock import now
from bot.db import session_scope
from bot.runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 500  # workspaces claimed at a time (replicas running the same tick share the due ones batch by batch)
# A batch whose lease (schedule_due.LEASE) has less than this left gives its other workspaces back and claims
# afresh: past the lease another replica (or the next tick) would take them while this one still runs them.
LEASE_LEFT = schedule_due.LEASE / 5


def for_each_due(rt: Runtime, job: str, work: Callable[[schedule_due.Claim], T], *, what: str,
                 batch: int | None = None) -> dict[str, T]:
    """`work(claim)` for each workspace whose `job` is due, earliest first; `work` writes the workspace's
    next due time (`schedule_due.reschedule`) with what it did. One workspace's failure is logged (with
    `what`) and the others still run; the failed one comes back when its claim's lease ends. Returns each
    workspace's result."""
    results: dict[str, T] = {}
    batch = batch or BATCH
    while True:
        with session_scope(rt.engine) as session:
            claims = schedule_due.claim_due(session, job, now(), batch)
        for i, claim in enumerate(claims):
            if now() >= claim.until - LEASE_LEFT:
                with session_scope(rt.engine) as session:
                    schedule_due.release(session, claims[i:], now())
                break
            try:
                results[claim.team_id] = work(claim)
            except Exception:  # one workspace's trouble must not hold back the others
                log.exception("%s failed for %s", what, claim.team_id)
        else:
            if len(claims) < batch:
                return results
