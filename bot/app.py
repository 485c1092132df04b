"""build_app(runtime) -> slack_bolt.App: middleware, every feature's handlers, the error handler."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse
from sqlalchemy.exc import IntegrityError

from bot.errors import handle_error
from bot.models import ProcessedEvent
from bot.runtime import Runtime
from bot.services.workspaces import ensure_workspace
from bot.single_workspace import only_the_tokens_workspace

log = logging.getLogger(__name__)


def _attach_runtime(rt: Runtime):
    known: set[str] = set()
    lock = threading.Lock()

    def middleware(context, next):
        context["rt"] = rt
        team_id = context.get("team_id")
        if team_id and team_id not in known:
            with rt.session() as session:
                ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
            with lock:
                known.add(team_id)
        return next()

    return middleware


def _ignored_message(event: dict[str, Any]) -> bool:
    """Plain channel messages change nothing in Truce: no need to remember them (only edits and
    deletions of shared messages matter)."""
    return event.get("type") == "message" and event.get("subtype") not in ("message_changed", "message_deleted")


def _drop_event_retries(rt: Runtime):
    """An Events API delivery is handled once, however often Slack retries it."""

    def middleware(body: dict[str, Any], next):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id or _ignored_message(body.get("event") or {}):
            return next()
        try:
            with rt.session() as session:
                session.add(ProcessedEvent(team_id=body.get("team_id") or "", event_id=event_id))
        except IntegrityError:
            log.info("event %s already handled; Slack retry ignored", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def build_app(rt: Runtime, *, executor: Executor | None = None, token_verification: bool = True) -> App:
    from handlers import register_all

    settings = rt.settings
    oauth = None
    if rt.installations is not None:
        from bot.oauth import oauth_settings

        oauth = oauth_settings(rt)
    app = App(
        signing_secret=settings.slack_signing_secret or "socket-mode-does-not-sign",
        client=rt.client,
        oauth_settings=oauth,
        process_before_response=False,
        listener_executor=executor,
        token_verification_enabled=token_verification and oauth is None,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("truce.bolt"),
    )
    app.use(only_the_tokens_workspace(rt))  # first: nothing runs for another workspace's request
    app.use(_attach_runtime(rt))
    app.use(_drop_event_retries(rt))
    app.error(handle_error)
    register_all(app)
    return app
