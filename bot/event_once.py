"""Each Events API delivery is handled once, however often Slack retries it, and handled again when
its first try did not finish.

Slack retries an event it got no 200 for (after about 1 minute, 5 minutes, 30 minutes). The first
delivery claims the event's row (`processing`); a retry of a claimed event is answered 200 and
dropped, unless the claim is older than STALE — the process that took it died before finishing — and
then it is handled again. When the listener finished the row becomes `done`; when it failed, the row
is removed and Slack is answered 500, so Slack's retry gets another chance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.clock import now
from bot.models import ProcessedEvent

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
STALE = timedelta(seconds=30)  # far longer than any listener runs; far shorter than Slack's first retry
PROCESSING, DONE = "processing", "done"
KEY = "event_once"


def _ignored_message(event: dict[str, Any]) -> bool:
    """Plain channel messages change nothing in Truce: no need to remember them (only edits and
    deletions of shared messages matter)."""
    return event.get("type") == "message" and event.get("subtype") not in ("message_changed", "message_deleted")


def middleware(rt: Runtime) -> Callable[..., BoltResponse | None]:
    """Bolt's global middleware (`app.use`): Bolt passes the arguments it is asked for by name."""

    def claim_event(body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse | None]
                    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id or _ignored_message(body.get("event") or {}):
            return next()
        team_id = body.get("team_id") or ""
        try:
            with rt.session() as session:
                session.add(ProcessedEvent(team_id=team_id, event_id=event_id, status=PROCESSING))
        except IntegrityError:
            t = now()
            with rt.session() as session:
                taken = session.exec(
                    update(ProcessedEvent)
                    .where(col(ProcessedEvent.team_id) == team_id, col(ProcessedEvent.event_id) == event_id,
                           col(ProcessedEvent.status) == PROCESSING, col(ProcessedEvent.received_at) < t - STALE)
                    .values(received_at=t)
                    .execution_options(synchronize_session=False)
                ).rowcount
            if not taken:
                log.info("event %s already handled (or being handled); Slack retry ignored", event_id)
                return BoltResponse(status=200, body="")
            log.warning("event %s was not finished by whoever took it; handling it again", event_id)
        context[KEY] = (team_id, event_id)
        return next()

    return claim_event


def finished(rt: Runtime, req: BoltRequest, response: BoltResponse) -> None:
    """After Bolt answered: the event is done, or (answered 500: its listener failed) given back."""
    key = req.context.get(KEY)
    if key is None:
        return
    where = (col(ProcessedEvent.team_id) == key[0], col(ProcessedEvent.event_id) == key[1])
    with rt.session() as session:
        if response.status == 200:
            session.exec(update(ProcessedEvent).where(*where).values(status=DONE)
                         .execution_options(synchronize_session=False))
        else:
            session.exec(delete(ProcessedEvent).where(*where).execution_options(synchronize_session=False))
