"""Daily clean-up: forget processed Slack event ids once Slack can no longer retry them."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import delete
from sqlmodel import col

from bot import runtime
from bot.clock import now
from bot.db import session_scope
from bot.models import OAuthState, ProcessedEvent

log = logging.getLogger(__name__)
JOB_ID = "housekeeping"
KEEP_EVENTS = timedelta(days=3)  # Slack retries an event for a few minutes at most


def clean(runtime_name: str) -> int:
    rt = runtime.get(runtime_name)
    with session_scope(rt.engine) as session:
        events = session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < now() - KEEP_EVENTS))
        session.exec(delete(OAuthState).where(col(OAuthState.expires_at) < now()))
        removed = events.rowcount
    if removed:
        log.info("housekeeping: forgot %d old event ids", removed)
    return removed


def register(scheduler: BaseScheduler, runtime_name: str) -> None:
    scheduler.add_job(clean, "interval", hours=24, id=JOB_ID, args=[runtime_name], replace_existing=True)
