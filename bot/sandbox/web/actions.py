"""What the person at the page does, done as Slack does it: every click, choice, command, reaction,
shortcut and form goes to Truce through the driver (signed requests, Slack's payloads), and what
Truce answers reaches the page through the emulated Slack. Nothing here touches Truce's data."""

from __future__ import annotations

from typing import Any

from bot.sandbox import clock as sandbox_clock
from bot.sandbox import compose
from bot.sandbox.driver_views import Surface
from bot.sandbox.stack import SandboxStack
from bot.sandbox.state import Message, View
from bot.sandbox.web.render import Memory, Where

MAX_TEXT = 40_000  # Slack's longest message


class Refused(ValueError):
    """Something the page asked for that Slack's client would not do; the message says why."""


def _value(raw: Any) -> Any:
    """A control's value as Slack sends it: nothing typed or chosen is null."""
    if isinstance(raw, list):
        return [str(v) for v in raw if v not in (None, "")]
    return None if raw in (None, "") else str(raw)


class Actions:
    def __init__(self, stack: SandboxStack, memory: Memory):
        self.stack, self.state, self.memory = stack, stack.state, memory
        self.driver = stack.driver

    def do(self, where: Where, body: dict[str, Any]) -> str | None:
        """Carry out one thing the person did; returns a short note for the page to show, if any."""
        op = str(body.get("op") or "")
        handler = getattr(self, f"op_{op}", None)
        if handler is None:
            raise Refused(f"unknown operation {op!r}")
        return handler(where, body)

    # --- navigation ------------------------------------------------------------------------------
    def op_goto(self, where: Where, body: dict[str, Any]) -> None:
        if where.place == "app" and where.tab == "home":
            self.driver.open_home(where.me)  # Slack tells the app each time someone opens its Home tab

    def op_join(self, where: Where, body: dict[str, Any]) -> None:
        ch = self.state.channels.get(where.place)
        if ch is None or ch.is_im:
            raise Refused("there is no channel to join here")
        if where.me not in ch.members:
            self.driver.join(where.me, ch.id)

    # --- typing ----------------------------------------------------------------------------------
    def _conversation(self, where: Where) -> str:
        if where.place == "app":
            return self.state.im_for(where.me).id
        if where.place not in self.state.channels:
            raise Refused("no such channel")
        return where.place

    def op_send(self, where: Where, body: dict[str, Any]) -> str | None:
        text = str(body.get("text") or "").strip()
        if not text:
            return None
        if len(text) > MAX_TEXT:
            raise Refused("That message is too long: Slack takes at most 40,000 characters.")
        channel = self._conversation(where)
        thread = str(body.get("thread") or "") or None
        if text.startswith("/"):
            name, _, rest = text.partition(" ")
            command = compose.command_named(name)
            if command is None:
                note_ts = self.state.next_ts()
                self.memory.notes.setdefault((where.me, channel), []).append((note_ts, compose.not_a_command(name)))
                return None
            self.driver.command(where.me, command.command,
                                compose.command_text(self.state, rest.strip(), escape=command.should_escape),
                                channel=channel)
            return None
        if where.place == "app":
            raise Refused("Sending messages to this app has been turned off. Type / for its commands.")
        ch = self.state.channels[channel]
        if where.me not in ch.members:
            raise Refused(f"Join #{ch.name} to post in it.")
        self.driver.post_message(where.me, channel, compose.message_text(self.state, text), thread_ts=thread)
        return None

    # --- messages --------------------------------------------------------------------------------
    def _message(self, where: Where, body: dict[str, Any]) -> Message:
        channel = str(body.get("channel") or "") or self._conversation(where)
        msg = self.state.find_message(channel, str(body.get("ts") or ""))
        if msg is None:
            raise Refused("That message is gone.")
        return msg

    def op_react(self, where: Where, body: dict[str, Any]) -> None:
        msg = self._message(where, body)
        name = str(body.get("name") or "").strip(":")
        if not name:
            raise Refused("which emoji?")
        with self.state.lock:
            mine = where.me in msg.reactions.get(name, [])
        if mine:
            self.driver.unreact(where.me, msg, name)
        else:
            self.driver.react(where.me, msg, name)

    def op_shortcut(self, where: Where, body: dict[str, Any]) -> None:
        msg = self._message(where, body)
        callback = str(body.get("callback_id") or "")
        if callback not in {s.callback_id for s in compose.message_shortcuts()}:
            raise Refused("Truce has no such shortcut.")
        self.driver.shortcut(where.me, callback, msg)

    def op_dismiss(self, where: Where, body: dict[str, Any]) -> None:
        self.memory.dismissed.setdefault(where.me, set()).add(str(body.get("ts") or ""))

    def op_act(self, where: Where, body: dict[str, Any]) -> None:
        kind = str(body.get("surface") or "")
        if kind == "message":
            surface = Surface("message", message=self._message(where, body))
        elif kind == "ephemeral":
            ts = str(body.get("ts") or "")
            note = next((e for e in self.state.ephemerals_for(where.me) if e.ts == ts), None)
            if note is None:
                raise Refused("That message is gone.")
            surface = Surface("ephemeral", ephemeral=note)
        elif kind == "home":
            surface = Surface("home")
        elif kind == "view":
            view_id = str(body.get("view") or "")
            if view_id not in {v.id for v in self.state.open_views(where.me)}:
                raise Refused("That form is closed.")
            surface = Surface("view", view_id=view_id)
        else:
            raise Refused("unknown surface")
        values = {str(k): _value(v) for k, v in (body.get("values") or {}).items()}
        try:
            self.driver.act(where.me, surface, block_id=body.get("block") or None, action_id=str(body.get("action")),
                            value=(body.get("value") or None) if body.get("type") == "button" else None,
                            selected=_value(body.get("selected")), values=values)
        except AssertionError as exc:
            raise Refused(str(exc)) from None

    # --- modals ----------------------------------------------------------------------------------
    def _view(self, where: Where, body: dict[str, Any]) -> View:
        view_id = str(body.get("view") or "")
        view = next((v for v in self.state.open_views(where.me) if v.id == view_id), None)
        if view is None:
            raise Refused("That form is closed.")
        return view

    def op_submit(self, where: Where, body: dict[str, Any]) -> str | None:
        view = self._view(where, body)
        values = {str(k): _value(v) for k, v in (body.get("values") or {}).items()}
        response = self.driver.submit(where.me, view.id, values)
        answer = response.json() if response.content and response.headers.get(
            "content-type", "").startswith("application/json") else {}
        if answer.get("response_action") == "errors":
            self.memory.errors[view.id] = {str(k): str(v) for k, v in (answer.get("errors") or {}).items()}
            return None
        self.memory.errors.pop(view.id, None)
        if response.status_code != 200:
            return "Truce did not answer that form (it says so in its log)."
        return None

    def op_close(self, where: Where, body: dict[str, Any]) -> None:
        view = self._view(where, body)
        self.memory.errors.pop(view.id, None)
        self.driver.close(where.me, view.id, clear=bool(body.get("clear")))

    # --- the clock -------------------------------------------------------------------------------
    def op_clock_next(self, where: Where, body: dict[str, Any]) -> str:
        step = sandbox_clock.next_thing(self.stack)
        if step is None:
            return "Nothing is scheduled."
        return f"⏩ {sandbox_clock.when(step.at)} — " + "; ".join(t.label for t in step.things)

    def op_clock_by(self, where: Where, body: dict[str, Any]) -> str:
        try:
            delta = sandbox_clock.parse_duration(str(body.get("by") or ""))
        except ValueError as exc:
            raise Refused(str(exc)) from None
        steps = sandbox_clock.advance_by(self.stack, delta)
        done = sum(len(s.things) for s in steps)
        ran = f", {done} scheduled thing{'s' if done != 1 else ''} on the way" if done else ""
        return f"⏩ It is now {sandbox_clock.when(sandbox_clock.now())}{ran}."
