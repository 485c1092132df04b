"""Block Kit and mrkdwn rendered as plain terminal text, for the sandbox shell."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from bot.sandbox import slackdates
from bot.sandbox.state import Message, WorkspaceState

_LINK = re.compile(r"<([^>|]+)(?:\|([^>]*))?>")


def mrkdwn(text: str, state: WorkspaceState) -> str:
    def link(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            user = state.users.get(target[1:])
            return "@" + (label or (user.name if user else target[1:]))
        if target.startswith("#"):
            ch = state.channels.get(target[1:])
            return "#" + (label or (ch.name if ch else target[1:]))
        if target.startswith("!date^"):
            return slackdates.render(match.group(0)[1:-1])
        if target.startswith("!"):
            return "@" + target[1:].split("^")[0]
        return f"{label} ({target})" if label and label != target else target

    text = _LINK.sub(link, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, state: WorkspaceState) -> str:
    if not isinstance(obj, dict):
        return ""
    return mrkdwn(obj.get("text", ""), state) if obj.get("type") == "mrkdwn" else obj.get("text", "")


def _element(el: dict[str, Any], state: WorkspaceState) -> str:
    kind = el.get("type")
    if kind == "button":
        return f"[{_text(el.get('text'), state)}]"
    if kind == "overflow":
        return "[⋯ " + " | ".join(_text(o.get("text"), state) for o in el.get("options", [])) + "]"
    if kind in ("static_select", "radio_buttons", "checkboxes"):
        options = " | ".join(_text(o.get("text"), state) for o in el.get("options", []))
        return f"[{kind.replace('_', ' ')}: {options}]"
    if kind in ("users_select", "multi_users_select", "conversations_select", "datepicker", "timepicker"):
        return f"[{kind.replace('_', ' ')}: {el.get('action_id')}]"
    return f"[{kind}]"


def blocks(blocks_: list[dict[str, Any]], state: WorkspaceState, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for block in blocks_:
        kind = block.get("type")
        if kind == "header":
            out.append(_text(block.get("text"), state).upper())
        elif kind == "section":
            if block.get("text"):
                out.extend(_text(block["text"], state).splitlines())
            for f in block.get("fields") or []:
                out.append("  " + _text(f, state).replace("\n", " "))
            if block.get("accessory"):
                out.append("  " + _element(block["accessory"], state))
        elif kind == "context":
            out.append("  " + " · ".join(_text(e, state) for e in block.get("elements", []) if "text" in e))
        elif kind == "actions":
            out.append("  " + "  ".join(_element(e, state) for e in block.get("elements", [])))
        elif kind == "divider":
            out.append("  " + "─" * 40)
        elif kind == "input":
            el = block.get("element", {})
            optional = " (optional)" if block.get("optional") else ""
            out.append(f"  ▸ {_text(block.get('label'), state)}{optional} — fill {el.get('action_id')} <value>")
    wrapped: list[str] = []
    for line in out:
        wrapped.extend(textwrap.wrap(line, 100, subsequent_indent="    ") or [""])
    return [indent + line for line in wrapped]


def message(msg: Message, state: WorkspaceState, number: int | None = None) -> list[str]:
    author = state.users.get(msg.user)
    who = author.real_name if author else msg.user
    head = f"{'[' + str(number) + '] ' if number is not None else ''}{who}"
    if msg.edited:
        head += " (edited)"
    lines = [head]
    if msg.blocks:
        lines.extend(blocks(msg.blocks, state))
    else:
        lines.extend("  " + line for line in mrkdwn(msg.text, state).splitlines())
    if msg.files:
        lines.extend(f"  📎 {f.get('name')}" for f in msg.files)
    if msg.reactions:
        lines.append("  " + " ".join(f":{n}: {len(u)}" for n, u in msg.reactions.items() if u))
    return lines
