"""All the text of what Slack shows: a message or an ephemeral note, a view (a modal or a Home tab), or
a list of blocks. The tests look for words in it."""

from __future__ import annotations

from typing import Any

# Text objects, and rich text's runs of text.
_TEXT_TYPES = ("mrkdwn", "plain_text", "text")
# What an attachment (the legacy, coloured-bar kind) writes besides its blocks.
_ATTACHMENT_KEYS = ("pretext", "author_name", "title", "text", "footer")


def all_text(shown: Any) -> str:
    """Everything written on `shown`, one piece a line, in order: a message's text (its notification
    line), then every text in its blocks — section text and fields, headers, context elements, rich
    text, button and option labels, input labels — and in its attachments (their own lines and fields,
    and their blocks)."""
    out: list[str] = []
    if isinstance(shown, list):
        _blocks(shown, out)
        return "\n".join(out)
    if isinstance(shown, dict):
        text, blocks, attachments = shown.get("text"), shown.get("blocks"), shown.get("attachments")
    else:
        text, blocks, attachments = (getattr(shown, "text", None), shown.blocks,
                                     getattr(shown, "attachments", None))
    if isinstance(text, str) and text:
        out.append(text)
    _blocks(blocks or [], out)
    for attachment in attachments or []:
        out.extend(attachment[key] for key in _ATTACHMENT_KEYS if isinstance(attachment.get(key), str))
        for attachment_field in attachment.get("fields") or []:
            out.extend(attachment_field[key] for key in ("title", "value")
                       if isinstance(attachment_field.get(key), str))
        _blocks(attachment.get("blocks") or [], out)
    return "\n".join(out)


def _blocks(node: Any, out: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _blocks(item, out)
    elif isinstance(node, dict):
        if node.get("type") in _TEXT_TYPES and isinstance(node.get("text"), str):
            out.append(node["text"])
            return
        if node.get("type") == "link":
            out.append(node.get("text") or node.get("url") or "")
            return
        for value in node.values():
            _blocks(value, out)
