"""The intel a win/loss entry cites as having helped, and what the battlecard and the agenda read back:
"intel that helped win". No Slack calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, delete, select

from bot.competitors.models import WinLossIntel
from bot.models import IntelShare, WinLoss
from bot.services.winloss import WinLossError

MAX_CITED = 10


def recent_about(*, session: Session, team_id: str, competitor_id: int | None, limit: int = 25) -> list[IntelShare]:
    """The shares a win/loss entry can cite (the select's options, at most 100 in Slack): the newest
    about this competitor, then the newest of all when there is no competitor."""
    stmt = select(IntelShare).where(IntelShare.team_id == team_id, IntelShare.retracted_at.is_(None))
    if competitor_id is not None:
        stmt = stmt.where(IntelShare.competitor_id == competitor_id)
    return list(session.exec(stmt.order_by(IntelShare.created_at.desc(), IntelShare.id.desc()).limit(limit)).all())


def cited_ids(*, session: Session, entry: WinLoss) -> list[int]:
    return list(session.exec(select(WinLossIntel.share_id).where(WinLossIntel.win_loss_id == entry.id)
                             .order_by(WinLossIntel.id)).all())


def cite(*, session: Session, entry: WinLoss, share_ids: Iterable[int | str] | None, user_id: str) -> list[int]:
    """Make these shares the ones `entry` cites (None: leave them as they are). A share that is not this
    workspace's, or was retracted, is refused with WinLossError (field `intel`)."""
    if share_ids is None:
        return cited_ids(session=session, entry=entry)
    wanted: list[int] = []
    for raw in share_ids:
        try:
            share_id = int(raw)
        except (TypeError, ValueError):
            raise WinLossError("intel", "Choose the intel from the list.") from None
        if share_id not in wanted:
            wanted.append(share_id)
    if len(wanted) > MAX_CITED:
        raise WinLossError("intel", f"Cite at most {MAX_CITED} pieces of intel: the ones that helped most.")
    found = set(session.exec(select(IntelShare.id).where(
        IntelShare.team_id == entry.team_id, IntelShare.id.in_(wanted), IntelShare.retracted_at.is_(None))).all())
    if set(wanted) - found:
        raise WinLossError("intel", "A piece of intel you chose is no longer shared. Choose again.")
    current = set(cited_ids(session=session, entry=entry))
    gone = current - set(wanted)
    if gone:
        session.exec(delete(WinLossIntel).where(WinLossIntel.win_loss_id == entry.id,
                                                WinLossIntel.share_id.in_(gone)))
    for share_id in wanted:
        if share_id not in current:
            session.add(WinLossIntel(team_id=entry.team_id, win_loss_id=entry.id, share_id=share_id,
                                     cited_by=user_id))
    session.flush()
    return wanted


def helped_win(*, session: Session, team_id: str, competitor_id: int | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int = 5) -> list[tuple[IntelShare, int]]:
    """The shares won deals cited, most cited first (deals closed in [start, end), about one competitor
    when given): (share, how many wins cited it)."""
    stmt = select(WinLossIntel.share_id, WinLoss.id).join(WinLoss, WinLoss.id == WinLossIntel.win_loss_id).where(
        WinLossIntel.team_id == team_id, WinLoss.team_id == team_id, WinLoss.outcome == "won")
    if competitor_id is not None:
        stmt = stmt.where(WinLoss.competitor_id == competitor_id)
    if start is not None:
        stmt = stmt.where(WinLoss.closed_at >= start)
    if end is not None:
        stmt = stmt.where(WinLoss.closed_at < end)
    counts = Counter(share_id for share_id, _ in session.exec(stmt).all())
    if not counts:
        return []
    shares = {s.id: s for s in session.exec(select(IntelShare).where(
        IntelShare.id.in_(list(counts)), IntelShare.retracted_at.is_(None))).all()}
    ranked = sorted((sid for sid in counts if sid in shares), key=lambda sid: (-counts[sid], -sid))
    return [(shares[sid], counts[sid]) for sid in ranked[:limit]]
