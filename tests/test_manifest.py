"""The app manifest describes what is actually there: commands, shortcuts, events and scopes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.oauth import BOT_SCOPES
from bot.setup.blocks_help import HELP

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "manifest.json").read_text())


def _source() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "handlers").rglob("*.py"))


def test_every_command_is_declared_and_documented():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == set(HELP)
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["url"].endswith("/slack/events") and command["should_escape"] is True


def test_every_event_listened_to_is_subscribed():
    listened = set(re.findall(r'app\.event\("([a-z_]+)"\)', _source()))
    # Slack subscribes to message events per conversation type (message.channels, message.groups…);
    # they all arrive as `message`.
    subscribed = {e.split(".")[0] for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]}
    assert subscribed == listened


def test_every_message_shortcut_is_declared():
    from bot import ids

    declared = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    used = set(re.findall(r"app\.shortcut\(([A-Za-z_.]+)\)", _source()))
    resolved = set()
    for name in used:  # e.g. IntelIds.SHORTCUT: an enum member in bot/ids.py
        enum_name, _, member = name.rpartition(".")
        resolved.add(str(getattr(getattr(ids, enum_name), member)))
    assert declared == resolved


def test_scopes_match_what_the_oauth_install_asks_for():
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
