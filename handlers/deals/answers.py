"""The seller's answer to a closed deal's DM: one click on a reason logs it; "Add details…" opens the
prefilled win/loss form (reason, what happened, the intel that helped). Stored before the answer; the DM
then shows what was logged (through the outbox)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.competitors import citations
from bot.deals import followup, intake, messages
from bot.deals.blocks_ask import confirm_modal
from bot.deals.ids import DealIds as Ids
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.runtime import Runtime
from bot.user_error import UserError
from handlers.common import input_value, later, tell_later, view_metadata

FORM_BLOCKS = {"reason": Ids.REASON_BLOCK, "notes": Ids.NOTES_BLOCK, "intel": Ids.INTEL_BLOCK}


def _confirm(rt: Runtime, ws: Workspace, *, deal_id: str | int | None, user_id: str, reason: str,
             notes: str | None = None, cited: list[str] | None = None) -> WinLoss:
    with rt.session() as session:
        entry = followup.confirm(session=session, ws=ws, deal_id=deal_id or "", user_id=user_id, reason=reason,
                                 notes=notes, cited_share_ids=cited)
        deal = intake.get(session=session, team_id=ws.team_id, deal_id=deal_id or "")
        if deal is not None:
            messages.answered(session=session, deal=deal, entry=entry,
                              cited=len(citations.cited_ids(session=session, entry=entry)))
        return entry


def reason_clicked(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace) -> None:
    action = body["actions"][0]
    try:
        _confirm(rt, ws, deal_id=action.get("value"), user_id=context["user_id"],
                 reason=action["action_id"].removeprefix(Ids.REASON_PREFIX))
    except UserError as exc:
        ack()
        tell_later(context, respond, f":information_source: {exc}")
        return
    ack()


def details_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                    ws: Workspace) -> None:
    deal_id = body["actions"][0].get("value") or ""
    with rt.session() as session:
        deal = intake.get(session=session, team_id=ws.team_id, deal_id=deal_id)
        if deal is None or not followup.may_answer(ws, deal, context["user_id"]):
            view = None
        else:
            entry = session.get(WinLoss, deal.win_loss_id) if deal.win_loss_id else None
            shares = citations.recent_about(session=session, team_id=ws.team_id, competitor_id=deal.competitor_id)
            view = confirm_modal(deal, shares=shares, reason=entry.reason if entry else None,
                                 notes=entry.notes if entry else None,
                                 cited=citations.cited_ids(session=session, entry=entry) if entry else None)
    ack()
    if view is None:
        tell_later(context, respond, "That deal is not yours to confirm (or it is no longer in Truce).")
        return
    later(context, client.views_open, trigger_id=body["trigger_id"], view=view)


def form_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    values = view["state"]["values"]
    chosen = values.get(Ids.INTEL_BLOCK, {}).get(Ids.VALUE, {}).get("selected_options") or []
    try:
        _confirm(rt, ws, deal_id=view_metadata(view).get("deal"), user_id=context["user_id"],
                 reason=input_value(values, Ids.REASON_BLOCK, Ids.VALUE) or "",
                 notes=input_value(values, Ids.NOTES_BLOCK, Ids.VALUE),
                 cited=[o.get("value") for o in chosen])
    except UserError as exc:
        ack(response_action="errors", errors={FORM_BLOCKS.get(exc.field or "", Ids.REASON_BLOCK): str(exc)})
        return
    ack()
