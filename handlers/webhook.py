"""What Truce's webhooks (CSAT scores, closed deals, actuals) share before their own fields: the
workspace's secret as `Authorization: Bearer <token>` (or `X-Truce-Token`), JSON only, one object, and
one shape of answer for what goes wrong (`{"ok": false, "error": code, "field": ..., "detail": ...}`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.db import session_scope
from bot.runtime import Runtime
from bot.web import Response, json_response
from bot.web_input import HttpError, json_object, media_type

TeamForToken = Callable[..., str | None]  # (*, session, token) -> team_id or None


@dataclass(frozen=True)
class WebhookCall:
    """A webhook call whose token is a workspace's, with its JSON object."""

    team_id: str
    data: dict[str, Any]


def webhook_error(code: str, detail: str, *, field: str | None = None,
                  problems: Sequence[tuple[int | str, str]] = (), status: str = "400 Bad Request") -> Response:
    data: dict[str, Any] = {"ok": False, "error": code, "field": field, "detail": detail}
    if problems:
        data["problems"] = [{"where": where, "detail": why} for where, why in problems]
    return json_response(status, data)


def bearer_token(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else environ.get("HTTP_X_TRUCE_TOKEN", "").strip()
    return token if token.isascii() and token.isprintable() else ""


def _team(rt: Runtime, environ: dict[str, Any], team_for_token: TeamForToken) -> str | None:
    session: Session
    with session_scope(rt.engine, read_only=True) as session:
        return team_for_token(session=session, token=bearer_token(environ))


def authorized_json(rt: Runtime, environ: dict[str, Any], body: bytes, *, team_for_token: TeamForToken,
                    token_command: str, expected: str) -> WebhookCall | Response:
    """The workspace and the JSON object of a webhook call, or the answer to give instead: 401 for a token
    that is no workspace's (the body is not even read), 400 for anything but one JSON object."""
    team_id = _team(rt, environ, team_for_token)
    if team_id is None:
        return webhook_error("invalid_token", "Send the workspace's token as 'Authorization: Bearer <token>' "
                                              f"(see {token_command}).", status="401 Unauthorized")
    kind = media_type(environ)
    if kind != "application/json" and not kind.endswith("+json"):
        return webhook_error("invalid_content_type", "Send JSON with 'Content-Type: application/json'.")
    try:
        return WebhookCall(team_id, json_object(body))
    except HttpError as exc:
        return webhook_error("invalid_json", f"{exc.reason} {expected}")
