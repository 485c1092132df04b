"""A competitor's battlecard, from what the teams already record: the latest intel about them by kind
(the most useful first), the win/loss record this quarter and last with the top reasons on each side,
the intel that helped win, the marketing strategies and the open unhappy reports that name them, who
shares most about them and what the receiving teams did with it. Queries only; the blocks are built
by bot/competitors/blocks_battlecard.py. Also the digest's "what changed about them this week"."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.competitors import citations, directory, feedback
from bot.competitors.card import Battlecard, KindIntel, WeekChange
from bot.competitors.models import Competitor
from bot.competitors.names import competitor_key, mentions
from bot.db import pk
from bot.intel.models import KINDS, IntelShare
from bot.intel.search import best_links
from bot.models import Workspace
from bot.playbook.models import Strategy, WinLoss
from bot.playbook.winloss_rules import QuarterStats
from bot.quarters import calendar_of, shift_quarter
from bot.unhappy.models import UnhappyReport

PER_KIND = 3
TOP_SHARERS = 3
SHOWN_STRATEGIES = 5
SHOWN_REPORTS = 5
HELPED_WIN = 3


def _intel(session: Session, competitor: Competitor) -> list[KindIntel]:
    base = (col(IntelShare.team_id) == competitor.team_id, col(IntelShare.competitor_id) == competitor.id,
            col(IntelShare.retracted_at).is_(None))
    totals = dict(session.exec(select(col(IntelShare.kind),
                                      func.count()).where(*base).group_by(col(IntelShare.kind))).all())
    out = []
    for kind in sorted(totals, key=lambda k: (KINDS.index(k) if k in KINDS else len(KINDS), k)):
        shares = session.exec(select(IntelShare).where(*base, col(IntelShare.kind) == kind)
                              .order_by(col(IntelShare.sort_key).desc(),
                                        col(IntelShare.id).desc()).limit(PER_KIND)).all()
        out.append(KindIntel(kind, list(shares), totals[kind]))
    return out


def _quarter(session: Session, ws: Workspace, competitor: Competitor, quarter: str) -> QuarterStats:
    start, end = calendar_of(ws).bounds(quarter)
    return QuarterStats(quarter, list(session.exec(select(WinLoss).where(
        col(WinLoss.team_id) == ws.team_id, col(WinLoss.competitor_id) == competitor.id,
        col(WinLoss.closed_at) >= start,
        col(WinLoss.closed_at) < end).order_by(col(WinLoss.closed_at), col(WinLoss.id))).all()))


def _keys(session: Session, competitor: Competitor) -> set[str]:
    keys = {a.key for a in directory.spellings(session=session, competitor=competitor)}
    keys.add(competitor_key(competitor.name))
    return {k for k in keys if k}


def build(*, session: Session, ws: Workspace, competitor: Competitor, at: datetime) -> Battlecard:
    quarter = calendar_of(ws).quarter_of(at)
    keys = _keys(session, competitor)
    strategies = [s for s in session.exec(select(Strategy).where(
        col(Strategy.team_id) == ws.team_id,
        col(Strategy.status) == "active").order_by(col(Strategy.updated_at).desc())).all()
        if mentions(" ".join(filter(None, (s.title, s.summary, s.segment, s.key_messages))), keys)]
    reports = [r for r in session.exec(select(UnhappyReport).where(
        col(UnhappyReport.team_id) == ws.team_id,
        col(UnhappyReport.status) == "open").order_by(col(UnhappyReport.created_at).desc()))
        .all() if mentions(f"{r.customer} {r.description}", keys)]
    sharers = session.exec(select(col(IntelShare.sharer_id), func.count()).where(
        col(IntelShare.team_id) == ws.team_id, col(IntelShare.competitor_id) == competitor.id,
        col(IntelShare.retracted_at).is_(None)).group_by(col(IntelShare.sharer_id))).all()
    intel = _intel(session, competitor)
    helped = citations.helped_win(session=session, team_id=ws.team_id, competitor_id=competitor.id, limit=HELPED_WIN)
    shown = [pk(s.id) for k in intel for s in k.shares] + [pk(s.id) for s, _ in helped]
    return Battlecard(
        competitor=competitor,
        spellings=[a.name for a in directory.spellings(session=session, competitor=competitor)
                   if a.name != competitor.name],
        intel=intel,
        this_quarter=_quarter(session, ws, competitor, quarter),
        last_quarter=_quarter(session, ws, competitor, shift_quarter(quarter, -1)),
        helped_win=helped,
        strategies=strategies[:SHOWN_STRATEGIES], strategies_total=len(strategies),
        unhappy=reports[:SHOWN_REPORTS], unhappy_total=len(reports),
        sharers=sorted(sharers, key=lambda x: (-x[1], x[0]))[:TOP_SHARERS],
        acted_on=feedback.acted_on_rates(session=session, team_id=ws.team_id, competitor_id=competitor.id),
        links=best_links(session=session, share_ids=shown),
    )


# --- the weekly digest: what changed about each competitor ----------------------------------------


def changes(*, session: Session, team_id: str, start: datetime, end: datetime, limit: int = 10) -> list[WeekChange]:
    """One line's worth per competitor with new intel in [start, end): the new shares by kind, and the
    deals won against or lost to them in the same days. Most new intel first."""
    rows = session.exec(select(col(IntelShare.competitor_id), col(IntelShare.kind)).where(
        col(IntelShare.team_id) == team_id, col(IntelShare.competitor_id).is_not(None),
        col(IntelShare.retracted_at).is_(None),
        col(IntelShare.created_at) >= start, col(IntelShare.created_at) < end)).all()
    kinds: dict[int, Counter] = {}
    for competitor_id, kind in rows:
        kinds.setdefault(pk(competitor_id), Counter())[kind] += 1
    if not kinds:
        return []
    names = dict(session.exec(select(col(Competitor.id),
                                     col(Competitor.name)).where(col(Competitor.id).in_(list(kinds)))).all())
    results = Counter(session.exec(select(col(WinLoss.competitor_id), col(WinLoss.outcome)).where(
        col(WinLoss.team_id) == team_id, col(WinLoss.competitor_id).in_(list(kinds)), col(WinLoss.closed_at) >= start,
        col(WinLoss.closed_at) < end)).all())
    out = [WeekChange(cid, names.get(cid, "?"), counted, results[(cid, "won")], results[(cid, "lost")])
           for cid, counted in kinds.items()]
    return sorted(out, key=lambda c: (-c.shares, c.name.casefold()))[:limit]
