"""Daily clean-up: forget processed Slack event ids once Slack can no longer retry them, and accepted
requests run a day ago."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col

from bot import accepted
from bot.clock import now
from bot.db import session_scope
from bot.models import OAuthState, ProcessedEvent
from bot.runtime import Runtime
from jobs import ids

log = logging.getLogger(__name__)
JOB_ID = ids.HOUSEKEEPING
KEEP_EVENTS = timedelta(days=3)  # Slack retries an event for a few minutes at most


def clean(rt: Runtime) -> int:
    with session_scope(rt.engine) as session:
        events = session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < now() - KEEP_EVENTS))
        session.exec(delete(OAuthState).where(col(OAuthState.expires_at) < now()))
        removed = events.rowcount
    removed += accepted.forget_done(rt)
    if removed:
        log.info("housekeeping: forgot %d old event ids and accepted requests", removed)
    return removed
