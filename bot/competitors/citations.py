"""The intel a win/loss entry cites as having helped, and what the battlecard and the agenda read back:
"intel that helped win". No Slack calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, delete, select

from bot.competitors.models import WinLossIntel
from bot.db import pk
from bot.intel.models import IntelShare
from bot.playbook.models import WinLoss
from bot.user_error import UserError

MAX_CITED = 10


def recent_about(*, session: Session, team_id: str, competitor_id: int | None, limit: int = 25) -> list[IntelShare]:
    """The shares a win/loss entry can cite (the select's options, at most 100 in Slack): the newest
    about this competitor, then the newest of all when there is no competitor."""
    stmt = select(IntelShare).where(col(IntelShare.team_id) == team_id, col(IntelShare.retracted_at).is_(None))
    if competitor_id is not None:
        stmt = stmt.where(col(IntelShare.competitor_id) == competitor_id)
    return list(session.exec(stmt.order_by(col(IntelShare.created_at).desc(),
                                           col(IntelShare.id).desc()).limit(limit)).all())


def cited_ids(*, session: Session, entry: WinLoss) -> list[int]:
    return list(session.exec(select(col(WinLossIntel.share_id)).where(col(WinLossIntel.win_loss_id) == entry.id)
                             .order_by(col(WinLossIntel.id))).all())


def cite(*, session: Session, entry: WinLoss, share_ids: Iterable[int | str] | None, user_id: str) -> list[int]:
    """Make these shares the ones `entry` cites (None: leave them as they are). A share that is not this
    workspace's, or was retracted, is refused with UserError (field `intel`)."""
    if share_ids is None:
        return cited_ids(session=session, entry=entry)
    wanted: list[int] = []
    for raw in share_ids:
        try:
            share_id = int(raw)
        except (TypeError, ValueError):
            raise UserError("Choose the intel from the list.", field="intel") from None
        if share_id not in wanted:
            wanted.append(share_id)
    if len(wanted) > MAX_CITED:
        raise UserError(f"Cite at most {MAX_CITED} pieces of intel: the ones that helped most.", field="intel")
    found = set(session.exec(select(col(IntelShare.id)).where(
        col(IntelShare.team_id) == entry.team_id, col(IntelShare.id).in_(wanted),
        col(IntelShare.retracted_at).is_(None))).all())
    if set(wanted) - found:
        raise UserError("A piece of intel you chose is no longer shared. Choose again.", field="intel")
    current = set(cited_ids(session=session, entry=entry))
    gone = current - set(wanted)
    if gone:
        session.exec(delete(WinLossIntel).where(col(WinLossIntel.win_loss_id) == entry.id,
                                                col(WinLossIntel.share_id).in_(gone)))
    for share_id in wanted:
        if share_id not in current:
            session.add(WinLossIntel(team_id=entry.team_id, win_loss_id=pk(entry.id), share_id=share_id,
                                     cited_by=user_id))
    session.flush()
    return wanted


def helped_win(*, session: Session, team_id: str, competitor_id: int | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int = 5) -> list[tuple[IntelShare, int]]:
    """The shares won deals cited, most cited first (deals closed in [start, end), about one competitor
    when given): (share, how many wins cited it)."""
    stmt = select(col(WinLossIntel.share_id), col(WinLoss.id)).join(
        WinLoss, col(WinLoss.id) == col(WinLossIntel.win_loss_id)).where(
        col(WinLossIntel.team_id) == team_id, col(WinLoss.team_id) == team_id, col(WinLoss.outcome) == "won")
    if competitor_id is not None:
        stmt = stmt.where(col(WinLoss.competitor_id) == competitor_id)
    if start is not None:
        stmt = stmt.where(col(WinLoss.closed_at) >= start)
    if end is not None:
        stmt = stmt.where(col(WinLoss.closed_at) < end)
    counts = Counter(share_id for share_id, _ in session.exec(stmt).all())
    if not counts:
        return []
    shares = {s.id: s for s in session.exec(select(IntelShare).where(
        col(IntelShare.id).in_(list(counts)), col(IntelShare.retracted_at).is_(None))).all()}
    ranked = sorted((sid for sid in counts if sid in shares), key=lambda sid: (-counts[sid], -sid))
    return [(shares[sid], counts[sid]) for sid in ranked[:limit]]
