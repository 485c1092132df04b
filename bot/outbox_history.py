"""Did Slack apply a post whose answer never came? Every outbox post carries its key as Slack
message metadata, so the channel's history says (`conversations.history` / `.replies` with
`include_all_metadata=true`, from just before the first unanswered attempt).

The search is bounded by time, not by a number of pages: it pages back until it is past the first
unanswered attempt, however busy the channel. Slack's limits on reading history:
- Marketplace and internal (customer-built) apps: Tier 3, 50+ calls a minute per workspace, pages of
  up to 200 messages here: about 10,000 messages a minute.
- Commercially distributed apps not approved for the Marketplace (new since 2025-05-29): Tier 1,
  one call a minute, at most 15 messages a page. A lookup over N messages then takes about N/15
  minutes, its channel's later posts wait meanwhile (they go out in order), and lookups in other
  channels of the workspace share that one call a minute.
Either way a 429 interrupts nothing for good: the caller keeps `checked` (how far the search got,
handed to `step` before each call) and resumes from there once Retry-After has passed, so every
call moves the search on and it always ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

EVENT_TYPE = "truce_outbox"
# Slack's clock (message ts) and ours may differ a little: look a minute further back.
CLOCK_MARGIN = timedelta(minutes=1)
PAGE = 200  # Slack recommends pages of at most 200 (non-Marketplace apps get at most 15)


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


def find(client: WebClient, *, key: str, channel: str, since: datetime, thread_ts: str | None = None,
         resume: str | None = None, step: Callable[[str | None], None] = lambda checked: None) -> Found:
    """The messages in `channel` (or in the thread `thread_ts`) that carry `key`, posted since `since`.

    `resume`: where an earlier, interrupted search of the same doubt got (its last `checked`).
    `step(checked)` runs before each call to Slack: `checked` is the ts up to which the search has
    looked (a channel's history is read newest first, so everything newer than it; a thread's replies
    oldest first, so everything older), None before anything was read. Raises SlackApiError (or a
    network error) when Slack cannot say, and whatever `step` raises; when copies were found before
    Slack stopped answering, those are the answer."""
    if channel.startswith(("U", "W")):
        step(resume)
    channel_id = conversation_id(client, channel)
    oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
    args: dict[str, Any] = {"channel": channel_id, "limit": PAGE, "include_all_metadata": True}
    if thread_ts:  # oldest first: on after what was read
        args.update(ts=thread_ts, oldest=max(oldest, resume or oldest, key=float))
        further, read = max, client.conversations_replies
    else:  # newest first: on before what was read
        args.update(oldest=oldest, **({"latest": resume} if resume else {}))
        further, read = min, client.conversations_history
    found: list[str] = []
    checked = resume
    while True:
        step(checked)
        try:
            page = read(**args)
        except Exception:
            if not found:
                raise
            log.info("outbox %s: found in %s before Slack stopped answering the lookup", key, channel_id)
            break
        messages: list[dict[str, Any]] = page.get("messages", [])
        found += [m["ts"] for m in messages if _is(m, key)]
        checked = further([m["ts"] for m in messages] + ([checked] if checked else []), key=float, default=None)
        args["cursor"] = (page.get("response_metadata") or {}).get("next_cursor")
        if not args["cursor"] or not messages:
            break
    return Found(channel_id, sorted(set(found), key=float))


def remove_extra(client: WebClient, found: Found, *, step: Callable[[], None] = lambda: None) -> None:
    """More than one copy (an earlier lookup could not see one yet): keep the first, delete the rest.
    `step()` runs before each call to Slack (the caller renews its claim there)."""
    for ts in found.ts[1:]:
        step()
        delete(client, found.channel, ts)


def delete(client: WebClient, channel: str, ts: str) -> None:
    try:
        client.chat_delete(channel=channel, ts=ts)
        log.warning("deleted a duplicate outbox post %s in %s", ts, channel)
    except SlackApiError as exc:
        log.error("could not delete the duplicate post %s in %s: %s", ts, channel, exc.response.get("error"))
