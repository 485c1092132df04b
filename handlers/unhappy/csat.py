"""Satisfaction scores in: `/truce csat <customer> <score> [comment]`, `/truce csat token`, and
`POST /webhooks/csat` for survey tools (JSON, with the workspace's secret as a Bearer token)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.ids import CSAT_WEBHOOK_PATH
from bot.models import Workspace
from bot.runtime import Runtime
from bot.setup import workspaces
from bot.slack_text import echo, plain
from bot.unhappy import csat
from bot.unhappy.blocks_csat import recorded_text
from bot.unhappy.blocks_csat_import import import_modal
from bot.unhappy.prefs import get_prefs
from bot.user_error import UserError
from bot.web import Response, json_response
from handlers.common import first_word, later, lead_refusal
from handlers.unhappy import csat_import
from handlers.webhook import WebhookCall, authorized_json, webhook_error

WEBHOOK_PATH = CSAT_WEBHOOK_PATH


def csat_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    word, more = first_word(rest)
    if word == "token" and more in ("", "new"):
        ack(text=show_token(context=context, rt=rt, ws=ws, renew=more == "new"))
        return
    if word == "import" and not more:
        ack()
        later(context, client.views_open, trigger_id=command["trigger_id"],
              view=import_modal(default_scale=csat_import.default_scale(ws)))
        return
    typed = f"/truce csat {plain(rest)}".strip()
    if word in ("", "help"):
        ack(text="Record a customer's satisfaction score: `" + csat.USAGE + "`. Say the scale with `7/10` or "
                 "`4/5`; a bare number uses this workspace's default scale (0-10 unless changed in "
                 "`/unhappy settings`). Survey tools can post scores too: `/truce csat token` (admins and leads). "
                 "Many at once: `/truce csat import` opens a form to paste CSV.")
        return
    default_scale = get_prefs(ws).csat_scale
    try:
        data = csat.parse_command(rest, default_scale=default_scale)
    except UserError as exc:
        ack(text=f":thinking_face: {exc}\nType it like this: `{csat.USAGE}`.\n"
                 + echo(typed))
        return
    with rt.session() as session:
        score = csat.record(session=session, team_id=context["team_id"], data=data, reporter_id=context["user_id"])
        ack(text=recorded_text(score, scale_given=data.scale_given, default_scale=default_scale))


def show_token(*, context: BoltContext, rt: Runtime, ws: Workspace, renew: bool) -> str:
    """The answer to `/truce csat token [new]` (a new token is stored before it is shown)."""
    refusal = lead_refusal(rt, ws, context["user_id"], "see the satisfaction webhook's token")
    if refusal:
        return refusal
    with rt.session() as session:
        existing = csat.token_info(session=session, team_id=ws.team_id)
        if existing is not None and not renew:
            return (f"This workspace has a webhook token since {existing.created_at:%Y-%m-%d} (made by "
                    f"<@{existing.created_by}>). Truce keeps only its fingerprint, so it can't show it again. "
                    "`/truce csat token new` makes a new one; the old one stops working at once.")
        token = csat.issue_token(session=session, team_id=ws.team_id, user_id=context["user_id"])
    return (
        ":key: The satisfaction webhook's token for this workspace (shown once; keep it secret):\n"
        f"`{token}`\nSend scores like this:\n```curl -X POST https://YOUR-TRUCE-HOST{WEBHOOK_PATH} "
        f"-H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' "
        "-d '{\"customer\": \"Acme Corp\", \"score\": 4, \"scale\": 5, \"comment\": \"slow support\", "
        "\"source\": \"survey\"}'```" + ("\nThe previous token no longer works." if renew else ""))


# --- the webhook --------------------------------------------------------------------------------


def csat_webhook(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    """POST /webhooks/csat: 201 stored; 400 malformed (not stored); 401 unknown token."""
    read = authorized_json(rt, environ, body, team_for_token=csat.team_for_token, token_command="/truce csat token",
                           expected="Send one object with customer, score and scale.")
    if not isinstance(read, WebhookCall):
        return read
    team_id, data = read.team_id, read.data
    unknown = sorted(set(data) - {"customer", "score", "scale", "comment", "source"})
    if unknown:
        return webhook_error("unknown_field", f"Unknown field(s): {', '.join(unknown)}. "
                                     "Known: customer, score, scale, comment, source.")
    with session_scope(rt.engine) as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        default_scale = get_prefs(ws).csat_scale if ws else 10
    try:
        parsed = csat.validate(customer=data.get("customer"), score=data.get("score"),
                               scale=data.get("scale", default_scale), comment=data.get("comment"),
                               source=data.get("source"), scale_given="scale" in data)
    except UserError as exc:
        return webhook_error(exc.code or "invalid", str(exc))
    with session_scope(rt.engine) as session:
        score = csat.record(session=session, team_id=team_id, data=parsed)
        return json_response("201 Created", {"ok": True, "id": score.id, "customer": score.customer,
                                             "score": score.score, "scale": score.scale})
