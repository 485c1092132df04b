"""Slack-formatted text (what slash commands and messages carry) as the plain text a person typed.

Slack sends `<@U123|sam>`, `<#C123|sales>`, `<!channel>`, `<https://x|label>` and `&amp;` `&lt;`
`&gt;`. Truce stores what the person meant ("@sam", "#sales", "@channel", "label (https://x)",
"&") and escapes it again (bot.blocks.common.esc) whenever it shows it, so a stored text can never
ping @channel or anyone else through the bot.
"""

from __future__ import annotations

import re

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
