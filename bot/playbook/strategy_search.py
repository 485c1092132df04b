"""Finding strategies: every word must appear (any case) in the title, summary, segment or key messages.

A portable LIKE search (the same on SQLite and PostgreSQL): a workspace has tens of strategies, not
millions. Matches are ranked in Python: current ones first, then by where the words were found (the
title counts most), then the most recently changed.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.clock import aware
from bot.db import pk
from bot.playbook.models import Strategy
from bot.playbook.strategy_rules import SearchResult
from bot.slack_text import plain

LIMIT = 10
MAX_WORDS = 8
CANDIDATES = 200
_PUNCTUATION = "\"'\u201c\u201d\u2018\u2019.,;:!?()[]{}*_`~"  # with curly quotes
# where a word was found -> how much it counts
_WEIGHTS = (("title", 4), ("segment", 2), ("key_messages", 1), ("summary", 1))


def words_of(text: str | None) -> list[str]:
    """The distinct words to look for, lower-cased, punctuation around them removed."""
    found: list[str] = []
    for raw in plain(text).lower().split():
        word = raw.strip(_PUNCTUATION)
        if word and word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def score(strategy: Strategy, words: list[str]) -> int:
    total = 0
    for word in words:
        for field, weight in _WEIGHTS:
            if word in (getattr(strategy, field) or "").lower():
                total += weight
    if len(words) > 1 and " ".join(words) in strategy.title.lower():
        total += 4  # the whole phrase in the title
    return total


def search(*, session: Session, team_id: str, text: str, limit: int = LIMIT) -> SearchResult:
    words = words_of(text)
    if not words:
        return SearchResult(words, [], 0)
    stmt = select(Strategy).where(Strategy.team_id == team_id)
    for word in words:
        pattern = _pattern(word)
        stmt = stmt.where(or_(*(getattr(Strategy, f).ilike(pattern, escape="\\") for f, _ in _WEIGHTS)))
    found = list(session.exec(stmt.order_by(col(Strategy.updated_at).desc()).limit(CANDIDATES)).all())
    found.sort(key=lambda s: (s.status != "active", -score(s, words), -aware(s.updated_at).timestamp(), -pk(s.id)))
    return SearchResult(words, found[:limit], len(found))
