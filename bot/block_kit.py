"""Helpers every builder shares: escaping what people typed, and small reusable blocks."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack_text import esc

__all__ = ["SECTION_LIMIT", "channel", "clip", "context", "esc", "section", "user"]

SECTION_LIMIT = 3000


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "_not set_"


def section(text: str, **kw: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)), **kw)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t)) for t in texts if t][:10])
