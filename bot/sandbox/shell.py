"""`python -m bot sandbox`: try Truce in a terminal, in a local Slack workspace.

You pick who you are, type slash commands, click buttons, add reactions, fill modals, open the
Home tab and fast-forward the clock; the shell shows what each channel now looks like.
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot import clock
from bot.config import Settings
from bot.sandbox import render
from bot.sandbox.seed import JOINT, PEOPLE, SAM
from bot.sandbox.stack import SandboxStack

BANNER = """\
Truce sandbox — a local Slack workspace (#sales, #marketing, #sales-marketing, #customer-alerts)
with Truce installed. Nothing here reaches the real Slack. Type `help` for the sandbox commands."""

HELP = """\
Sandbox commands (anything starting with / is a slash command, sent as Slack would):
  /truce help              any slash command, as you, in the current channel
  as <name>                become someone else:  {people}
  go #channel              switch channel (shown in the prompt)
  say <text>               post a plain message in the current channel
  show [#channel]          the channel's latest messages, numbered; `show dm` for your DMs
  thread <n>               the replies in message n's thread
  click <n> <button>       click a button on message n (its label or action id); e.g. click 1 Useful
  choose <n> <option>      pick an option in message n's ⋯ menu; e.g. choose 1 Retract
  react <n> :emoji:        add a reaction to message n; e.g. react 2 :bulb:
  shortcut <n> <name>      run a message shortcut on message n (its callback id)
  modal                    show the modal open for you
  fill <field> <value>     type into the open modal (field = the action id shown by `modal`)
  submit | cancel          submit or close the modal
  home                     open your App Home tab
  ff <duration>            fast-forward the clock (e.g. ff 2h, ff 7d) and run what became due
  notes                    the ephemeral notes only you saw
  who                      the people in this workspace
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
            command, _, text = line.partition(" ")
            self.stack.driver.command(self.me, command, text.strip(), channel=self.channel)
            self._new_notes()
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

    def do_help(self, rest: str) -> None:
        self.say(HELP.format(people=", ".join(p.name for p in PEOPLE)))

    def do_quit(self, rest: str) -> bool:
        return False

    do_exit = do_quit

    def do_who(self, rest: str) -> None:
        for p in PEOPLE:
            self.say(f"  {p.name:<6} {p.real_name:<16} {p.role}")

    def do_as(self, rest: str) -> None:
        person = next((p for p in PEOPLE if p.name == rest.lower().lstrip("@")), None)
        if person is None:
            raise ValueError(f"no one called {rest!r}; try: " + ", ".join(p.name for p in PEOPLE))
        self.me = person.id
        self.notes_seen = len(self.state.ephemerals_for(self.me))
        self.say(f"  You are now {person.real_name} ({person.role}).")

    def do_go(self, rest: str) -> None:
        ch = self.state.channel_by_name(rest)
        if ch is None:
            raise ValueError(f"no channel {rest!r}; try #sales, #marketing, #sales-marketing, #customer-alerts")
        self.channel = ch.id

    def do_say(self, rest: str) -> None:
        self.stack.driver.say(self.me, self.channel, rest)
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

    def _msg(self, number: str):
        if not self.shown:
            raise ValueError("`show` a channel first, then refer to its messages by number")
        return self.shown[int(number) - 1]

    def do_thread(self, rest: str) -> None:
        msg = self._msg(rest)
        for reply in self.state.replies(msg.channel, msg.ts):
            for line in render.message(reply, self.state):
                self.say("    " + line)

    def _element(self, msg, label: str, kinds: tuple[str, ...]):
        for block in msg.blocks:
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            if block.get("accessory"):
                elements.append(block["accessory"])
            for el in elements:
                if el.get("type") not in kinds:
                    continue
                if el.get("type") == "overflow":
                    for opt in el.get("options", []):
                        if _label_matches(label, opt["text"]["text"]) or label.lower() == opt["value"].lower():
                            return el, opt["value"]
                    continue
                if _label_matches(label, el.get("text", {}).get("text", "")) or label.lower() == el.get(
                        "action_id", "").lower():
                    return el, el.get("value")
        raise ValueError(f"no {' or '.join(kinds)} called {label!r} on that message")

    def do_click(self, rest: str) -> None:
        number, _, label = rest.partition(" ")
        msg = self._msg(number)
        el, value = self._element(msg, label.strip(), ("button",))
        self.stack.driver.click(self.me, msg, el["action_id"], value=value)
        self._after_action()

    def do_choose(self, rest: str) -> None:
        number, _, label = rest.partition(" ")
        msg = self._msg(number)
        el, value = self._element(msg, label.strip(), ("overflow",))
        self.stack.driver.click(self.me, msg, el["action_id"], selected=value)
        self._after_action()

    def do_react(self, rest: str) -> None:
        number, _, emoji = rest.partition(" ")
        self.stack.driver.react(self.me, self._msg(number), emoji.strip().strip(":"))
        self._after_action()

    def do_shortcut(self, rest: str) -> None:
        number, _, callback = rest.partition(" ")
        self.stack.driver.shortcut(self.me, self._msg(number), callback.strip())
        self._after_action()

    def _after_action(self) -> None:
        self._new_notes()
        if self.shown:
            ch = self.shown[-1].channel
            self.shown = self.state.messages(ch)[-10:]
            self.say("  ✔ done — `show` to see the channel now")

    def _view(self):
        views = self.state.open_views(self.me)
        if not views:
            raise ValueError("no modal is open for you")
        return views[-1]

    def do_modal(self, rest: str) -> None:
        view = self._view()
        self.say(f"  ┌ {view.view.get('title', {}).get('text')}")
        for line in render.blocks(view.view.get("blocks", []), self.state, indent="  │ "):
            self.say(line)
        if self.form:
            self.say("  │ filled so far: " + ", ".join(f"{k}={v!r}" for k, v in self.form.items()))
        self.say("  └ `fill <field> <value>` then `submit` (or `cancel`)")

    def do_fill(self, rest: str) -> None:
        field, _, value = rest.partition(" ")
        view = self._view()
        value = value.strip()
        multi = any(b.get("element", {}).get("action_id") == field and b["element"]["type"].startswith("multi_")
                    for b in view.view.get("blocks", []) if b.get("type") == "input")
        if multi:
            self.form[field] = [self._user_id(v.strip()) for v in value.split(",") if v.strip()]
        else:
            self.form[field] = self._user_id(value)

    def _user_id(self, value: str) -> str:
        person = next((p for p in PEOPLE if p.name == value.lstrip("@").lower()), None)
        if person is not None and value.startswith("@"):
            return person.id
        ch = self.state.channel_by_name(value) if value.startswith("#") else None
        return ch.id if ch else value

    def do_submit(self, rest: str) -> None:
        view = self._view()
        response = self.stack.driver.submit(self.me, view.id, dict(self.form))
        body = response.json() if response.content else {}
        if body.get("response_action") == "errors":
            for field, message in body["errors"].items():
                self.say(f"  ✖ {field}: {message}")
            return
        self.form = {}
        self._new_notes()
        self.say("  ✔ submitted")

    def do_cancel(self, rest: str) -> None:
        self.stack.driver.close(self.me, self._view().id)
        self.form = {}

    def do_home(self, rest: str) -> None:
        self.stack.driver.open_home(self.me)
        view = self.state.home.get(self.me)
        for line in render.blocks(view.get("blocks", []) if view else [], self.state):
            self.say(line)

    def do_notes(self, rest: str) -> None:
        for note in self.state.ephemerals_for(self.me)[-5:]:
            self.say("  • " + render.mrkdwn(note.text, self.state).replace("\n", "\n    "))

    def do_ff(self, rest: str) -> None:
        delta = parse_duration(rest)
        new_now = clock.advance(delta)
        ran = run_jobs_now(self.stack)
        self.say(f"  ⏩ it is now {new_now:%a %Y-%m-%d %H:%M} UTC; ran {ran} scheduled job(s)")


def _label_matches(typed: str, label: str) -> bool:
    """`Useful` finds the button ":+1: Useful"; `retract` the option "Retract this share"."""
    words = re.sub(r":[a-z0-9_+\-]+:", "", label).strip().lower()
    typed = typed.strip().lower()
    return bool(typed) and (typed == words or words.startswith(typed) or typed in words.split())


def parse_duration(text: str) -> timedelta:
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise ValueError("say how far, e.g. `ff 30m`, `ff 2h`, `ff 7d` or `ff 2w`")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def run_jobs_now(stack: SandboxStack) -> int:
    """Run every scheduled job once, now (after a fast-forward): they pick what became due."""
    from jobs.scheduler import build_scheduler

    jobs = build_scheduler(stack.rt).get_jobs()
    for job in jobs:
        job.func(*job.args, **job.kwargs)
    stack.settle()
    return len(jobs)


def run_shell(settings: Settings, *, script: str | None = None, out: TextIO | None = None,
              inp: TextIO | None = None) -> None:
    out = out or sys.stdout
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    tmp = tempfile.TemporaryDirectory(prefix="truce-sandbox-")
    db_url = settings.database_url
    if db_url == "sqlite:///truce.db":  # the default: a fresh database, so nothing stale is shown
        db_url = f"sqlite:///{Path(tmp.name) / 'sandbox.db'}"
    from bot import migrate
    from bot.db import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine)
    stack = SandboxStack(engine=engine, name="sandbox")
    scheduler = None
    if settings.run_scheduler and script is None:
        from jobs.scheduler import build_scheduler

        scheduler = build_scheduler(stack.rt)
        scheduler.start()
    shell = Shell(stack, out)
    try:
        print(BANNER, file=out)
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
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        stack.stop()
        engine.dispose()
        clock.reset()
        tmp.cleanup()
