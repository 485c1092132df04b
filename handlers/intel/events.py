"""Events for intel: the share emoji as a reaction (shares a message once; every reactor is a
supporter), and edits/deletions of a shared message (its shares follow)."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

from bot import delivery, tasks
from bot.db import pk
from bot.ids import SHARE_REACTED_TASK
from bot.intel import parsing as intel_text
from bot.intel import share as intel
from bot.models import Workspace
from bot.runtime import Runtime
from bot.setup import workspaces
from bot.user_error import UserError
from handlers.common import later
from handlers.intel.publish import permalink, publish

log = logging.getLogger(__name__)


def read_message(client: WebClient, channel: str, ts: str) -> dict | None:
    """The message at `ts`: from the channel's history, or (a reply in a thread) from its thread."""
    try:
        history = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        listed: list[dict] = history.get("messages") or []
        found = next((m for m in listed if m.get("ts") == ts), None)
        if found is not None:
            return found
        thread = client.conversations_replies(channel=channel, ts=ts, latest=ts, inclusive=True, limit=1)
        replies: list[dict] = thread.get("messages") or []
        return next((m for m in replies if m.get("ts") == ts), None)
    except SlackApiError as exc:
        log.info("could not read message %s in %s: %s", ts, channel, exc.response.get("error"))
        return None


def _tell(client: WebClient, channel: str, user: str, text: str) -> None:
    delivery.send_ephemeral(client, channel=channel, user=user, text=text)


def on_reaction(*, event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace | None,
                removed: bool) -> bool:
    team_id = context["team_id"]
    with rt.session() as session:
        if ws is None or not intel.matches_emoji(ws, event.get("reaction", "")):
            return False
        item = event.get("item") or {}
        channel, ts, user_id = item.get("channel", ""), item.get("ts", ""), event["user"]
        from_team = intel.channel_team(ws, channel)
        if from_team is None:
            return False  # the share emoji only shares from the sales and marketing channels
        share = intel.find_by_source(session=session, team_id=team_id, channel=channel, ts=ts)
        if removed:
            if share is not None:
                intel.remove_supporter(session=session, share=share, user_id=user_id)
            return True
        task = None
        if share is not None:
            new = intel.add_supporter(session=session, share=share, user_id=user_id)
            sharer = share.sharer_id
        else:  # its words are in Slack: stored as a task now, shared right after the answer
            task = tasks.enqueue(session, team_id=team_id, kind=SHARE_REACTED,
                                 key=f"{SHARE_REACTED}:{channel}:{ts}:{user_id}:{event.get('event_ts', '')}",
                                 payload={"channel": channel, "ts": ts, "user_id": user_id, "from_team": from_team,
                                          "bot_user_id": context.get("bot_user_id")})
    if share is not None:
        if new:
            later(context, _tell, client, channel, user_id, f":raised_hands: That message was already shared by "
                                                            f"<@{sharer}>; you're now listed as flagging it too.")
    elif task is not None:
        rt.run_task(pk(task.id))
    return True


SHARE_REACTED = SHARE_REACTED_TASK


def share_reacted(rt, *, team_id: str, channel: str, ts: str, user_id: str, from_team: str,
                  bot_user_id: str | None) -> None:
    """The task behind a share-emoji reaction: read the message, share it, tell the reactor."""
    client = rt.client_for(team_id)
    with rt.session() as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        share = intel.find_by_source(session=session, team_id=team_id, channel=channel, ts=ts)
        if share is not None and share.sharer_id == user_id and share.via == "reaction":
            ids = list(intel.outbox_rows(session=session, share=share))  # this task's own run, cut short
        elif share is not None:  # another reaction's task shared it first: this one flags it too
            new, sharer = intel.add_supporter(session=session, share=share, user_id=user_id), share.sharer_id
    if share is not None and share.sharer_id == user_id and share.via == "reaction":
        publish(rt, client, team_id=team_id, share_id=pk(share.id), user_id=user_id, ids=ids,
                tell=lambda note: _tell(client, channel, user_id, note))
        return
    if share is not None:
        if new and sharer != user_id:
            _tell(client, channel, user_id, f":raised_hands: That message was already shared by <@{sharer}>; "
                                            "you're now listed as flagging it too.")
        return
    message = read_message(client, channel, ts)
    if message is None:
        _tell(client, channel, user_id, "I couldn't read that message, so it isn't shared. Is Truce a member of "
                                        "this channel? You can also use the message's menu: "
                                        "*Share as market intel*.")
        return
    if bot_user_id and message.get("user") == bot_user_id:
        _tell(client, channel, user_id, "That's a Truce post already. Click *Useful* on it if it helped you.")
        return
    draft = intel_text.message_draft(message.get("text"))
    if draft is None:
        _tell(client, channel, user_id, "That message has no text to share. Use `/intel <what you learned>` "
                                        "to tell the other team about it.")
        return
    if ws is None:  # the reaction's listener stored the workspace first; without it there is nowhere to share
        log.warning("intel reaction in %s: no workspace row, nothing shared", team_id)
        return
    source = intel.Source(channel=channel, ts=ts, permalink=permalink(client, channel, ts),
                          text=intel_text.from_slack(message.get("text")))
    try:
        with rt.session(deliver=False) as session:
            share = intel.create_share(session=session, ws=ws, sharer_id=user_id, draft=draft, via="reaction",
                                       source=source, from_team=from_team)
            share_id = pk(share.id)
    except IntegrityError:  # another reaction shared it a moment ago (or this task ran before a crash)
        with rt.session() as session:
            share = intel.find_by_source(session=session, team_id=team_id, channel=channel, ts=ts)
            if share is not None:
                intel.add_supporter(session=session, share=share, user_id=user_id)
        return
    except UserError as exc:
        _tell(client, channel, user_id, f":warning: {exc}")
        return
    publish(rt, client, team_id=team_id, share_id=share_id, user_id=user_id, ids=rt.take_queued(session),
            tell=lambda note: _tell(client, channel, user_id, note))



def on_message(*, event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace | None) -> bool:
    subtype = event.get("subtype")
    if subtype not in ("message_changed", "message_deleted"):
        return False
    team_id, channel = context["team_id"], event.get("channel", "")
    message = event.get("message") or {}
    with rt.session() as session:
        if subtype == "message_deleted" or message.get("subtype") == "tombstone":
            ts = event.get("deleted_ts") or message.get("ts", "")
            share = intel.source_deleted(session=session, team_id=team_id, channel=channel, ts=ts)
        else:
            previous = event.get("previous_message") or {}
            if message.get("text") == previous.get("text"):
                return False  # an unfurl, a reply count: not an edit of the words
            share = intel.source_edited(session=session, team_id=team_id, channel=channel, ts=message.get("ts", ""),
                                        text=intel_text.from_slack(message.get("text")))
    return share is not None
