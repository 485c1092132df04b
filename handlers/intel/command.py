"""/intel: share at once, open the share modal, search, help, and the admins' settings (emoji,
digest); the "Share as market intel" message shortcut and the modal's submission."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from types import MappingProxyType

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError

from bot import delivery
from bot.competitors.commands import asks_for_battlecard
from bot.feature import SubCommand
from bot.ids import Command, IntelIds
from bot.intel import parsing as intel_text
from bot.intel import reports as intel_reports
from bot.intel import share as intel
from bot.intel.blocks_share import share_modal
from bot.intel.parsing import ShareDraft
from bot.models import Workspace
from bot.runtime import Runtime
from bot.slack_text import echo_command, plain
from bot.user_error import UserError
from handlers.common import (
    in_background,
    later,
    lead_refusal,
    replace_answer,
    route,
    view_metadata,
)
from handlers.competitors.command import battlecard_command, competitors_command
from handlers.intel.actions import run_search
from handlers.intel.publish import permalink, publish, saved_note
from handlers.intel.share_form import modal_draft

log = logging.getLogger(__name__)


FIX_IT = "Here is what you typed, so you can fix it and send it again:"


def intel_command(ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace) -> None:
    text = command.get("text") or ""
    if asks_for_battlecard(text):  # `/intel vs Initech` (but `/intel vs:Initech what they did` shares intel)
        battlecard_command(ack=ack, command=command, rest=text, rt=rt, ws=ws)
        return
    # Any other text is a share.
    route(Command.INTEL, SUBCOMMANDS, ack=ack, command=command, client=client, context=context, respond=respond,
          rt=rt, ws=ws, otherwise=share_command)


def form_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    """/intel alone opens the share form."""
    ack()
    later(context, open_modal, client=client, trigger_id=command["trigger_id"], channel=command["channel_id"])


def search_word(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                ws: Workspace, rest: str) -> None:
    search_command(ack=ack, command=command, rest=rest, rt=rt, ws=ws)


def emoji_word(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
               ws: Workspace, rest: str) -> None:
    """/intel emoji [:name:]; more words than that are a share that starts with "emoji"."""
    if len(rest.split()) > 1:
        share_command(ack=ack, command=command, client=client, context=context, respond=respond, rt=rt, ws=ws)
        return
    # what they typed, not Slack's encoding of it
    ack(text=emoji_command(rest=plain(rest), context=context, rt=rt, ws=ws, command=command))


def digest_word(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                ws: Workspace, rest: str) -> None:
    """/intel digest [day time | off]; more words than that are a share that starts with "digest"."""
    if len(rest.split()) > 2:
        share_command(ack=ack, command=command, client=client, context=context, respond=respond, rt=rt, ws=ws)
        return
    ack(text=digest_command(rest=plain(rest), context=context, rt=rt, ws=ws, command=command))


# --- /intel <text> ----------------------------------------------------------------------------------


def share_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace, rest: str = "") -> None:
    """Stored before the answer (a 200 means the share exists); posted right after it."""
    user_id, team_id = context["user_id"], context["team_id"]
    try:
        draft = intel_text.parse_share(command.get("text"))
        with rt.session(deliver=False) as session:
            share = intel.create_share(session=session, ws=ws, sharer_id=user_id, draft=draft, via="command")
            share_id, channels = share.id, intel.target_channels(session=session, share=share)
    except UserError as exc:
        ack(text=f":warning: {exc}\n{echo_command(command, FIX_IT)}")
        return
    ack(text=saved_note(channels))
    in_background(context, publish, rt, client, team_id=team_id, share_id=share_id, user_id=user_id,
          ids=rt.take_queued(session), tell=lambda note: replace_answer(respond, note))


# --- the modal: /intel alone, or the message shortcut ---------------------------------------------------


def open_modal(*, client: WebClient, trigger_id: str, channel: str) -> None:
    client.views_open(trigger_id=trigger_id, view=share_modal(metadata={"c": channel}))


def message_shortcut(ack: Ack, shortcut: dict, client: WebClient, context: BoltContext, rt: Runtime,
                     ws: Workspace) -> None:
    user_id = context["user_id"]
    channel, message = shortcut["channel"]["id"], shortcut.get("message") or {}
    ts = str(message.get("ts") or shortcut.get("message_ts") or "")
    with rt.session() as session:
        existing = intel.find_by_source(session=session, team_id=ws.team_id, channel=channel, ts=ts)
        try:
            intel.require_setup(ws)
            problem = None
        except UserError as exc:
            problem = str(exc)
    ack()
    if problem or existing is not None:
        if existing is not None:
            problem = (f"That message is already shared (by <@{existing.sharer_id}>). Click *Useful* on its post "
                       "if it helped you, or *Discuss* to talk it over.")
        later(context, delivery.send_ephemeral, client, channel=channel, user=user_id,
              text=f":information_source: {problem}")
        return
    later(context, _open_prefilled, client=client, trigger_id=shortcut["trigger_id"], channel=channel, ts=ts,
          text=message.get("text"))


def _open_prefilled(*, client: WebClient, trigger_id: str, channel: str, ts: str, text: str | None) -> None:
    draft = intel_text.message_draft(text) or ShareDraft(summary="")
    # "h": the prefilled summary's fingerprint; if it is shared unchanged, it follows later edits.
    meta = {"c": channel, "sc": channel, "st": ts, "sp": permalink(client, channel, ts),
            "h": _digest(draft.summary) if draft.summary else None}
    client.views_open(trigger_id=trigger_id, view=share_modal(
        summary=draft.summary, link_value=draft.link or "", kind=draft.kind, competitor=draft.competitor or "",
        metadata=meta, from_message=True))


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def modal_submitted(ack: Ack, view: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    """The share modal, once its answer has closed it (run after it: bot/accepted_forms.py)."""
    draft, errors = modal_draft(view["state"]["values"])
    if errors or draft is None:  # no draft without errors saying why
        ack(response_action="errors", errors=errors)
        return
    user_id, team_id = context["user_id"], context["team_id"]
    meta = view_metadata(view)
    source = None
    if meta.get("sc") and meta.get("st"):
        follows = meta.get("h") is not None and meta.get("h") == _digest(draft.summary)
        source = intel.Source(channel=str(meta["sc"]), ts=str(meta["st"]), permalink=meta.get("sp"),
                              text=draft.summary if follows else None)
    reply_in = str(meta.get("c") or user_id)
    try:
        with rt.session(deliver=False) as session:
            intel.require_setup(ws)
            share = intel.create_share(session=session, ws=ws, sharer_id=user_id, draft=draft,
                                       via="shortcut" if source else "modal", source=source)
            share_id = share.id
    except UserError as exc:
        ack(response_action="errors", errors={IntelIds.SUMMARY_BLOCK: str(exc).replace("`", "")})
        return
    except IntegrityError:  # someone shared the same message while this modal was open
        ack()
        later(context, delivery.send_ephemeral, client, channel=reply_in, user=user_id,
              text=":information_source: Someone shared that message while you were writing, so it is already "
                   "with the other team. Click *Useful* on its post if it helped.")
        return
    ack()
    in_background(context, publish, rt, client, team_id=team_id, share_id=share_id, user_id=user_id,
          ids=rt.take_queued(session),
          tell=lambda note: delivery.send_ephemeral(client, channel=reply_in, user=user_id, text=note))


# --- /intel search ---------------------------------------------------------------------------------------


def search_command(*, ack: Ack, command: dict, rest: str, rt: Runtime, ws: Workspace) -> None:
    try:
        query = intel_text.parse_search(rest)
    except UserError as exc:
        ack(text=f":warning: {exc}\n{echo_command(command, FIX_IT)}")
        return
    if query.empty:
        ack(text="Tell me what to look for, like `/intel search acme pricing`. Filters: `#pricing` (a kind), "
                 "`vs:Acme` (a competitor), `since:2026-01-31` (a date).")
        return
    text, blocks = run_search(rt=rt, ws=ws, query_text=rest, offset=0)
    ack(text=text, blocks=blocks)


# --- admins' settings ---------------------------------------------------------------------------------------


def emoji_command(*, rest: str, context: BoltContext, rt: Runtime, ws: Workspace, command: dict) -> str:
    """The answer to `/intel emoji [:name:]` (changed before it is given)."""
    refusal = lead_refusal(rt, ws, context["user_id"], "change the share emoji")
    current = intel.share_emoji(ws)
    if not rest:
        return (f"Reacting with :{current}: to a message in the sales or marketing channel shares it. "
                + ("Change it with `/intel emoji :name:`." if refusal is None else "Admins and leads can change it."))
    if refusal:
        return refusal + "\n" + echo_command(command, FIX_IT)
    with rt.session() as session:
        try:
            name = intel.set_share_emoji(session=session, ws=ws, name=rest)
        except UserError as exc:
            return f":warning: {exc}\n{echo_command(command, FIX_IT)}"
    return (f":white_check_mark: From now on, reacting with :{name}: to a message in the sales or marketing "
            f"channel shares it (it was :{current}:).")


def digest_command(*, rest: str, context: BoltContext, rt: Runtime, ws: Workspace, command: dict) -> str:
    """The answer to `/intel digest [day time | off]` (changed before it is given)."""
    refusal = lead_refusal(rt, ws, context["user_id"], "change the digest")
    current = intel_reports.digest_schedule(ws)
    if not rest:
        return (f"The weekly intel digest goes to the sales and marketing channels: *{current.describe()}* "
                f"({ws.timezone}). " + ("Change it with `/intel digest monday 09:00` or `/intel digest off`."
                                        if refusal is None else "Admins and leads can change it."))
    if refusal:
        return refusal + "\n" + echo_command(command, FIX_IT)
    with rt.session() as session:
        try:
            schedule = intel_reports.parse_schedule(rest, current)
        except UserError as exc:
            return f":warning: {exc}\n{echo_command(command, FIX_IT)}"
        intel_reports.set_digest_schedule(session=session, ws=ws, schedule=schedule)
        return f":white_check_mark: Weekly intel digest: *{schedule.describe()}* ({ws.timezone})."


# /intel <word>: each is called with the Bolt arguments and `rest`; any other text is a share.
def competitors_word(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                     rt: Runtime, ws: Workspace, rest: str) -> None:
    competitors_command(ack=ack, command=command, context=context, rest=rest, rt=rt, ws=ws)


SUBCOMMANDS: Mapping[str, SubCommand] = MappingProxyType({
    "": form_command, "search": search_word, "emoji": emoji_word, "digest": digest_word,
    "competitors": competitors_word,
})
