"""`/truce deals token [new]` (the CRM webhook's secret, admins and leads) and `/truce deals import` (closed
deals pasted as CSV in a form: all rows or none, once per paste, each bad row named)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import aware
from bot.deals import csv_import, tokens
from bot.deals.blocks_import import import_modal, imported_text, problems_text
from bot.deals.ids import DealIds as Ids
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.playbook.strategies import today_in
from bot.playbook.winloss import last_currency
from bot.runtime import Runtime
from bot.user_error import UserError
from handlers.common import admins_only, first_word, input_value, later
from handlers.deals.webhook import WEBHOOK_PATH, find_owner_later

USAGE = ("`/truce deals token` — the secret your CRM sends closed deals with (admins and leads); "
         "`/truce deals import` — paste closed deals as CSV.")


def deals_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                  rt: Runtime, ws: Workspace, rest: str) -> None:
    word, more = first_word(rest)
    if word == "token" and more in ("", "new"):
        ack(text=show_token(context=context, rt=rt, ws=ws, renew=more == "new"))
    elif word == "import" and not more:
        ack()
        later(context, client.views_open, trigger_id=command["trigger_id"], view=import_modal())
    else:
        ack(text="Closed deals from your CRM: " + USAGE + " See docs/battlecards.md for HubSpot, Salesforce "
                 "and Zapier.")


def show_token(*, context: BoltContext, rt: Runtime, ws: Workspace, renew: bool) -> str:
    """A new token is stored before it is shown; an existing one is never shown again (only its hash is kept)."""
    with rt.session() as session:
        if not is_admin_or_lead(session, ws, context["user_id"]):
            return admins_only("see the deal webhook's token")
        existing = tokens.token_info(session=session, team_id=ws.team_id)
        if existing is not None and not renew:
            return (f"This workspace has a deal webhook token since {existing.created_at:%Y-%m-%d} (made by "
                    f"<@{existing.created_by}>). Truce keeps only its fingerprint, so it can't show it again. "
                    "`/truce deals token new` makes a new one; the old one stops working at once.")
        token = tokens.issue_token(session=session, team_id=ws.team_id, user_id=context["user_id"])
    return (
        ":key: The deal webhook's token for this workspace (shown once; keep it secret):\n"
        f"`{token}`\nSend closed deals like this:\n```curl -X POST https://YOUR-TRUCE-HOST{WEBHOOK_PATH} "
        f"-H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' "
        "-d '{\"deal_id\": \"D-1001\", \"account\": \"Globex\", \"amount\": 12000, \"currency\": \"EUR\", "
        "\"outcome\": \"lost\", \"owner_email\": \"sam@example.com\", \"competitor\": \"Initech\", "
        "\"closed_on\": \"2027-01-29\"}'```" + ("\nThe previous token no longer works." if renew else ""))


def import_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    text = input_value(view["state"]["values"], Ids.CSV_BLOCK, Ids.VALUE)
    try:
        paste = csv_import.parse(text, timezone=ws.timezone or "UTC", today=today_in(ws),
                                 default_currency=last_currency(ws))
    except UserError as exc:
        ack(response_action="errors", errors={Ids.CSV_BLOCK: problems_text(str(exc), exc.problems)})
        return
    # Stored before ack(): if storing fails, the form stays open with the paste in it.
    with rt.session(deliver=False) as session:
        done = csv_import.store(session=session, ws=ws, paste=paste, reporter_id=context["user_id"],
                                text=imported_text)
        previous = None if done else csv_import.previous_import(session=session, team_id=ws.team_id, paste=paste)
        found = [t for t in (find_owner_later(session, d) for d in (done.deals if done else [])) if t is not None]
        task_ids = [t.id for t in found]
    if done is None:
        when = f" ({aware(previous.created_at):%Y-%m-%d %H:%M} UTC)" if previous else ""
        ack(response_action="errors", errors={Ids.CSV_BLOCK: f"These exact deals were already imported{when}, "
                                                             "so nothing was stored again."})
        return
    ack()
    rt.send_queued(session)
    for task_id in task_ids:
        if task_id is not None:
            rt.run_task(task_id)
