"""Interactions as a person makes them on any surface (a message, an ephemeral message, the Home
tab, a modal) with any interactive element, and the modal stack as Slack keeps it.

- `act()` sends the `block_actions` payload Slack sends for that element: a button's `value`, a
  select's `selected_option(s)` / `selected_user(s)` / `selected_conversation`, a date picker's
  `selected_date`, …; from a modal, with the inputs' current values in `view.state`.
- A modal is a stack of views (one opened, at most two pushed). Closing pops the top view, or
  clears the stack (the ✕, or `clear_on_close`); `view_closed` goes to the app only for a view
  opened with `notify_on_close`, as Slack does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from bot.sandbox.state import Ephemeral, Message, View, WorkspaceState

if TYPE_CHECKING:
    from bot.sandbox.emulator import SlackEmulator

MAX_STACK = 3  # Slack: a modal's root view and at most two pushed views


@dataclass(frozen=True)
class Surface:
    """Where an element is: kind is message | ephemeral | home | view."""

    kind: str
    message: Message | None = None
    ephemeral: Ephemeral | None = None
    view_id: str | None = None


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options", []))
    return options


def pick_option(element: dict[str, Any], value: str) -> dict[str, Any]:
    for opt in _options(element):
        if opt.get("value") == value:
            return opt
    offered = ", ".join(str(o.get("value")) for o in _options(element))
    raise ValueError(f"option {value!r} is not offered by {element.get('action_id')} (it offers: {offered})")


def action_of(block: dict[str, Any], element: dict[str, Any], selected: Any = None) -> dict[str, Any]:
    """One entry of a block_actions payload's `actions`, for this element and what was chosen."""
    kind = element["type"]
    action: dict[str, Any] = {"action_id": element.get("action_id", ""), "block_id": block.get("block_id", ""),
                              "type": kind, "action_ts": f"{time.time():.6f}"}
    if kind == "button":
        action["value"] = element.get("value", "")
        action["text"] = element.get("text")
        if element.get("style"):
            action["style"] = element["style"]
    elif kind in ("overflow", "static_select", "external_select", "radio_buttons"):
        action["selected_option"] = pick_option(element, selected) if selected is not None else None
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        action["selected_options"] = [pick_option(element, v) for v in selected or []]
    elif kind == "users_select":
        action["selected_user"] = selected
    elif kind == "multi_users_select":
        action["selected_users"] = list(selected or [])
    elif kind == "conversations_select":
        action["selected_conversation"] = selected
    elif kind == "channels_select":
        action["selected_channel"] = selected
    elif kind == "multi_conversations_select":
        action["selected_conversations"] = list(selected or [])
    elif kind == "multi_channels_select":
        action["selected_channels"] = list(selected or [])
    elif kind == "datepicker":
        action["selected_date"] = selected
    elif kind == "timepicker":
        action["selected_time"] = selected
    elif kind == "datetimepicker":
        action["selected_date_time"] = selected
    else:
        action["value"] = selected
    return action


