"""Refreshes who people are (names, Slack admins) and team membership from the sales and marketing
channels: shortly after start, then hourly."""

from __future__ import annotations

import logging

from bot import schedule_due
from bot.clock import now
from bot.db import session_scope
from bot.models import Workspace
from bot.people import REFRESH_EVERY, refresh_teams
from bot.runtime import Runtime
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
JOB_ID = ids.MEMBERS_REFRESH
EVERY = REFRESH_EVERY


def refresh_all(rt: Runtime) -> int:
    """Refresh the people and teams of each workspace not refreshed for an hour (or ever, or since its
    settings changed). Returns how many memberships changed. First, every workspace without schedule rows
    (created by an older process during a rolling deploy) gets them, due at once, for every job."""
    with session_scope(rt.engine) as session:
        if made := schedule_due.adopt_missing(session):
            log.info("schedules: %d job rows made for workspaces that had none", made)
    return sum(for_each_due(rt, schedule_due.MEMBERS, lambda claim: refresh(rt, claim),
                            what="membership refresh").values())


def refresh(rt: Runtime, claim: schedule_due.Claim) -> int:
    with session_scope(rt.engine) as session:
        if session.get(Workspace, claim.team_id) is None:
            schedule_due.forget(session, claim.team_id)
            return 0
    refreshed = refresh_teams(rt, claim.team_id)  # Slack calls: outside any transaction
    with session_scope(rt.engine) as session:
        schedule_due.reschedule(session, claim, now() + EVERY)
    return refreshed
