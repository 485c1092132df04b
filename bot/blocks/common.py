"""Helpers every builder shares: escaping what people typed, and small reusable blocks."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

SECTION_LIMIT = 3000


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn so it can never ping @channel/@here/@everyone or a group."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "_not set_"


def section(text: str, **kw) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)), **kw)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t)) for t in texts if t][:10])
