"""Refreshes who people are (names, Slack admins) and team membership from the sales and marketing
channels: shortly after start, then hourly."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from bot import runtime
from bot.people import refresh_teams
from jobs.common import for_each_workspace

log = logging.getLogger(__name__)
JOB_ID = "members-refresh"


def refresh_all(runtime_name: str) -> int:
    rt = runtime.get(runtime_name)
    return sum(for_each_workspace(rt, lambda team_id: refresh_teams(rt, team_id), what="membership refresh").values())


def register(scheduler: BaseScheduler, runtime_name: str) -> None:
    # Also once right after start: every workspace's people (names, Slack admins) and teams are read
    # anew, so admin checks (answered from the database) know of admins made while Truce was down.
    scheduler.add_job(refresh_all, "interval", hours=1, id=JOB_ID, args=[runtime_name], replace_existing=True,
                      next_run_time=datetime.now(UTC) + timedelta(seconds=5))
