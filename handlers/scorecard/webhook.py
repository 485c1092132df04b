"""`POST /webhooks/actuals`: a finance tool records a quarter's actuals (JSON, with the workspace's secret
as a Bearer token; `/joint actuals token`). 201 recorded; 400 names the field and nothing is stored;
401 unknown token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.clock import now
from bot.db import session_scope
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.runtime import Runtime
from bot.scorecard import actuals, actuals_webhook
from bot.user_error import UserError
from bot.web import Response, json_response
from bot.web_input import HttpError, json_object, media_type
from handlers.scorecard.command import WEBHOOK_PATH

__all__ = ["WEBHOOK_PATH", "actuals_webhook_route"]


def _bad(code: str, message: str, field: str | None = None,
         problems: Sequence[tuple[int | str, str]] = ()) -> Response:
    data: dict[str, Any] = {"ok": False, "error": code, "detail": message}
    if field:
        data["field"] = field
    if problems:
        data["problems"] = [{"where": where, "detail": why} for where, why in problems]
    return json_response("400 Bad Request", data)


def _token(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    return token if token.isascii() and token.isprintable() else ""


def actuals_webhook_route(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    with session_scope(rt.engine) as session:
        team_id = actuals_webhook.team_for_token(session=session, token=_token(environ))
    if team_id is None:
        return json_response("401 Unauthorized", {
            "ok": False, "error": "invalid_token",
            "detail": "Send the workspace's token as 'Authorization: Bearer <token>' (see /joint actuals token)."})
    if media_type(environ) != "application/json" and not media_type(environ).endswith("+json"):
        return _bad("invalid_content_type", "Send JSON with 'Content-Type: application/json'.")
    try:
        data = json_object(body)
    except HttpError as exc:
        return _bad("invalid_json", f"{exc.reason} Send one object with quarter and lines.")
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
        return _bad(exc.code or "invalid_actuals", str(exc), field=exc.field, problems=exc.problems)
