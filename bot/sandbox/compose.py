"""What Slack's own client does with what a person types, before any of it reaches an app.

- Slash commands come from the app's manifest (`manifest.json`): a command the app does not have is
  never sent; Slack answers it itself ("… is not a valid command").
- A command with `should_escape: true` gets `&`, `<` and `>` escaped, `@name` as `<@U…|name>`,
  `#channel` as `<#C…|name>` and links as `<https://…>`; a message gets `<@U…>` and `<#C…>`.
- The manifest's message shortcuts are what each message's "More actions" menu offers.

The terminal shell and the web page both type through here, so they say the same to Truce.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.sandbox.state import WorkspaceState

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"
_MENTION = re.compile(r"(?<![\w<@])@([a-z0-9][a-z0-9._-]*)", re.I)
_CHANNEL = re.compile(r"(?<![\w<#&])#([a-z0-9][a-z0-9_-]*)", re.I)
_LINK = re.compile(r"(?<![<|\w])(https?://[^\s<>]+)")


@dataclass(frozen=True)
class SlashCommand:
    command: str
    description: str
    usage_hint: str
    should_escape: bool


@dataclass(frozen=True)
class Shortcut:
    name: str
    callback_id: str
    description: str


@cache
def _manifest() -> dict:
    try:
        return json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return {}


def commands() -> list[SlashCommand]:
    """The app's slash commands, as its manifest declares them."""
    return [SlashCommand(c["command"], c.get("description", ""), c.get("usage_hint", ""),
                         bool(c.get("should_escape", False)))
            for c in _manifest().get("features", {}).get("slash_commands", [])]


def message_shortcuts() -> list[Shortcut]:
    return [Shortcut(s["name"], s["callback_id"], s.get("description", ""))
            for s in _manifest().get("features", {}).get("shortcuts", []) if s.get("type") == "message"]


def command_named(name: str) -> SlashCommand | None:
    return next((c for c in commands() if c.command == name.lower()), None)


def not_a_command(name: str) -> str:
    """What Slack itself answers when someone types a command no installed app has."""
    return (f"`{name}` is not a valid command. In Slack, all messages that start with the \"/\" character "
            "are interpreted as commands. If you are trying to send a message that starts with a \"/\", "
            "try adding a space before the slash.")


def _people(state: WorkspaceState) -> dict[str, str]:
    with state.lock:
        return {u.name.lower(): u.id for u in state.users.values() if not u.is_bot}


def _channels(state: WorkspaceState) -> dict[str, str]:
    with state.lock:
        return {c.name.lower(): c.id for c in state.channels.values() if not c.is_im}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def command_text(state: WorkspaceState, text: str, *, escape: bool = True) -> str:
    """A slash command's `text` as Slack sends it (`should_escape`: names and links as tokens)."""
    if not escape:
        return text
    people, channels = _people(state), _channels(state)
    text = _slack_escape(text)
    text = _LINK.sub(lambda m: f"<{m.group(1)}>", text)
    text = _MENTION.sub(lambda m: f"<@{people[m.group(1).lower()]}|{m.group(1).lower()}>"
                        if m.group(1).lower() in people else m.group(0), text)
    return _CHANNEL.sub(lambda m: f"<#{channels[m.group(1).lower()]}|{m.group(1).lower()}>"
                        if m.group(1).lower() in channels else m.group(0), text)


def message_text(state: WorkspaceState, text: str) -> str:
    """A message's text as Slack stores it: escaped, with `<@U…>` and `<#C…>` for names."""
    people, channels = _people(state), _channels(state)
    text = _slack_escape(text)
    text = _MENTION.sub(lambda m: f"<@{people[m.group(1).lower()]}>" if m.group(1).lower() in people
                        else m.group(0), text)
    return _CHANNEL.sub(lambda m: f"<#{channels[m.group(1).lower()]}|{m.group(1).lower()}>"
                        if m.group(1).lower() in channels else m.group(0), text)


def person(state: WorkspaceState, typed: str) -> str | None:
    """A person's ID from what someone typed: `sam`, `@sam`, `<@USAM001>` or `USAM001`."""
    typed = typed.strip()
    token = re.fullmatch(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", typed)
    if token:
        typed = token.group(1)
    with state.lock:
        if typed in state.users:
            return typed
    return _people(state).get(typed.lstrip("@").lower())
