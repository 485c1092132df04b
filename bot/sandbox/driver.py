"""Sends requests into a Truce app exactly as Slack does: signed, form-encoded or JSON, with the
payload shapes of slash commands, block actions, view submissions, shortcuts and events."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import ssl
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

from bot.sandbox import methods
from bot.sandbox.driver_events import EventsMixin
from bot.sandbox.driver_views import ViewsMixin, action_of, pick_option
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.state import Ephemeral, Message, WorkspaceState


def sign(secret: str, timestamp: str, body: str | bytes) -> str:
    """Slack's v0 request signature: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every driver: loading the CA bundle takes tens of milliseconds, each time."""
    return ssl.create_default_context()


# What a view_submission's state carries, by the input element's type.
def _state_value(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    out: dict[str, Any] = {"type": kind}
    if kind in ("static_select", "radio_buttons", "external_select"):
        out["selected_option"] = _option(element, value) if value is not None else None
    elif kind in ("multi_static_select", "checkboxes"):
        out["selected_options"] = [_option(element, v) for v in (value or [])]
    elif kind == "users_select":
        out["selected_user"] = value
    elif kind == "multi_users_select":
        out["selected_users"] = list(value or [])
    elif kind == "conversations_select":
        out["selected_conversation"] = value
    elif kind == "channels_select":
        out["selected_channel"] = value
    elif kind == "datepicker":
        out["selected_date"] = value
    elif kind == "timepicker":
        out["selected_time"] = value
    elif kind == "datetimepicker":
        out["selected_date_time"] = value
    else:
        out["value"] = value
    return out


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    return pick_option(element, value)


class SlackDriver(EventsMixin, ViewsMixin):
    """Plays Slack's part towards the app at `app_url` (its /slack/events endpoint)."""

    def __init__(self, *, app_url: str, signing_secret: str, emulator: SlackEmulator,
                 settle: Callable[[], None] | None = None, timeout: float = 10.0,
                 state: WorkspaceState | None = None):
        self.app_url, self.secret, self.emu = app_url, signing_secret, emulator
        self.state = state or emulator.primary  # the workspace this driver's people are in
        self.socket_mode = False  # True: deliver over the app's Socket Mode connection instead of HTTP
        self.settle = settle or (lambda: None)
        self.http = httpx.Client(timeout=timeout, verify=_tls())
        self.api_app_id = "A0TRUCE"
        self.last_response_url: str | None = None

    @property
    def team_id(self) -> str:
        return self.state.team_id

    # --- transport ---------------------------------------------------------------------------
    def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
             timestamp: int | None = None, secret: str | None = None,
             on_answer: Callable[[httpx.Response], None] | None = None) -> httpx.Response:
        """Deliver a request; `on_answer` sees the answer as Slack does, the moment it arrives
        (before anything the app does afterwards)."""
        if self.socket_mode:
            return self._over_socket(body, content_type, headers or {}, on_answer)
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret or self.secret, ts, body),
            **(headers or {}),
        }
        response = self.http.post(self.app_url, content=body.encode(), headers=sent)
        if on_answer is not None:
            on_answer(response)
        self.settle()
        return response

    def _over_socket(self, body: str, content_type: str, headers: dict[str, str],
                     on_answer: Callable[[httpx.Response], None] | None) -> httpx.Response:
        """Socket Mode: the same payloads, in envelopes over the WebSocket; the ack is the answer."""
        if content_type.startswith("application/json"):
            kind, payload = "events_api", json.loads(body)
        else:
            form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
            kind, payload = ("interactive", json.loads(form["payload"])) if "payload" in form else \
                ("slash_commands", form)
        answer = self.emu.socket_mode.deliver(
            kind, payload, retry_attempt=int(headers.get("X-Slack-Retry-Num", 0)),
            retry_reason=headers.get("X-Slack-Retry-Reason", ""))
        request = httpx.Request("POST", "wss://socket-mode")
        if answer is None:
            response = httpx.Response(504, request=request, text="no ack within 3 seconds")
        elif answer.get("payload"):
            response = httpx.Response(200, request=request, json=answer["payload"])
        else:
            response = httpx.Response(200, request=request, content=b"")
        if on_answer is not None:
            on_answer(response)
        self.settle()
        return response

    def _form(self, data: dict[str, Any], **kw: Any) -> httpx.Response:
        return self.post(urlencode(data), "application/x-www-form-urlencoded", **kw)

    def _payload(self, payload: dict[str, Any], **kw: Any) -> httpx.Response:
        return self._form({"payload": json.dumps(payload)}, **kw)

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.state.domain}

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.state.users[user_id]
        return {"id": user_id, "username": user.name, "name": user.name, "team_id": self.team_id}

    # --- slash commands ----------------------------------------------------------------------
    def command(self, user_id: str, command: str, text: str = "", *, channel: str | None = None,
                trigger_id: str | None = None, **kw: Any) -> httpx.Response:
        """A slash command; `trigger_id` repeats a delivery (Slack gives each invocation its own)."""
        st = self.state
        channel_id = channel or st.im_for(user_id).id
        ch = st.channels.get(channel_id)
        data = {
            "token": "verification-token-unused", "team_id": self.team_id, "team_domain": st.domain,
            "channel_id": channel_id, "channel_name": ch.name if ch and not ch.is_im else "directmessage",
            "user_id": user_id, "user_name": st.users[user_id].name, "command": command, "text": text,
            "api_app_id": self.api_app_id, "is_enterprise_install": "false",
            "response_url": self.emu.issue_response_url(user=user_id, channel=channel_id, state=self.state),
            "trigger_id": trigger_id or self.emu.issue_trigger(user_id, self.state),
        }
        self.last_response_url = data["response_url"]
        return self._form(data, on_answer=lambda r: self._show_ack(r, data["response_url"]), **kw)

    def said(self, response_url: str | None = None) -> list[dict[str, Any]]:
        """Every message a command's response_url received, in order (the last command's by default): the
        first is the command's answer as Slack shows it, whether it came as the body of the HTTP answer or,
        for a command Truce answered before running it (bot/accepted.py), as the response_url's first POST."""
        url = response_url or self.last_response_url
        if url is None:
            raise AssertionError("no command was sent")
        with self.state.lock:
            return list(self.state.responses[url.rsplit("/", 1)[-1]].get("said", []))

    def answer(self, response_url: str | None = None, *, wait: float = 10.0) -> dict[str, Any]:
        """The last command's answer as Slack showed it to the person (see `said`), waiting up to `wait`
        seconds for it to arrive (a served process's run after the answer); {} when it said nothing."""
        deadline = time.monotonic() + wait
        while not (said := self.said(response_url)) and time.monotonic() < deadline:
            time.sleep(0.02)
        return said[0] if said else {}

    def answer_text(self, response_url: str | None = None, *, wait: float = 10.0) -> str:
        return str(self.answer(response_url, wait=wait).get("text") or "")

    def _show_ack(self, response: httpx.Response, response_url: str) -> None:
        """A command's ack body is a message Slack shows (ephemeral unless in_channel) — the first message
        of the command's response_url; a plain-text body (Bolt's `ack(text=...)` without blocks) is shown
        as an ephemeral text too."""
        ctype = response.headers.get("content-type", "")
        if response.status_code != 200 or not response.content:
            return
        if ctype.startswith("text/plain"):
            body = {"text": response.text}
        elif ctype.startswith("application/json"):
            body = response.json()
        else:
            return
        if body.get("text") or body.get("blocks"):
            self.emu.use(self.state)
            try:
                with self.state.lock:
                    ctx = self.state.responses[response_url.rsplit("/", 1)[-1]]
                    methods.apply_response(self.emu, ctx, body)
            finally:
                self.emu.use(None)

    # --- interactivity -----------------------------------------------------------------------
    def click(self, user_id: str, message: Message, action_id: str, *, value: str | None = None,
              selected: str | None = None) -> httpx.Response:
        """Click a button (or choose an overflow/select option) on a message the app posted."""
        block, element = self._find_element(message.blocks, action_id, value)
        action = action_of(block, element, selected)
        payload = {
            "type": "block_actions", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": "unused", "trigger_id": self.emu.issue_trigger(user_id, self.state),
            "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel,
                          "is_ephemeral": False},
            "channel": {"id": message.channel, "name": self.state.channels[message.channel].name},
            "message": message.to_api(),
            "response_url": self.emu.issue_response_url(
                user=user_id, channel=message.channel, message_ts=message.ts, state=self.state),
            "actions": [action],
        }
        return self._payload(payload)

    def click_ephemeral(self, user_id: str, note: Ephemeral, action_id: str, *,
                        value: str | None = None) -> httpx.Response:
        """Click a button on an ephemeral message. As Slack does, the payload carries no `message`
        (the app never stored it), and its response_url can replace or delete that ephemeral."""
        block, element = self._find_element(note.blocks, action_id, value)
        action = {"action_id": action_id, "block_id": block.get("block_id", ""), "type": element["type"],
                  "value": element.get("value", ""), "text": element.get("text"),
                  "action_ts": f"{time.time():.6f}"}
        channel = self.state.channels[note.channel]
        payload = {
            "type": "block_actions", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": "unused",
            "trigger_id": self.emu.issue_trigger(user_id, self.state),
            "container": {"type": "message", "message_ts": note.ts, "channel_id": note.channel,
                          "is_ephemeral": True},
            "channel": {"id": note.channel, "name": channel.name if not channel.is_im else "directmessage"},
            "response_url": self.emu.issue_response_url(user=user_id, channel=note.channel, message_ts=note.ts,
                                                        state=self.state),
            "actions": [action],
        }
        return self._payload(payload)

    def click_home(self, user_id: str, action_id: str, *, value: str | None = None,
                   selected: str | None = None, block_id: str | None = None) -> httpx.Response:
        """Click a button on someone's Home tab, or choose `selected` in an overflow menu or select there
        (`block_id` picks one of several elements with the same action_id, e.g. one overflow per row)."""
        view = self.state.home.get(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no Home tab published")
        blocks = view.get("blocks", [])
        if block_id is not None:
            blocks = [b for b in blocks if b.get("block_id") == block_id]
        if selected is not None:
            blocks = [b for b in blocks if self._offers(b, action_id, selected)]
        block, element = self._find_element(blocks, action_id, value)
        action: dict[str, Any] = {"action_id": action_id, "block_id": block.get("block_id", ""),
                                  "type": element["type"], "action_ts": f"{time.time():.6f}"}
        if element["type"] in ("overflow", "static_select"):
            if selected is None:
                raise ValueError(f"{action_id} is a menu: name the option `selected`")
            action["selected_option"] = _option(element, selected)
        else:
            action["value"] = element.get("value", "")
        payload = {
            "type": "block_actions", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "trigger_id": self.emu.issue_trigger(user_id, self.state),
            "container": {"type": "view", "view_id": f"VH{user_id}"},
            "view": {"id": f"VH{user_id}", **view, "state": {"values": {}}},
            "actions": [action],
        }
        return self._payload(payload)

    @staticmethod
    def _offers(block: dict, action_id: str, selected: str) -> bool:
        """Whether an element `action_id` in this block offers the option `selected`."""
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        return any(el.get("action_id") == action_id and any(o.get("value") == selected for o in el.get("options", []))
                   for el in elements)

    def click_in_view(self, user_id: str, view_id: str, action_id: str, *, value: str | None = None,
                      values: dict[str, Any] | None = None) -> httpx.Response:
        stored = self.state.views[view_id]
        block, element = self._find_element(stored.view.get("blocks", []), action_id, value)
        view = {**stored.view, "state": {"values": self._state(stored.view, values or {})}}
        payload = {
            "type": "block_actions", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "trigger_id": self.emu.issue_trigger(user_id, self.state),
            "container": {"type": "view", "view_id": view_id}, "view": view,
            "actions": [{"action_id": action_id, "block_id": block.get("block_id", ""),
                         "type": element["type"], "value": element.get("value", "")}],
        }
        return self._payload(payload)

    def shortcut(self, user_id: str, callback_id: str, message: Message) -> httpx.Response:
        """A message shortcut ("…" menu on a message)."""
        payload = {
            "type": "message_action", "callback_id": callback_id, "team": self._team(),
            "user": self._user(user_id), "api_app_id": self.api_app_id, "token": "unused",
            "trigger_id": self.emu.issue_trigger(user_id, self.state), "message_ts": message.ts,
            "channel": {"id": message.channel, "name": self.state.channels[message.channel].name},
            "message": message.to_api(),
            "response_url": self.emu.issue_response_url(user=user_id, channel=message.channel, state=self.state),
        }
        return self._payload(payload)

    def submit(self, user_id: str, view_id: str, values: dict[str, Any]) -> httpx.Response:
        """Submit a modal. `values` maps action_id (or "block_id.action_id") to what was entered;
        inputs not named are submitted as Slack would: with their initial values, or empty."""
        stored = self.state.views[view_id]
        view = {**stored.view, "state": {"values": self._state(stored.view, values)}}
        payload = {
            "type": "view_submission", "team": self._team(), "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": "unused", "trigger_id": self.emu.issue_trigger(user_id, self.state),
            "view": view, "response_urls": [],
        }
        response = self._payload(payload)
        self._apply_view_response(stored.id, response)
        return response

    @staticmethod
    def _find_element(blocks: list[dict[str, Any]], action_id: str,
                      value: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        for block in blocks:
            elements = block.get("elements") if block.get("type") == "actions" else None
            candidates = list(elements or [])
            if block.get("accessory"):
                candidates.append(block["accessory"])
            if block.get("type") == "input" and block.get("element"):
                candidates.append(block["element"])
            for el in candidates:
                if el.get("action_id") == action_id and (value is None or el.get("value") == value):
                    return block, el
        raise AssertionError(f"no element {action_id!r} (value={value!r}) on that surface")

    @staticmethod
    def _state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            el = block["element"]
            aid, bid = el.get("action_id", ""), block.get("block_id", "")
            if f"{bid}.{aid}" in values:
                value = values[f"{bid}.{aid}"]
            elif aid in values:
                value = values[aid]
            else:
                value = SlackDriver._initial(el)
            state.setdefault(bid, {})[aid] = _state_value(el, value)
        return state

    @staticmethod
    def _initial(el: dict[str, Any]) -> Any:
        for key in ("initial_value", "initial_user", "initial_conversation", "initial_channel",
                    "initial_date", "initial_time", "initial_users"):
            if key in el:
                return el[key]
        if "initial_option" in el:
            return el["initial_option"]["value"]
        if "initial_options" in el:
            return [o["value"] for o in el["initial_options"]]
        return None
