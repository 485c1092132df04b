"""What the receiving team did with a share: Acted on · Used in a deal · Not relevant (one answer each,
changeable) and the note form. Stored before the answer; the person is told after it."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.competitors import feedback
from bot.competitors.blocks_feedback import answered_text, note_modal
from bot.competitors.ids import CompetitorIds as Ids
from bot.intel.models import IntelShare
from bot.runtime import Runtime
from bot.user_error import UserError
from handlers.common import input_value, later, record_id, tell_later, view_metadata


def verdict_clicked(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime) -> None:
    action = body["actions"][0]
    verdict = action["action_id"].removeprefix(Ids.FEEDBACK_PREFIX)
    try:
        with rt.session() as session:
            row = feedback.answer(session=session, team_id=context["team_id"], share_id=action.get("value"),
                                  user_id=context["user_id"], verdict=verdict)
            told = answered_text(row.verdict, row.note)
    except UserError as exc:
        told = f":information_source: {exc}"
    ack()
    tell_later(context, respond, told)


def note_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond,
                 rt: Runtime) -> None:
    share_id = body["actions"][0].get("value")
    with rt.session() as session:
        share = session.get(IntelShare, int(share_id)) if str(share_id).isdigit() else None
        if share is None or share.team_id != context["team_id"] or share.retracted_at is not None:
            view = None
        else:
            before = feedback.answer_of(session=session, team_id=context["team_id"], share_id=share_id,
                                        user_id=context["user_id"])
            view = note_modal(share, note=before.note if before else None)
    ack()
    if view is None:
        tell_later(context, respond, "That share is no longer there.")
        return
    later(context, client.views_open, trigger_id=body["trigger_id"], view=view)


def note_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime) -> None:
    text = input_value(view["state"]["values"], Ids.NOTE_BLOCK, Ids.VALUE)
    share_id = record_id(view_metadata(view).get("share"), "share")
    try:
        with rt.session() as session:
            feedback.note(session=session, team_id=context["team_id"], share_id=share_id,
                          user_id=context["user_id"], text=text)
    except UserError as exc:
        ack(response_action="errors", errors={Ids.NOTE_BLOCK: str(exc)})
        return
    ack()
