"""Slack-formatted text (what slash commands and messages carry) as the plain text a person typed.

Slack sends `<@U123|sam>`, `<#C123|sales>`, `<!channel>`, `<https://x|label>` and `&amp;` `&lt;`
`&gt;`. Truce stores what the person meant ("@sam", "#sales", "@channel", "label (https://x)",
"&") and escapes it again (`esc`) whenever it shows it, so a stored text can never ping @channel or
anyone else through the bot. `echo` (and `echo_command` for a slash command) is the one way Truce shows
a person what they typed; `quoted` quotes a part of it inline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"<([^<>]*)>")


def _token(match: re.Match) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!date^"):
        return label or ""
    if target.startswith("!"):
        return "@" + (label or target[1:]).lstrip("@")
    if label and label != target:
        return f"{label} ({target})"
    return target


def plain(text: str | None) -> str:
    """What a person typed, from Slack's formatted text."""
    if not text:
        return ""
    text = _TOKEN.sub(_token, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn so it can never ping @channel/@here/@everyone or a group."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def typed(command: str, text: str | None) -> str:
    """A slash command as the person typed it ("/joint agenda @sam & co"), not yet escaped."""
    return f"{command} {plain(text)}".strip()


def echo(typed_text: str, intro: str = "Here is what you typed, so nothing is lost:") -> str:
    """What the person typed, shown back in a code block, escaped: an echo never pings anyone."""
    return f"{intro}\n```{esc(typed_text)}```"


def echo_command(command: Mapping[str, Any], intro: str = "Here is what you typed, so nothing is lost:") -> str:
    """`echo` of a slash command's payload ("/joint agenda @sam & co") as the person typed it."""
    return echo(typed(command.get("command") or "", command.get("text")), intro)


def quoted(typed_text: str) -> str:
    """A part of what the person typed, quoted inline in a message (`like this`), escaped: for a UserError
    that names the word or link it could not use."""
    return f"`{esc(typed_text)}`"
