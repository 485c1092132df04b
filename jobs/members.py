"""Refreshes who people are (names, Slack admins) and team membership from the sales and marketing
channels: shortly after start, then hourly."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.feature import Job
from bot.people import refresh_teams
from bot.runtime import Runtime
from jobs.common import for_each_workspace

log = logging.getLogger(__name__)
JOB_ID = "members-refresh"


def refresh_all(rt: Runtime) -> int:
    return sum(for_each_workspace(rt, lambda team_id: refresh_teams(rt, team_id), what="membership refresh").values())


# Also once right after start: every workspace's people (names, Slack admins) and teams are read
# anew, so admin checks (answered from the database) know of admins made while Truce was down.
JOBS = (Job(refresh_all, "interval", JOB_ID, {"hours": 1}, first_run_after=timedelta(seconds=5)),)
