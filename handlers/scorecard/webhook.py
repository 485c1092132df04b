"""`POST /webhooks/actuals`: a finance tool records a quarter's actuals (JSON, with the workspace's secret
as a Bearer token; `/joint actuals token`). 201 recorded; 400 names the field and nothing is stored;
401 unknown token."""

from __future__ import annotations

from typing import Any

from bot.clock import now
from bot.db import session_scope
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.runtime import Runtime
from bot.scorecard import actuals, actuals_webhook
from bot.user_error import UserError
from bot.web import Response, json_response
from handlers.scorecard.command import WEBHOOK_PATH
from handlers.webhook import WebhookCall, authorized_json, webhook_error

__all__ = ["WEBHOOK_PATH", "actuals_webhook_route"]


def actuals_webhook_route(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    read = authorized_json(rt, environ, body, team_for_token=actuals_webhook.team_for_token,
                           token_command="/joint actuals token", expected="Send one object with quarter and lines.")
    if not isinstance(read, WebhookCall):
        return read
    team_id, data = read.team_id, read.data
    try:
        quarter, drafts = actuals_webhook.parse(data)
        with session_scope(rt.engine) as session:
            ws = session.get(Workspace, team_id)
            if ws is None:
                return json_response("401 Unauthorized", {"ok": False, "error": "invalid_token",
                                                          "detail": "This token's workspace is gone."})
            calendar = calendar_of(ws)
            quarter = quarter or calendar.quarter_of(now())
            done = actuals.record(session, ws=ws, calendar=calendar, quarter=quarter, drafts=drafts,
                                  by="webhook", source="webhook")
            return json_response("201 Created", {
                "ok": True, "quarter": quarter, "changed": len(done.revision.changes) if done.revision else 0,
                "revision": done.revision.id if done.revision else None})
    except UserError as exc:
        return webhook_error(exc.code or "invalid_actuals", str(exc), field=exc.field, problems=exc.problems)
