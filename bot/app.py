"""build_app(runtime) -> slack_bolt.App: middleware, every feature's listeners (bot/features.py), the error handler."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware.authorization import SingleTeamAuthorization
from slack_sdk.web import SlackResponse

from bot import event_once, request_path
from bot.errors import make_error_handler
from bot.feature import task_functions
from bot.features import FEATURES
from bot.models import Workspace
from bot.oauth import DbAuthorize, oauth_settings
from bot.runtime import Runtime
from bot.setup.workspaces import ensure_workspace, read_workspace
from bot.single_workspace import only_the_tokens_workspace

log = logging.getLogger(__name__)
SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)


def _inject(rt: Runtime):
    """Puts the runtime (`rt`) and the request's workspace row (`ws`, created on first contact) in the
    context. Bolt hands a listener any context value it names as a parameter, so listeners declare
    `rt: Runtime`, `ws: Workspace` and `context: BoltContext` instead of looking them up."""

    def middleware(body, context, next):
        context["rt"] = rt
        team_id = context.get("team_id")
        uninstalling = (body.get("event") or {}).get("type") in ("app_uninstalled", "tokens_revoked")
        if rt.installations is not None and not context.get("bot_token") and not uninstalling:
            log.warning("request from workspace %s, which has not installed Truce: not served", team_id)
            return not_installed(body)
        if team_id:
            context["ws"] = _workspace(rt, team_id)
        return next()

    return middleware


def _workspace(rt: Runtime, team_id: str) -> Workspace:
    # Read on each request (a per-process cache would need a check that it is current: a round trip too).
    ws = read_workspace(rt.engine, team_id)
    if ws is None:
        with rt.session() as session:
            ws = ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
    return ws


def not_installed(body: dict[str, Any]) -> BoltResponse:
    """The answer to a workspace that has no installation: a note for a command, else nothing."""
    if body.get("command"):
        return BoltResponse(status=200, headers={"content-type": ["application/json"]}, body=json.dumps({
            "response_type": "ephemeral",
            "text": "Truce isn't installed in this workspace. A Slack admin can install it from the app's "
                    "install page."}))
    return BoltResponse(status=200, body="")


class TruceApp(App):
    """Bolt's App, with the threads that answer Slack marked (see bot/request_path.py)."""

    rt: Runtime

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        if request_path.active():  # the HTTP layer marked it, and starts the work once it has answered
            return self._dispatch_once(req)
        with request_path.serving() as after:  # Socket Mode: the ack follows as soon as this returns
            response = self._dispatch_once(req)
        request_path.run_all(after)
        return response

    def replay(self, req: BoltRequest, consume: request_path.Consume
               ) -> tuple[BoltResponse, list[Callable[[], object]]]:
        """Run a request Slack was already answered for (bot/accepted.py): its answer, and the work its
        listeners handed over, for the caller to start once that answer is said."""
        with request_path.replaying(consume) as after:
            try:
                response = self._dispatch_once(req)
            except Exception:  # Bolt's error handler covers listeners; this, anything around them
                log.exception("running an accepted request failed")
                request_path.fail()
                response = BoltResponse(status=500, body="")
        return response, after

    def _dispatch_once(self, req: BoltRequest) -> BoltResponse:
        response = super().dispatch(req)
        event_once.finished(self.rt, req, response)
        return response


def _known_auth(app: App, auth: SlackResponse) -> None:
    """Bolt's single-workspace authorization, given the auth.test answer start-up already has: without
    it, Bolt would call auth.test at the first request, on the thread that answers."""
    found = [m for m in app._middleware_list if isinstance(m, SingleTeamAuthorization)]
    if len(found) != 1:
        raise RuntimeError("Bolt's single-workspace authorization was not found")
    found[0].auth_test_result = auth


def build_app(rt: Runtime, *, executor: Executor | None = None, token_verification: bool = True,
              auth: SlackResponse | None = None) -> App:
    """`auth`: Slack's auth.test answer for the bot token, when start-up has it (Bolt then uses it
    rather than calling auth.test itself)."""
    settings = rt.settings
    # Threads answering Slack share the interpreter with background work (posting, reading Slack):
    # switching threads every 1 ms instead of 5 lets an answer through sooner (measured in bench.intel).
    sys.setswitchinterval(SWITCH_INTERVAL)
    oauth = authorize = None
    if rt.installations is not None:
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
        # Checked once, on the raw bytes, by the only way in over HTTP (bot/web.slack_events: a 401 before
        # any parser sees the body); Socket Mode is not signed. Bolt checking it again cost a second
        # HMAC and header parse per request.
        request_verification_enabled=False,
        listener_executor=executor,
        token_verification_enabled=token_verification and oauth is None and auth is None,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("truce.bolt"),
        # Named here: without a name Bolt calls inspect.stack(), which reads the source of every frame
        # on the stack (a tenth of a second for each app a test builds).
        name="truce.bolt",
    )
    if auth is not None and oauth is None:
        _known_auth(app, auth)
    app.use(only_the_tokens_workspace(rt))  # first: nothing runs for another workspace's request
    app.use(_inject(rt))
    app.use(event_once.middleware(rt))
    app.error(make_error_handler(rt))
    app.rt = rt
    rt.replay = app.replay
    rt.features = FEATURES
    for feature in FEATURES:
        for register in feature.listeners:
            register(app)
    rt.task_functions.update(task_functions(FEATURES))
    return app
