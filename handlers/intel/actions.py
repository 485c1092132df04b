"""The buttons on intel posts and answers: Useful, Discuss, the overflow menu (help, retract),
the retraction's confirmation, and search's More/Back."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import delivery
from bot.block_kit import channel as channel_mention
from bot.ids import Command
from bot.intel import parsing as intel_text
from bot.intel import search as intel_search
from bot.intel import share as intel
from bot.intel.blocks_lists import search_blocks
from bot.intel.blocks_share import retract_confirm_blocks
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.runtime import Runtime
from bot.setup.blocks_help import help_text
from bot.user_error import UserError
from handlers.common import in_background, send_response, tell_later
from handlers.intel.publish import permalink

log = logging.getLogger(__name__)


def useful_clicked(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime) -> None:
    user_id = context["user_id"]
    try:
        with rt.session() as session:
            share, new = intel.add_vote(session=session, team_id=context["team_id"],
                                        share_id=body["actions"][0]["value"], user_id=user_id)
            retracted, count = share.retracted_at is not None, share.useful_count
    except UserError as exc:
        ack()
        tell_later(context, respond, str(exc))
        return
    ack()
    if retracted:
        tell_later(context, respond, "That share was retracted, so it no longer takes votes.")
    elif not new:
        tell_later(context, respond, f"You already found this useful: one vote each. {count} "
                                     f"{'person' if count == 1 else 'people'} did so far.")


def discuss_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond,
                    rt: Runtime) -> None:
    user_id, team_id = context["user_id"], context["team_id"]
    note = None
    try:
        with rt.session(deliver=False) as session:
            share = intel.get_share(session=session, team_id=team_id, share_id=body["actions"][0]["value"])
            if share.retracted_at:
                note = "That share was retracted; there is nothing to discuss any more."
            else:
                row = intel.open_discussion(session=session, share=share, user_id=user_id)
                share_id, known = share.id, share.discussion_permalink
                where = row.channel if row is not None else None
    except UserError as exc:
        note = str(exc)
    ack()
    if note is None and row is None:
        note = "This share has no copy in the joint channel to discuss it under."
    elif note is None and known:
        note = f":speech_balloon: The discussion is open in {channel_mention(where)}: <{known}|join the thread>."
    if note is not None:
        tell_later(context, respond, note)
        return
    in_background(context, _discussion_opened, rt, client, respond, team_id=team_id, share_id=share_id, where=where,
          ids=rt.take_queued(session))


def _discussion_opened(rt, client: WebClient, respond: Respond, *, team_id: str, share_id: int, where: str,
                       ids: list[int]) -> None:
    delivery.delivered(rt, ids)
    with rt.session() as session:
        thread = intel.discussion_row(session=session, team_id=team_id, share_id=share_id)
        sent = (thread.posted_channel, thread.posted_ts) if thread and thread.status == delivery.SENT else None
    link = permalink(client, *sent) if sent else None
    if link:
        with rt.session() as session:
            intel.record_discussion_link(session=session, share_id=share_id, permalink=link)
        text = (f":speech_balloon: Discussion opened in {channel_mention(where)}: <{link}|go to the thread>. "
                "Both teams can reply there.")
    else:
        text = (f":speech_balloon: The discussion thread opens under the post in {channel_mention(where)} "
                "as soon as Slack takes it.")
    send_response(respond.response_url, text=text)


def _may_retract(session, ws: Workspace, user_id: str, share) -> bool:
    return share.sharer_id == user_id or is_admin_or_lead(session, ws, user_id)


def _not_yours(share) -> str:
    return f"Only <@{share.sharer_id}>, who shared it, or an admin or lead can retract this share."


def menu_selected(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace) -> None:
    ack()
    action, _, share_id = body["actions"][0]["selected_option"]["value"].partition(":")
    if action == "help":
        tell_later(context, respond, help_text(Command.INTEL))
        return
    try:
        with rt.session() as session:
            share = intel.get_share(session=session, team_id=context["team_id"], share_id=share_id)
            copies = len(intel.posts_of(session=session, share=share))
            allowed = _may_retract(session, ws, context["user_id"], share)
    except UserError as exc:
        tell_later(context, respond, str(exc))
        return
    if share.retracted_at:
        tell_later(context, respond, "That share is already retracted.")
    elif not allowed:
        tell_later(context, respond, _not_yours(share))
    else:
        tell_later(context, respond, "Retract this share?", blocks=retract_confirm_blocks(share, copies))


def retract_confirmed(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime,
                      ws: Workspace) -> None:
    try:
        with rt.session() as session:
            share = intel.get_share(session=session, team_id=context["team_id"],
                                    share_id=body["actions"][0]["value"], lock=True)
            if not _may_retract(session, ws, context["user_id"], share):
                text = _not_yours(share)
            else:
                changed = intel.retract(session=session, share=share, user_id=context["user_id"])
                copies = len(intel.posts_of(session=session, share=share))
                text = (f":no_entry_sign: Retracted. All {copies} copies now say so." if changed
                        else "That share was already retracted.")
    except UserError as exc:
        text = str(exc)
    ack()
    tell_later(context, respond, text, replace_original=True)


# --- search pages ----------------------------------------------------------------------------------------


def run_search(*, rt: Runtime, ws: Workspace, query_text: str, offset: int) -> tuple[str, list]:
    query = intel_text.parse_search(query_text)
    with rt.session() as session:
        page = intel_search.search(session=session, team_id=ws.team_id, query=query, offset=offset, tz=ws.timezone)
        return search_blocks(page, query_text=query_text, query=query, tz=ws.timezone)


def search_paged(ack: Ack, body: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace) -> None:
    ack()
    try:
        state = json.loads(body["actions"][0]["value"])
        text, blocks = run_search(rt=rt, ws=ws, query_text=str(state["q"]), offset=int(state["o"]))
    except (ValueError, KeyError, TypeError, UserError):
        tell_later(context, respond, "That search has expired. Search again with `/intel search <words>`.",
                   replace_original=True)
        return
    tell_later(context, respond, text, blocks=blocks, replace_original=True)
