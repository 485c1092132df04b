"""Refreshes team membership from the sales and marketing channels, hourly."""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler
from sqlmodel import select

from bot import runtime
from bot.db import session_scope
from bot.models import Workspace
from bot.people import refresh_teams

log = logging.getLogger(__name__)
JOB_ID = "members-refresh"


def refresh_all(runtime_name: str) -> int:
    rt = runtime.get(runtime_name)
    with session_scope(rt.engine) as session:
        team_ids = list(session.exec(select(Workspace.team_id)).all())
    changed = 0
    for team_id in team_ids:
        try:
            changed += refresh_teams(rt, team_id)
        except Exception:  # one workspace's trouble must not stop the others
            log.exception("membership refresh failed for %s", team_id)
    return changed


def register(scheduler: BaseScheduler, runtime_name: str) -> None:
    scheduler.add_job(refresh_all, "interval", hours=1, id=JOB_ID, args=[runtime_name], replace_existing=True)
