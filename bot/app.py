"""build_app(runtime) -> slack_bolt.App: middleware, every feature's handlers, the error handler."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.exc import IntegrityError

from bot import request_path
from bot.errors import make_error_handler
from bot.models import ProcessedEvent
from bot.runtime import Runtime
from bot.services.workspaces import ensure_workspace
from bot.single_workspace import only_the_tokens_workspace

log = logging.getLogger(__name__)


def _attach_runtime(rt: Runtime):
    known: set[str] = set()
    lock = threading.Lock()

    def middleware(body, context, next):
        context["rt"] = rt
        team_id = context.get("team_id")
        uninstalling = (body.get("event") or {}).get("type") in ("app_uninstalled", "tokens_revoked")
        if rt.installations is not None and not context.get("bot_token") and not uninstalling:
            log.warning("request from workspace %s, which has not installed Truce: not served", team_id)
            return not_installed(body)
        if team_id and team_id not in known:
            with rt.session() as session:
                ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
            with lock:
                known.add(team_id)
        return next()

    return middleware


def not_installed(body: dict[str, Any]) -> BoltResponse:
    """The answer to a workspace that has no installation: a note for a command, else nothing."""
    if body.get("command"):
        return BoltResponse(status=200, headers={"content-type": ["application/json"]}, body=json.dumps({
            "response_type": "ephemeral",
            "text": "Truce isn't installed in this workspace. A Slack admin can install it from the app's "
                    "install page."}))
    return BoltResponse(status=200, body="")


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


class TruceApp(App):
    """Bolt's App, with the threads that answer Slack marked (see bot/request_path.py)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        if request_path.active():  # the HTTP layer marked it, and starts the work once it has answered
            return super().dispatch(req)
        with request_path.serving() as after:  # Socket Mode: the ack follows as soon as this returns
            response = super().dispatch(req)
        request_path.run_all(after)
        return response


def build_app(rt: Runtime, *, executor: Executor | None = None, token_verification: bool = True) -> App:
    from handlers import TASKS, register_all

    settings = rt.settings
    oauth = authorize = None
    if rt.installations is not None:
        from bot.oauth import DbAuthorize, oauth_settings

        oauth = oauth_settings(rt)
        authorize = DbAuthorize(rt.installations)
    # process_before_response: a listener runs on the thread that answers, so whatever it stored is
    # committed before Slack gets the answer (accepted means stored); it never calls Slack there.
    app = TruceApp(
        signing_secret=settings.slack_signing_secret or "socket-mode-does-not-sign",
        client=rt.client,
        oauth_settings=oauth,
        authorize=authorize,
        process_before_response=True,
        listener_executor=executor,
        token_verification_enabled=token_verification and oauth is None,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("truce.bolt"),
    )
    app.use(only_the_tokens_workspace(rt))  # first: nothing runs for another workspace's request
    app.use(_attach_runtime(rt))
    app.use(_drop_event_retries(rt))
    app.error(make_error_handler(rt))
    register_all(app)
    rt.task_functions.update(TASKS)
    return app
