"""What a marketing strategy is made of: its fields, their limits and its statuses. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.playbook.models import Strategy

TITLE_MAX = 150
SUMMARY_MAX = 3000


SEGMENT_MAX = 200
MESSAGES_MAX = 3000


LINK_MAX = 1000
STATUSES = {"active": "Active", "retired": "Retired"}


FIELD_NAMES = {"title": "title", "summary": "summary", "segment": "target segment", "key_messages": "key messages",
               "link": "link", "status": "status", "review_by": "review date"}


@dataclass(frozen=True)
class SearchResult:
    words: list[str]
    strategies: list[Strategy]  # the best `limit`
    total: int  # how many matched (up to CANDIDATES)
