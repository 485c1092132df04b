"""`python -m bot sandbox --terminal` (and `--script FILE`): try Truce in a terminal, in a local Slack
workspace — for scripts and demos; `make run` serves the same workspace as a web page.

You pick who you are, type slash commands, click buttons, add reactions, fill modals, open the
Home tab and move the clock; the shell shows what each channel now looks like.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.sandbox import clock as sandbox_clock
from bot.sandbox import compose, forms, render
from bot.sandbox.driver_views import Surface, elements_of
from bot.sandbox.seed import JOINT, PEOPLE, SAM
from bot.sandbox.session import logs_to_file, open_sandbox
from bot.sandbox.stack import SandboxStack
from bot.sandbox.state import Message, View

BANNER = """\
Truce sandbox — a local Slack workspace (#sales, #marketing, #sales-marketing, #customer-alerts)
with Truce installed. Nothing here reaches the real Slack. Type `help` for the sandbox commands."""

HELP = """\
Sandbox commands (anything starting with / is a slash command, sent as Slack would):
  /truce help              any slash command, as you, in the current channel (@name and #channel work)
  as <name>                become someone else:  {people}
  go #channel              switch channel (shown in the prompt)
  say <text>               post a plain message in the current channel
  show [#channel]          the channel's latest messages, numbered; `show dm` for your DMs
  thread <n>               the replies in message n's thread
  click <n> <button>       click a button on message n (its label or action id); e.g. click 1 Useful
  choose <n> <option>      pick an option in message n's ⋯ menu or select; e.g. choose 1 Retract
  react <n> :emoji:        add a reaction to message n; e.g. react 2 :bulb:
  shortcut <n> <name>      run a message shortcut on message n: {shortcuts}
  modal                    show the modal open for you: each field, what it takes, its options
  fill <field> <value>     type into the open modal (people as @sam, dates as 2026-12-01 or tomorrow)
  submit | cancel          submit or close the modal
  home                     open your App Home tab
  coming                   what is scheduled next (digests, SLA reminders, the joint meeting)
  ff [duration]            move the clock to the next scheduled thing, or by a duration (ff 2h, ff 7d),
                           running every job at every due moment on the way
  notes                    the ephemeral notes only you saw
  who                      the people in this workspace, with their IDs
  quit"""


class Shell:
    def __init__(self, stack: SandboxStack, out: TextIO):
        self.stack, self.out = stack, out
        self.state = stack.state
        self.me = SAM
        self.channel = JOINT
        self.shown: list = []
        self.form: dict[str, object] = {}
        self.notes_seen = 0

    # --- output ---------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def name_of(self, user_id: str) -> str:
        user = self.state.users.get(user_id)
        return user.name if user else user_id

    def prompt(self) -> str:
        ch = self.state.channels.get(self.channel)
        return f"{self.name_of(self.me)} in #{ch.name if ch else self.channel}> "

    def _note(self, text: str) -> None:
        self.say("  (only visible to you)")
        for line in render.mrkdwn(text, self.state).splitlines():
            self.say("  " + line)

    def _new_notes(self) -> None:
        notes = self.state.ephemerals_for(self.me)
        for note in notes[self.notes_seen:]:
            self.say("  (only visible to you)")
            lines = render.blocks(note.blocks, self.state) if note.blocks else \
                ["  " + line for line in render.mrkdwn(note.text, self.state).splitlines()]
            for line in lines:
                self.say(line)
        self.notes_seen = len(notes)
        views = self.state.open_views(self.me)
        if views:
            self.say(f"  (a modal is open: {views[-1].view.get('title', {}).get('text')} — type `modal`)")

    # --- commands -------------------------------------------------------------------------
    def _counts(self) -> dict[str, int]:
        with self.state.lock:
            return {c.id: len(c.messages) for c in self.state.channels.values()}

    def _announce(self, before: dict[str, int]) -> None:
        for channel_id, count in self._counts().items():
            new = count - before.get(channel_id, 0)
            ch = self.state.channels[channel_id]
            if new > 0 and (not ch.is_im or ch.im_user == self.me):
                where = "your DMs (`show dm`)" if ch.is_im else f"#{ch.name} (`show #{ch.name}`)"
                self.say(f"  📬 {new} new message{'s' if new > 1 else ''} in {where}")

    def run(self, line: str) -> bool:
        before = self._counts()
        try:
            return self._run(line)
        finally:
            self._announce(before)

    def _run(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#!"):
            return True
        if line.startswith("/"):
            self.command(line)
            return True
        word, _, rest = line.partition(" ")
        handler = getattr(self, f"do_{word.lower()}", None)
        if handler is None:
            self.say(f"I don't know `{word}`. Type `help` for the sandbox commands.")
            return True
        try:
            return handler(rest.strip()) is not False
        except (ValueError, IndexError, KeyError, AssertionError) as exc:
            self.say(f"  That didn't work: {exc}")
            return True

    def command(self, line: str) -> None:
        name, _, text = line.partition(" ")
        command = compose.command_named(name)
        if command is None:
            self._note(compose.not_a_command(name))
            return
        self.stack.driver.command(self.me, command.command,
                                  compose.command_text(self.state, text.strip(), escape=command.should_escape),
                                  channel=self.channel)
        self._new_notes()

    def do_help(self, rest: str) -> None:
        self.say(HELP.format(people=", ".join(p.name for p in PEOPLE),
                             shortcuts=", ".join(s.callback_id for s in compose.message_shortcuts())))

    def do_quit(self, rest: str) -> bool:
        return False

    do_exit = do_quit

    def do_who(self, rest: str) -> None:
        for p in PEOPLE:
            self.say(f"  @{p.name:<6} {p.id:<8} {p.real_name:<16} {p.role}")
        self.say("  (type @name in commands and forms: Slack sends the person's ID, like <@USAM001>)")

    def do_as(self, rest: str) -> None:
        person = next((p for p in PEOPLE if p.name == rest.lower().lstrip("@")), None)
        if person is None:
            raise ValueError(f"no one called {rest!r}; try: " + ", ".join(p.name for p in PEOPLE))
        self.me = person.id
        self.form = {}
        self.notes_seen = len(self.state.ephemerals_for(self.me))
        self.say(f"  You are now {person.real_name} ({person.role}).")

    def do_go(self, rest: str) -> None:
        ch = self.state.channel_by_name(rest)
        if ch is None:
            raise ValueError(f"no channel {rest!r}; try #sales, #marketing, #sales-marketing, #customer-alerts")
        self.channel = ch.id

    def do_say(self, rest: str) -> None:
        self.stack.driver.say(self.me, self.channel, compose.message_text(self.state, rest))
        self.do_show("")

    def do_show(self, rest: str) -> None:
        if rest == "dm":
            msgs = self.state.dms(self.me)
        else:
            ch = self.state.channel_by_name(rest) if rest else self.state.channels[self.channel]
            if ch is None:
                raise ValueError(f"no channel {rest!r}")
            msgs = self.state.messages(ch.id)
        self.shown = msgs[-10:]
        if not self.shown:
            self.say("  (no messages yet)")
        for i, msg in enumerate(self.shown, 1):
            for line in render.message(msg, self.state, i):
                self.say(line)
            replies = self.state.replies(msg.channel, msg.ts)
            if replies:
                self.say(f"  💬 {len(replies)} repl{'y' if len(replies) == 1 else 'ies'} — `thread {i}`")

    def _msg(self, number: str) -> Message:
        if not self.shown:
            raise ValueError("`show` a channel first, then refer to its messages by number")
        if not number.strip().isdigit() or not 1 <= int(number) <= len(self.shown):
            raise ValueError(f"there is no message {number.strip() or '?'} here: `show` numbered them "
                             f"1 to {len(self.shown)}")
        return self.shown[int(number) - 1]

    def do_thread(self, rest: str) -> None:
        msg = self._msg(rest)
        replies = self.state.replies(msg.channel, msg.ts)
        if not replies:
            self.say("  (no replies in that thread yet)")
        for reply in replies:
            for line in render.message(reply, self.state):
                self.say("    " + line)

    def _element(self, msg: Message, label: str,
                 kinds: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
        for block in msg.blocks:
            for el in elements_of(block):
                if el.get("type") not in kinds:
                    continue
                if el.get("options"):
                    for opt in el.get("options", []):
                        if _label_matches(label, opt["text"]["text"]) or label.lower() == opt["value"].lower():
                            return block, el, opt["value"]
                    continue
                if _label_matches(label, el.get("text", {}).get("text", "")) or label.lower() == el.get(
                        "action_id", "").lower():
                    return block, el, el.get("value")
        raise ValueError(f"no {' or '.join(kinds)} called {label!r} on that message")

    def do_click(self, rest: str) -> None:
        number, _, label = rest.partition(" ")
        msg = self._msg(number)
        block, el, value = self._element(msg, label.strip(), ("button",))
        self.stack.driver.act(self.me, Surface("message", message=msg), block_id=block.get("block_id"),
                              action_id=el["action_id"], value=value)
        self._after_action()

    def do_choose(self, rest: str) -> None:
        number, _, label = rest.partition(" ")
        msg = self._msg(number)
        block, el, value = self._element(msg, label.strip(), ("overflow", "static_select", "radio_buttons"))
        self.stack.driver.act(self.me, Surface("message", message=msg), block_id=block.get("block_id"),
                              action_id=el["action_id"], selected=value)
        self._after_action()

    def do_react(self, rest: str) -> None:
        number, _, emoji = rest.partition(" ")
        if not emoji.strip():
            raise ValueError("say which emoji, e.g. `react 1 :bulb:`")
        self.stack.driver.react(self.me, self._msg(number), emoji.strip().strip(":"))
        self._after_action()

    def do_shortcut(self, rest: str) -> None:
        number, _, name = rest.partition(" ")
        msg = self._msg(number)
        wanted = name.strip().lower()
        shortcut = next((s for s in compose.message_shortcuts()
                         if wanted in (s.callback_id.lower(), s.name.lower())), None)
        if shortcut is None:
            raise ValueError(f"no message shortcut {name.strip()!r}; Truce has: "
                             + ", ".join(s.callback_id for s in compose.message_shortcuts()))
        self.stack.driver.shortcut(self.me, shortcut.callback_id, msg)
        self._after_action()

    def _after_action(self) -> None:
        self._new_notes()
        if self.shown:
            ch = self.shown[-1].channel
            self.shown = self.state.messages(ch)[-10:]
            self.say("  ✔ done — `show` to see the channel now")

    def _view(self) -> View:
        views = self.state.open_views(self.me)
        if not views:
            raise ValueError("no modal is open for you")
        return views[-1]

    def do_modal(self, rest: str) -> None:
        view = self._view()
        self.say(f"  ┌ {view.view.get('title', {}).get('text')}")
        for block in view.view.get("blocks", []):
            if block.get("type") != "input":
                for line in render.blocks([block], self.state, indent="  │ "):
                    self.say(line)
        for f in forms.fields(view.view):
            optional = " (optional)" if f.optional else ""
            self.say(f"  │ ▸ {f.label}{optional} — fill {f.name} <value>")
            self.say(f"  │     {forms.describe(f, self.state)}")
            if f.hint:
                self.say(f"  │     {f.hint}")
            if f.key in self.form:
                self.say(f"  │     filled: {self.form[f.key]!r}")
        self.say(f"  └ `fill <field> <value>` then `submit` ({_text(view.view.get('submit')) or 'Submit'}) "
                 f"or `cancel`")

    def do_fill(self, rest: str) -> None:
        name, _, value = rest.partition(" ")
        field = forms.find(self._view().view, name)
        self.form[field.key] = forms.parse(field, value.strip(), self.state)

    def do_submit(self, rest: str) -> None:
        view = self._view()
        response = self.stack.driver.submit(self.me, view.id, dict(self.form))
        body = response.json() if response.content and response.headers.get(
            "content-type", "").startswith("application/json") else {}
        if body.get("response_action") == "errors":
            names = {f.block_id: f.name for f in forms.fields(view.view)}
            for block_id, message in body["errors"].items():
                self.say(f"  ✖ {names.get(block_id, block_id)}: {message}")
            return
        self.form = {}
        self._new_notes()
        self.say("  ✔ submitted")

    def do_cancel(self, rest: str) -> None:
        self.stack.driver.close(self.me, self._view().id, clear=True)
        self.form = {}
        self.say("  ✔ closed")

    def do_home(self, rest: str) -> None:
        self.stack.driver.open_home(self.me)
        view = self.state.home.get(self.me)
        for line in render.blocks(view.get("blocks", []) if view else [], self.state):
            self.say(line)

    def do_notes(self, rest: str) -> None:
        for note in self.state.ephemerals_for(self.me)[-5:]:
            self.say("  • " + render.mrkdwn(note.text, self.state).replace("\n", "\n    "))

    def do_coming(self, rest: str) -> None:
        upcoming = sandbox_clock.coming(self.stack)
        self.say(f"  🕘 it is {sandbox_clock.when(sandbox_clock.now())}")
        if not upcoming:
            self.say("  nothing is scheduled")
        for thing in upcoming[:8]:
            self.say(f"  {sandbox_clock.when(thing.at):<28} {thing.label}")

    def do_ff(self, rest: str) -> None:
        if rest.strip():
            steps = sandbox_clock.advance_by(self.stack, parse_duration(rest))
        else:
            step = sandbox_clock.next_thing(self.stack)
            if step is None:
                self.say("  nothing is scheduled")
                return
            steps = [step]
        for step in steps:
            self.say(f"  ⏩ {sandbox_clock.when(step.at)}: " + "; ".join(t.label for t in step.things))
        self.say(f"  🕘 it is now {sandbox_clock.when(sandbox_clock.now())}")


def _text(obj: object) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _label_matches(typed: str, label: str) -> bool:
    """`Useful` finds the button ":+1: Useful"; `retract` the option "Retract this share"."""
    words = re.sub(r":[a-z0-9_+\-]+:", "", label).strip().lower()
    typed = typed.strip().lower()
    return bool(typed) and (typed == words or words.startswith(typed) or typed in words.split())


def parse_duration(text: str) -> timedelta:
    try:
        return sandbox_clock.parse_duration(text)
    except ValueError:
        raise ValueError("say how far, e.g. `ff 30m`, `ff 2h`, `ff 7d` or `ff 2w` (or `ff` alone: "
                         "to the next scheduled thing)") from None


def run_shell(settings: Settings, *, script: str | None = None, out: TextIO | None = None,
              inp: TextIO | None = None) -> None:
    out = out or sys.stdout
    with logs_to_file() as log, open_sandbox(settings, scheduler=script is None) as stack:
        shell = Shell(stack, out)
        print(BANNER, file=out)
        if script is None:
            print(f"(Truce's own log: {log})", file=out)
        lines = Path(script).read_text().splitlines() if script else None
        source = inp or sys.stdin
        while True:
            if lines is not None:
                if not lines:
                    break
                line = lines.pop(0)
                print(shell.prompt() + line, file=out)
            else:
                print(shell.prompt(), end="", file=out, flush=True)
                line = source.readline()
                if not line:
                    break
            if not shell.run(line):
                break
