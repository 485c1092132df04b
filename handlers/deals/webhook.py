"""`POST /webhooks/deal`: a closed deal from the CRM (Truce's own JSON, a HubSpot workflow webhook, a
Salesforce Flow HTTP callout or a Zapier step; docs/battlecards.md maps each), with the workspace's secret
as a Bearer token (`/truce deals token`). Stored before the answer (201 created, 200 updated or unchanged;
400 names the field, nothing stored; 401 unknown token); the owner is then found by e-mail
(users.lookupByEmail) in a durable task and asked through the outbox."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import tasks
from bot.db import pk, session_scope
from bot.deals import intake, messages, payloads
from bot.deals.models import Deal
from bot.deals.tokens import team_for_token
from bot.ids import DEAL_WEBHOOK_PATH, FIND_OWNER_TASK
from bot.models import Task
from bot.playbook.strategies import today_in
from bot.playbook.winloss import last_currency
from bot.runtime import Runtime
from bot.setup import workspaces
from bot.user_error import UserError
from bot.web import Response, json_response
from handlers.webhook import WebhookCall, authorized_json, webhook_error

log = logging.getLogger(__name__)
WEBHOOK_PATH = DEAL_WEBHOOK_PATH
FIND_OWNER = FIND_OWNER_TASK


def find_owner_later(session: Session, deal: Deal) -> Task | None:
    """A deal not asked yet (new, or its owner changed): the owner is looked up after the answer, durably."""
    if deal.status != "new":
        return None
    return tasks.enqueue(session, team_id=deal.team_id, kind=FIND_OWNER, key=f"{FIND_OWNER}:{deal.id}:{deal.updates}",
                         payload={"deal_id": deal.id})


def deal_webhook(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    read = authorized_json(rt, environ, body, team_for_token=team_for_token, token_command="/truce deals token",
                           expected="Send one closed deal as a JSON object.")
    if not isinstance(read, WebhookCall):
        return read
    team_id, data = read.team_id, read.data
    hint = (parse_qs(environ.get("QUERY_STRING", "")).get("source") or [None])[0]
    with session_scope(rt.engine) as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        if ws is None:
            return json_response("401 Unauthorized", {"ok": False, "error": "invalid_token",
                                                      "detail": "This workspace no longer uses Truce."})
        try:
            deal_in = payloads.parse(data, hint=hint, timezone=ws.timezone or "UTC", today=today_in(ws),
                                     default_currency=last_currency(ws))
        except UserError as exc:
            return webhook_error("invalid_field", str(exc), field=exc.field)
        stored = intake.store(session=session, ws=ws, data=deal_in)
        deal = stored.deal
        task = find_owner_later(session, deal)
        answer = {"ok": True, "id": deal.id, "deal_id": deal.external_id, "status": stored.status,
                  "changed": list(stored.fields)}
    if task is not None:
        rt.run_task(pk(task.id))
    return json_response("201 Created" if stored.created else "200 OK", answer)


def find_owner(rt: Runtime, *, team_id: str, deal_id: int) -> None:
    """The task: the owner's Slack account by e-mail, then the question (to the sales lead when the owner
    is not in this Slack). Idempotent: a deal is asked once."""
    with rt.session() as session:
        deal = intake.get(session=session, team_id=team_id, deal_id=deal_id)
        if deal is None or deal.status != "new":
            return
        email = deal.owner_email
    try:
        user = rt.client_for(team_id).users_lookupByEmail(email=email)["user"]
        owner = None if user.get("deleted") or user.get("is_bot") else user["id"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope":  # installed before Truce asked for users:read.email
            log.warning("deal %s of %s: no users:read.email scope (reinstall Truce); asking the sales lead",
                        deal_id, team_id)
        elif error != "users_not_found":
            raise  # retried by the task runner
        owner = None
    with rt.session() as session:
        deal = intake.get(session=session, team_id=team_id, deal_id=deal_id)
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        if deal is None or ws is None:
            return
        asked = messages.ask(session=session, ws=ws, deal=deal, owner_user_id=owner)
    log.info("deal %s of %s: asked %s", deal_id, team_id, asked or "no one (no owner in Slack, no sales lead)")
