"""Searching past intel with the database's own full-text index (PostgreSQL: a GIN index on a
tsvector expression; SQLite: FTS5), newest and most useful first, a page at a time."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.db import pk
from bot.intel.models import SEARCH_DOCUMENT, SQLITE_FTS_TABLE, IntelPost, IntelShare
from bot.intel.parsing import PAGE, SearchPage, SearchQuery

PREFIX_FROM = 3  # words this long also match as a prefix ("compet" finds "competitor")


def pg_tsquery(words: tuple[str, ...]) -> str:
    return " & ".join(f"{w}:*" if len(w) >= PREFIX_FROM else w for w in words)


def fts5_query(words: tuple[str, ...]) -> str:
    return " ".join(f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in words)


def _since(query: SearchQuery, tz: str) -> datetime | None:
    if query.since is None:
        return None
    return datetime.combine(query.since, time(), ZoneInfo(tz))


def search(*, session: Session, team_id: str, query: SearchQuery, offset: int = 0, limit: int = PAGE,
           tz: str = "UTC") -> SearchPage:
    stmt = select(IntelShare).where(IntelShare.team_id == team_id, col(IntelShare.retracted_at).is_(None))
    if query.kind:
        stmt = stmt.where(IntelShare.kind == query.kind)
    if query.competitor:
        stmt = stmt.where(IntelShare.competitor_key == query.competitor.lower())
    since = _since(query, tz)
    if since is not None:
        stmt = stmt.where(IntelShare.created_at >= since)
    if query.words:
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.where(text(f"{SEARCH_DOCUMENT} @@ to_tsquery('english', :tsq)").bindparams(
                tsq=pg_tsquery(query.words)))
        else:
            stmt = stmt.where(text(f"intel_share.id IN (SELECT rowid FROM {SQLITE_FTS_TABLE} "
                                   f"WHERE {SQLITE_FTS_TABLE} MATCH :fts)").bindparams(fts=fts5_query(query.words)))
    stmt = (stmt.order_by(col(IntelShare.sort_key).desc(), col(IntelShare.id).desc())
            .offset(max(offset, 0)).limit(limit + 1))
    rows = list(session.exec(stmt).all())
    page = SearchPage(shares=rows[:limit], offset=offset, has_more=len(rows) > limit)
    page.links = best_links(session=session, share_ids=[pk(s.id) for s in page.shares])
    return page


def best_links(*, session: Session, share_ids: list[int]) -> dict[int, str]:
    """A permalink per share: its joint-channel copy when known, else any copy's."""
    if not share_ids:
        return {}
    posts = session.exec(select(IntelPost).where(col(IntelPost.share_id).in_(share_ids),
                                                 col(IntelPost.permalink).is_not(None))).all()
    links: dict[int, str] = {}
    for post in sorted(posts, key=lambda p: p.role != "joint"):
        if post.permalink is not None:  # the query asked for these only
            links.setdefault(post.share_id, post.permalink)
    return links
