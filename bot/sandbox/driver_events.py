"""The Events API side of the driver: what people do in channels (react, post, edit, delete, join,
leave, open the Home tab) and the `event_callback` Slack then delivers to the app."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from bot.sandbox.state import Message, WorkspaceState


class EventsMixin:
    """Mixed into SlackDriver: needs its `state`, `team_id`, `api_app_id` and `post()`."""

    state: WorkspaceState
    api_app_id: str

    if TYPE_CHECKING:  # SlackDriver's (bot/sandbox/driver.py)
        @property
        def team_id(self) -> str: ...
        def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
                 timestamp: int | None = None, secret: str | None = None,
                 on_answer: Callable[[httpx.Response], None] | None = None) -> httpx.Response: ...

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str = "http_timeout") -> httpx.Response:
        envelope = {
            "token": "unused", "team_id": self.team_id, "api_app_id": self.api_app_id, "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()), "authorizations": [{
                "team_id": self.team_id, "user_id": self.state.bot_user_id, "is_bot": True,
                "enterprise_id": None, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post(json.dumps(envelope), "application/json", headers=headers)

    def react(self, user_id: str, message: Message, name: str, **kw: Any) -> httpx.Response:
        """Add a reaction in the workspace and deliver Slack's `reaction_added` event."""
        name = name.strip(":")
        with self.state.lock:
            users = message.reactions.setdefault(name, [])
            if user_id not in users:
                users.append(user_id)
        return self.event({
            "type": "reaction_added", "user": user_id, "reaction": name, "item_user": message.user,
            "item": {"type": "message", "channel": message.channel, "ts": message.ts},
            "event_ts": f"{time.time():.6f}",
        }, **kw)

    def unreact(self, user_id: str, message: Message, name: str, **kw: Any) -> httpx.Response:
        name = name.strip(":")
        with self.state.lock:
            if user_id in message.reactions.get(name, []):
                message.reactions[name].remove(user_id)
        return self.event({
            "type": "reaction_removed", "user": user_id, "reaction": name, "item_user": message.user,
            "item": {"type": "message", "channel": message.channel, "ts": message.ts},
            "event_ts": f"{time.time():.6f}",
        }, **kw)

    def say(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> Message:
        """A person posts a message (no event is sent: Truce does not listen to plain messages)."""
        st = self.state
        with st.lock:
            ch = st._resolve(channel)
            if ch is None:
                raise ValueError(f"no channel {channel!r} in {st.team_id}")
            msg = Message(ch.id, st.next_ts(), user_id, text, thread_ts=thread_ts)
            ch.messages.append(msg)
        return msg

    def post_message(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> Message:
        """A person posts a message, and Slack delivers the `message` event to the app where the app
        is a member (its manifest subscribes to message.channels), as it does for any message."""
        msg = self.say(user_id, channel, text, thread_ts=thread_ts)
        ch = self.state.channels[msg.channel]
        if self.state.bot_user_id in ch.members and not ch.is_im:
            event = {"type": "message", "channel": msg.channel, "user": user_id, "text": text, "ts": msg.ts,
                     "channel_type": "group" if ch.is_private else "channel", "event_ts": msg.ts}
            if thread_ts:
                event["thread_ts"] = thread_ts
            self.event(event)
        return msg

    def edit(self, message: Message, text: str) -> httpx.Response:
        previous = message.to_api()
        with self.state.lock:
            message.text, message.edited = text, True
        return self.event({
            "type": "message", "subtype": "message_changed", "channel": message.channel, "hidden": True,
            "ts": f"{time.time():.6f}", "message": message.to_api(), "previous_message": previous,
            "event_ts": f"{time.time():.6f}",
        })

    def delete(self, message: Message) -> httpx.Response:
        previous = message.to_api()
        with self.state.lock:
            message.deleted = True
        return self.event({
            "type": "message", "subtype": "message_deleted", "channel": message.channel, "hidden": True,
            "ts": f"{time.time():.6f}", "deleted_ts": message.ts, "previous_message": previous,
            "event_ts": f"{time.time():.6f}",
        })

    def join(self, user_id: str, channel: str) -> httpx.Response:
        with self.state.lock:
            self.state.channels[channel].members.add(user_id)
        return self.event({"type": "member_joined_channel", "user": user_id, "channel": channel,
                           "channel_type": "C", "team": self.team_id, "event_ts": f"{time.time():.6f}"})

    def leave(self, user_id: str, channel: str) -> httpx.Response:
        with self.state.lock:
            self.state.channels[channel].members.discard(user_id)
        return self.event({"type": "member_left_channel", "user": user_id, "channel": channel,
                           "channel_type": "C", "team": self.team_id, "event_ts": f"{time.time():.6f}"})

    def open_home(self, user_id: str) -> httpx.Response:
        return self.event({"type": "app_home_opened", "user": user_id, "channel": self.state.im_for(user_id).id,
                           "tab": "home", "event_ts": f"{time.time():.6f}"})

    def url_verification(self, challenge: str) -> httpx.Response:
        return self.post(json.dumps({"token": "unused", "challenge": challenge, "type": "url_verification"}),
                         "application/json")