def elements_of(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(block.get("elements") or []) if block.get("type") == "actions" else []
    if block.get("accessory"):
        found.append(block["accessory"])
    if block.get("type") == "input" and block.get("element"):
        found.append(block["element"])
    return found


def find(blocks: list[dict[str, Any]], *, block_id: str | None, action_id: str,
         value: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (block, element) with this action_id (in this block, if given; with this value, if given)."""
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        for el in elements_of(block):
            if el.get("action_id") == action_id and (value is None or el.get("value") == value):
                return block, el
    raise AssertionError(f"no element {action_id!r} (block {block_id!r}, value {value!r}) on that surface")


class ViewsMixin:
    """Mixed into SlackDriver: needs its state, emulator, `_payload`, `_team`, `_user`, `_state`."""

    state: WorkspaceState
    emu: SlackEmulator
    api_app_id: str

    if TYPE_CHECKING:  # SlackDriver's (bot/sandbox/driver.py)
        def _payload(self, payload: dict[str, Any], **kw: Any) -> httpx.Response: ...
        def _team(self) -> dict[str, Any]: ...
        def _user(self, user_id: str) -> dict[str, Any]: ...
        @staticmethod
        def _state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]: ...

    # --- the modal stack ---------------------------------------------------------------------
    def view_stack(self, user_id: str) -> list[View]:
        """The open modal's views for this person, root first (the last one is shown)."""
        return self.state.open_views(user_id)

    def close(self, user_id: str, view_id: str, *, clear: bool = False) -> list[httpx.Response]:
        """The person closes a modal view: its Close button pops it (back to the view under it), the
        ✕ or `clear_on_close` closes the whole modal. The app hears of it (`view_closed`) only for a
        view that asked with `notify_on_close`."""
        stack = self.view_stack(user_id)
        ids = [v.id for v in stack]
        if view_id not in ids:
            raise AssertionError(f"view {view_id} is not open for {user_id}")
        top = stack[ids.index(view_id)]
        clear = clear or bool(top.view.get("clear_on_close"))
        closing = stack if clear else stack[ids.index(view_id):]
        with self.state.lock:
            for v in closing:
                v.closed = True
        answers = []
        for v in reversed(closing):
            if v.view.get("notify_on_close"):
                answers.append(self._payload({
                    "type": "view_closed", "team": self._team(), "user": self._user(user_id),
                    "api_app_id": self.api_app_id, "view": v.view, "is_cleared": clear}))
        return answers

    def _apply_view_response(self, view_id: str, response: httpx.Response) -> None:
        """What Slack does with a view_submission's answer: errors keep the view open, `update`
        replaces it, `push` stacks a new one on it, `clear` closes the modal, anything else closes
        the submitted view (and shows the one under it)."""
        if response.status_code != 200:
            return
        body = response.json() if response.content and response.headers.get(
            "content-type", "").startswith("application/json") else {}
        action = body.get("response_action")
        stored = self.state.views[view_id]
        if action == "errors":
            return
        if action == "update":
            with self.state.lock:
                stored.view = {**stored.view, **body["view"], "id": view_id}
            return
        if action == "push":
            stack = self.view_stack(stored.user)
            if len(stack) < MAX_STACK:
                new_id = self.state.next_id("V")
                with self.state.lock:
                    self.state.views[new_id] = View(new_id, stored.user, {
                        **body["view"], "id": new_id, "previous_view_id": view_id,
                        "root_view_id": stored.view.get("root_view_id") or view_id}, "")
            return
        stack = self.view_stack(stored.user)
        ids = [v.id for v in stack]
        closing = stack if action == "clear" or view_id not in ids else stack[ids.index(view_id):]
        with self.state.lock:
            for v in closing:
                v.closed = True
            stored.closed = True

    # --- any element on any surface ------------------------------------------------------------
    def act(self, user_id: str, surface: Surface, *, action_id: str, block_id: str | None = None,
            value: str | None = None, selected: Any = None, values: dict[str, Any] | None = None) -> httpx.Response:
        """The person uses an element: clicks a button (`value` picks one of several with the same
        action_id), or chooses `selected` in a select, overflow menu or date picker. In a modal,
        `values` are the inputs as they are now (see `submit`)."""
        st = self.state
        trigger = self.emu.issue_trigger(user_id, st)
        base: dict[str, Any] = {"type": "block_actions", "team": self._team(), "user": self._user(user_id),
                "api_app_id": self.api_app_id, "token": "unused", "trigger_id": trigger}
        if surface.kind == "view" and surface.view_id is not None:
            stored = st.views[surface.view_id]
            block, el = find(stored.view.get("blocks", []), block_id=block_id, action_id=action_id, value=value)
            view = {**stored.view, "state": {"values": self._state(stored.view, values or {})}}
            payload: dict[str, Any] = {**base, "container": {"type": "view", "view_id": stored.id}, "view": view}
        elif surface.kind == "home":
            home = st.home.get(user_id)
            if home is None:
                raise AssertionError(f"{user_id} has no Home tab published")
            block, el = find(home.get("blocks", []), block_id=block_id, action_id=action_id, value=value)
            payload = {**base, "container": {"type": "view", "view_id": f"VH{user_id}"},
                       "view": {"id": f"VH{user_id}", **home, "state": {"values": {}}}}
        elif surface.kind == "ephemeral" and surface.ephemeral is not None:
            note = surface.ephemeral
            block, el = find(note.blocks, block_id=block_id, action_id=action_id, value=value)
            channel = st.channels[note.channel]
            payload = {**base, "container": {"type": "message", "message_ts": note.ts, "channel_id": note.channel,
                                             "is_ephemeral": True},
                       "channel": {"id": note.channel, "name": channel.name if not channel.is_im else "directmessage"},
                       "response_url": self.emu.issue_response_url(user=user_id, channel=note.channel,
                                                                   message_ts=note.ts, state=st)}
        elif surface.message is not None:
            msg = surface.message
            block, el = find(msg.blocks, block_id=block_id, action_id=action_id, value=value)
            channel = st.channels[msg.channel]
            payload = {**base, "container": {"type": "message", "message_ts": msg.ts, "channel_id": msg.channel,
                                             "is_ephemeral": False},
                       "channel": {"id": msg.channel, "name": channel.name if not channel.is_im else "directmessage"},
                       "message": msg.to_api(),
                       "response_url": self.emu.issue_response_url(user=user_id, channel=msg.channel,
                                                                   message_ts=msg.ts, state=st)}
        else:
            raise ValueError(f"{surface} names no message, ephemeral message, Home tab or view")
        payload["actions"] = [action_of(block, el, selected)]
        return self._payload(payload)
