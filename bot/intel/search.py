"""Searching past intel with the database's own full-text index (PostgreSQL: a GIN index on the stored
tsvector `search_vector`; SQLite: FTS5, bot/intel/search_fts5.py), newest and most useful first, a page
at a time. At a million shares: docs/benchmarks.md "Search at 1,000,000 shares: the plans"."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import TextClause, text
from sqlmodel import Session, col, select

from bot.competitors import directory as competitors
from bot.db import pk
from bot.intel import search_fts5, search_pg
from bot.intel.models import SQLITE_FTS_TABLE, IntelPost, IntelShare
from bot.intel.parsing import PAGE, SearchPage, SearchQuery

PREFIX_FROM = 3  # words this long also match as a prefix ("compet" finds "competitor")


def pg_tsquery(words: tuple[str, ...]) -> str:
    return " & ".join(f"{w}:*" if len(w) >= PREFIX_FROM else w for w in words)


def _since(query: SearchQuery, tz: str) -> datetime | None:
    if query.since is None:
        return None
    return datetime.combine(query.since, time(), ZoneInfo(tz))


def search(*, session: Session, team_id: str, query: SearchQuery, offset: int = 0, limit: int = PAGE,
           tz: str = "UTC") -> SearchPage:
    stmt = select(IntelShare).where(IntelShare.team_id == team_id, col(IntelShare.retracted_at).is_(None))
    if query.kind:
        stmt = stmt.where(IntelShare.kind == query.kind)
    if query.competitor:  # any spelling of the competitor (`vs:initech inc` finds what says Initech)
        named = competitors.find(session=session, team_id=team_id, name=query.competitor)
        stmt = stmt.where(IntelShare.competitor_id == named.id if named is not None
                          else IntelShare.competitor_key == query.competitor.lower())
    since = _since(query, tz)
    if since is not None:
        # sort_key is never below created_at's seconds (a share's votes only add to it): the same
        # shares, and a walk down the sort index stops at `since`.
        stmt = stmt.where(IntelShare.created_at >= since, IntelShare.sort_key >= int(since.timestamp()))
    by_index = True
    if query.words:
        condition, few = _matching(session, query.words)
        stmt, by_index = stmt.where(condition), not few
    sort_key = col(IntelShare.sort_key) if by_index else col(IntelShare.sort_key) + 0
    stmt = (stmt.order_by(sort_key.desc(), col(IntelShare.id).desc())
            .offset(max(offset, 0)).limit(limit + 1))
    rows = list(session.exec(stmt).all())
    page = SearchPage(shares=rows[:limit], offset=offset, has_more=len(rows) > limit)
    page.links = best_links(session=session, share_ids=[pk(s.id) for s in page.shares])
    return page


def _matching(session: Session, words: tuple[str, ...]) -> tuple[TextClause, bool]:
    """The condition on the words, and whether to order by an expression no index provides (so the
    planner reads the few matches from the full-text index rather than walk the sort index)."""
    if session.get_bind().dialect.name == "postgresql":
        tsquery = pg_tsquery(words)
        return search_pg.matching(tsquery), search_pg.is_rare(session, tsquery)
    fts, (match, lazy) = SQLITE_FTS_TABLE, search_fts5.match_expression(session, words, PREFIX_FROM)
    if lazy and search_fts5.is_common(session, match):  # walk the sort index, one seek in FTS5 per row
        return text(f"EXISTS (SELECT 1 FROM {fts} WHERE {fts} MATCH :fts AND {fts}.rowid = intel_share.id)"
                    ).bindparams(fts=match), False
    return text(f"intel_share.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :fts)").bindparams(fts=match), True


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
