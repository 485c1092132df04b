"""Did Slack apply a post whose answer never came? Every outbox post carries its key as Slack
message metadata, so the channel's history says (`conversations.history` / `.replies` with
`include_all_metadata=true`, from just before the first unanswered attempt)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

EVENT_TYPE = "truce_outbox"
# Slack's clock (message ts) and ours may differ a little: look a minute further back.
CLOCK_MARGIN = timedelta(minutes=1)
PAGE = 200  # Slack recommends pages of at most 200
MAX_PAGES = 5


def stamp(key: str) -> dict[str, Any]:
    """The message metadata every outbox post carries."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def _is(message: dict[str, Any], key: str) -> bool:
    meta = message.get("metadata") or {}
    return meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("key") == key


@dataclass(frozen=True)
class Found:
    channel: str  # the conversation id (a DM's D… id when the post named a user)
    ts: list[str]  # the messages carrying the key, oldest first


def conversation_id(client: WebClient, channel: str) -> str:
    """A DM is queued to a user id; its history lives in the IM channel, which conversations.open names."""
    if channel.startswith(("U", "W")):
        return client.conversations_open(users=channel)["channel"]["id"]
    return channel


def find(client: WebClient, *, key: str, channel: str, since: datetime, thread_ts: str | None = None) -> Found:
    """The messages in `channel` (or in the thread `thread_ts`) that carry `key`, posted since `since`.
    Raises SlackApiError (or a network error) when Slack cannot say."""
    channel = conversation_id(client, channel)
    oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
    found: list[str] = []
    cursor = None
    for _ in range(MAX_PAGES):
        args = {"channel": channel, "oldest": oldest, "limit": PAGE, "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
        page = client.conversations_replies(ts=thread_ts, **args) if thread_ts else \
            client.conversations_history(**args)
        found += [m["ts"] for m in page.get("messages", []) if _is(m, key)]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    else:
        log.warning("outbox %s: more than %d messages in %s since the unanswered post; looked at the newest",
                    key, PAGE * MAX_PAGES, channel)
    return Found(channel, sorted(set(found), key=float))


def remove_extra(client: WebClient, found: Found) -> None:
    """More than one copy (an earlier lookup could not see one yet): keep the first, delete the rest."""
    for ts in found.ts[1:]:
        try:
            client.chat_delete(channel=found.channel, ts=ts)
            log.warning("deleted a duplicate outbox post %s in %s", ts, found.channel)
        except SlackApiError as exc:
            log.error("could not delete the duplicate post %s in %s: %s", ts, found.channel,
                      exc.response.get("error"))
