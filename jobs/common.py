"""What every job family shares: running one piece of work per workspace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import select

from bot.db import session_scope
from bot.models import Workspace
from bot.runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")


def for_each_workspace(rt: Runtime, work: Callable[[str], T], *, what: str) -> dict[str, T]:
    """`work(team_id)` for every workspace, in a fixed order; one workspace's failure is logged
    (with `what`) and the others still run. Returns each workspace's result."""
    with session_scope(rt.engine) as session:
        team_ids = list(session.exec(select(Workspace.team_id).order_by(Workspace.team_id)).all())
    results: dict[str, T] = {}
    for team_id in team_ids:
        try:
            results[team_id] = work(team_id)
        except Exception:  # one workspace's trouble must not hold back the others
            log.exception("%s failed for %s", what, team_id)
    return results
