"""The workspace's competitor list: find one by any spelling, add one the first time it is named,
give it more spellings, rename it, merge two into one. Every change leaves a CompetitorEvent; a merge
moves the shares, win/loss entries and deals to the competitor that stays and keeps the other one.
No Slack calls; who may change the list is the caller's check (leads and admins)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from bot.clock import now
from bot.competitors.card import Listed, MergeResult
from bot.competitors.models import Competitor, CompetitorAlias, CompetitorEvent
from bot.competitors.names import clean_name, competitor_key
from bot.db import pk
from bot.deals.models import Deal
from bot.intel.models import IntelShare
from bot.playbook.models import WinLoss
from bot.slack_text import esc
from bot.user_error import UserError

LIST_HINT = "`/intel competitors` lists them."


def _alias(session: Session, team_id: str, key: str) -> CompetitorAlias | None:
    return session.exec(select(CompetitorAlias).where(col(CompetitorAlias.team_id) == team_id,
                                                      col(CompetitorAlias.key) == key)).first()


def get(*, session: Session, team_id: str, competitor_id: int | str | None) -> Competitor | None:
    """The competitor with this id, or the one it was merged into; None when there is none here."""
    try:
        competitor_id = int(competitor_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    for _ in range(20):  # merges are kept flat; this only guards against a cycle
        competitor = session.get(Competitor, competitor_id)
        if competitor is None or competitor.team_id != team_id:
            return None
        if competitor.merged_into_id is None:
            return competitor
        competitor_id = competitor.merged_into_id
    return None


def find(*, session: Session, team_id: str, name: str | None) -> Competitor | None:
    """The competitor any spelling of `name` means, or None."""
    key = competitor_key(name)
    alias = _alias(session, team_id, key) if key else None
    return get(session=session, team_id=team_id, competitor_id=alias.competitor_id) if alias else None


def require(*, session: Session, team_id: str, name: str | None, field: str = "name") -> Competitor:
    competitor = find(session=session, team_id=team_id, name=name)
    if competitor is None:
        shown = " ".join((name or "").split())
        raise UserError(f"No competitor is called “{esc(shown)}”. {LIST_HINT}" if shown
                        else f"Name the competitor. {LIST_HINT}", field=field)
    return competitor


def _event(session: Session, competitor: Competitor, action: str, user_id: str | None, **changes) -> None:
    session.add(CompetitorEvent(team_id=competitor.team_id, competitor_id=pk(competitor.id), action=action,
                                changes=changes, user_id=user_id))


def resolve(*, session: Session, team_id: str, name: str | None, user_id: str | None = None) -> Competitor | None:
    """The competitor `name` means, added to the list the first time anyone names it (None for no name).
    Safe when two people name a new competitor at the same moment: one row, both get it."""
    if not competitor_key(name):
        return None
    existing = find(session=session, team_id=team_id, name=name)
    if existing is not None:
        return existing
    shown = clean_name(name, field="competitor")
    try:
        with session.begin_nested():
            competitor = Competitor(team_id=team_id, name=shown, created_by=user_id)
            session.add(competitor)
            session.flush()
            session.add(CompetitorAlias(team_id=team_id, competitor_id=pk(competitor.id), key=competitor_key(shown),
                                        name=shown, added_by=user_id))
            _event(session, competitor, "created", user_id, name=shown)
            session.flush()
    except IntegrityError:
        raced = find(session=session, team_id=team_id, name=name)
        if raced is None:
            raise
        return raced
    return competitor


def link_share(*, session: Session, share: IntelShare) -> Competitor | None:
    """Point a share at the competitor it names (added to the list when new)."""
    competitor = resolve(session=session, team_id=share.team_id, name=share.competitor, user_id=share.sharer_id)
    share.competitor_id = competitor.id if competitor else None
    session.add(share)
    return competitor


def link_entry(*, session: Session, entry: WinLoss) -> Competitor | None:
    """Point a win/loss entry at the competitor it names (added to the list when new)."""
    competitor = resolve(session=session, team_id=entry.team_id, name=entry.competitor,
                         user_id=entry.updated_by or entry.recorded_by)
    entry.competitor_id = competitor.id if competitor else None
    session.add(entry)
    return competitor


def spellings(*, session: Session, competitor: Competitor) -> list[CompetitorAlias]:
    return list(session.exec(select(CompetitorAlias).where(
        col(CompetitorAlias.team_id) == competitor.team_id, col(CompetitorAlias.competitor_id) == competitor.id,
    ).order_by(col(CompetitorAlias.created_at), col(CompetitorAlias.id))).all())


def add_spelling(*, session: Session, team_id: str, name: str, spelling: str, user_id: str) -> CompetitorAlias:
    """`/intel competitors alias Initech INTC`: one more name that means this competitor."""
    competitor = require(session=session, team_id=team_id, name=name)
    shown = clean_name(spelling, field="spelling")
    key = competitor_key(shown)
    taken = _alias(session, team_id, key)
    if taken is not None:
        owner = get(session=session, team_id=team_id, competitor_id=taken.competitor_id)
        if owner is not None and owner.id == competitor.id:
            raise UserError(f"“{esc(shown)}” already means {esc(competitor.name)}.", field="spelling")
        other = esc(owner.name) if owner else esc(shown)
        raise UserError(f"“{esc(shown)}” already means the competitor {other}. To make them one: "
                        f"`/intel competitors merge \"{other}\" into \"{esc(competitor.name)}\"`.",
                        field="spelling")
    alias = CompetitorAlias(team_id=team_id, competitor_id=pk(competitor.id), key=key, name=shown, added_by=user_id)
    session.add(alias)
    _event(session, competitor, "alias_added", user_id, spelling=shown)
    competitor.updated_at = now()
    session.add(competitor)
    session.flush()
    return alias


def rename(*, session: Session, team_id: str, name: str, new_name: str, user_id: str) -> Competitor:
    """Call a competitor by another name; the old name stays one of its spellings."""
    competitor = require(session=session, team_id=team_id, name=name)
    shown = clean_name(new_name, field="new_name")
    if shown == competitor.name:
        raise UserError(f"It is already called {esc(shown)}.", field="new_name")
    key = competitor_key(shown)
    taken = _alias(session, team_id, key)
    if taken is not None and taken.competitor_id != competitor.id:
        owner = get(session=session, team_id=team_id, competitor_id=taken.competitor_id)
        other = esc(owner.name) if owner else esc(shown)
        raise UserError(f"“{esc(shown)}” is already the competitor {other}. To make them one: "
                        f"`/intel competitors merge \"{esc(competitor.name)}\" into \"{other}\"`.",
                        field="new_name")
    if taken is None:
        session.add(CompetitorAlias(team_id=team_id, competitor_id=pk(competitor.id), key=key, name=shown,
                                    added_by=user_id))
    _event(session, competitor, "renamed", user_id, before=competitor.name, after=shown)
    competitor.name, competitor.updated_at = shown, now()
    session.add(competitor)
    session.flush()
    return competitor


def _ids(session: Session, model, team_id: str, competitor_id: int) -> list[int]:
    return list(session.exec(select(model.id).where(model.team_id == team_id, model.competitor_id == competitor_id)
                             .order_by(model.id)).all())


def merge(*, session: Session, team_id: str, source: str, target: str, user_id: str) -> MergeResult:
    """Make `source` part of `target`: its spellings, shares, win/loss entries and deals move to `target`;
    `source` stays (merged_into_id) with an event listing exactly what moved."""
    src = require(session=session, team_id=team_id, name=source, field="source")
    dst = require(session=session, team_id=team_id, name=target, field="target")
    if src.id == dst.id:
        raise UserError(f"“{esc(' '.join(source.split()))}” and “{esc(' '.join(target.split()))}” "
                        f"are already one competitor: {esc(dst.name)}.", field="target")
    # The rows of both competitors are locked (PostgreSQL) so two merges cannot cross.
    session.exec(select(col(Competitor.id)).where(col(Competitor.id).in_([src.id, dst.id])).with_for_update()).all()
    moved_spellings = [a.name for a in spellings(session=session, competitor=src)]
    share_ids = _ids(session, IntelShare, team_id, pk(src.id))
    entry_ids = _ids(session, WinLoss, team_id, pk(src.id))
    deal_ids = _ids(session, Deal, team_id, pk(src.id))
    for model in (CompetitorAlias, IntelShare, WinLoss, Deal):
        session.exec(update(model).where(col(model.team_id) == team_id, col(model.competitor_id) == src.id)
                     .values(competitor_id=dst.id).execution_options(synchronize_session=False))
    # Competitors merged into the source earlier now point at the target: merges stay one step deep.
    session.exec(update(Competitor).where(col(Competitor.team_id) == team_id, col(Competitor.merged_into_id) == src.id)
                 .values(merged_into_id=dst.id).execution_options(synchronize_session=False))
    at = now()
    src.merged_into_id, src.updated_at = dst.id, at
    dst.updated_at = at
    session.add_all([src, dst])
    _event(session, src, "merged_into", user_id, into_id=dst.id, into=dst.name, spellings=moved_spellings,
           share_ids=share_ids, entry_ids=entry_ids, deal_ids=deal_ids)
    _event(session, dst, "merged_from", user_id, from_id=src.id, name=src.name, spellings=moved_spellings,
           shares=len(share_ids), entries=len(entry_ids), deals=len(deal_ids))
    session.flush()
    session.expire_all()  # the bulk updates above changed rows the session may hold
    return MergeResult(source=src, target=dst, share_ids=share_ids, entry_ids=entry_ids, deal_ids=deal_ids,
                       spellings=moved_spellings)


def history(*, session: Session, competitor: Competitor) -> list[CompetitorEvent]:
    return list(session.exec(select(CompetitorEvent).where(
        col(CompetitorEvent.team_id) == competitor.team_id, col(CompetitorEvent.competitor_id) == competitor.id,
    ).order_by(col(CompetitorEvent.created_at), col(CompetitorEvent.id))).all())


def listing(*, session: Session, team_id: str) -> list[Listed]:
    """Every competitor (not merged away), most talked about first: shares and win/loss entries each."""
    competitors = session.exec(select(Competitor).where(col(Competitor.team_id) == team_id,
                                                        col(Competitor.merged_into_id).is_(None))).all()
    shares = dict(session.exec(select(col(IntelShare.competitor_id), func.count()).where(
        col(IntelShare.team_id) == team_id, col(IntelShare.competitor_id).is_not(None),
        col(IntelShare.retracted_at).is_(None),
    ).group_by(col(IntelShare.competitor_id))).all())
    entries = dict(session.exec(select(col(WinLoss.competitor_id), func.count()).where(
        col(WinLoss.team_id) == team_id,
        col(WinLoss.competitor_id).is_not(None)).group_by(col(WinLoss.competitor_id))).all())
    names: dict[int, list[str]] = {}
    for alias in session.exec(select(CompetitorAlias).where(col(CompetitorAlias.team_id) == team_id)
                              .order_by(col(CompetitorAlias.created_at), col(CompetitorAlias.id))).all():
        names.setdefault(alias.competitor_id, []).append(alias.name)
    out = [Listed(c, shares.get(c.id, 0), entries.get(c.id, 0), [n for n in names.get(pk(c.id), []) if n != c.name])
           for c in competitors]
    return sorted(out, key=lambda x: (-(x.shares + x.entries), x.competitor.name.casefold()))
