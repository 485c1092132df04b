"""Storing a closed deal the CRM sent: once per deal id. The same id again updates the deal (and the
win/loss entry its owner confirmed, for the CRM's own fields); the very same fields again change
nothing at all. No Slack calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import now
from bot.competitors import directory
from bot.deals.fields import DealInput
from bot.deals.models import Deal
from bot.models import Workspace
from bot.playbook.models import WinLoss

CRM_FIELDS = ("name", "account", "amount", "currency", "outcome", "owner_email", "competitor", "closed_on")


@dataclass(frozen=True)
class Stored:
    deal: Deal
    created: bool  # a deal id not seen before
    changed: bool  # False: the very same deal again, nothing changed
    fields: tuple[str, ...] = ()  # what an update changed

    @property
    def status(self) -> str:
        return "created" if self.created else "updated" if self.changed else "unchanged"


def get_by_external(*, session: Session, team_id: str, external_id: str, lock: bool = False) -> Deal | None:
    stmt = select(Deal).where(col(Deal.team_id) == team_id, col(Deal.external_id) == external_id)
    return session.exec(stmt.with_for_update() if lock else stmt).first()


def get(*, session: Session, team_id: str, deal_id: int | str) -> Deal | None:
    try:
        deal = session.get(Deal, int(deal_id))
    except (TypeError, ValueError):
        return None
    return deal if deal is not None and deal.team_id == team_id else None


def _competitor_id(session: Session, team_id: str, name: str | None) -> int | None:
    competitor = directory.resolve(session=session, team_id=team_id, name=name)
    return competitor.id if competitor else None


def closed_at(ws: Workspace, day) -> datetime:
    """The moment a deal closed on `day` counts as in the win/loss log: noon, where the workspace is."""
    return datetime.combine(day, time(12), ZoneInfo(ws.timezone or "UTC")).astimezone(UTC)


def _apply(deal: Deal, data: DealInput) -> None:
    for field in CRM_FIELDS:
        setattr(deal, field, getattr(data, field))
    deal.fingerprint = data.fingerprint


def _sync_entry(session: Session, ws: Workspace, deal: Deal) -> None:
    """The confirmed win/loss entry follows what the CRM now says (the seller's reason and notes stay)."""
    entry = session.get(WinLoss, deal.win_loss_id) if deal.win_loss_id else None
    if entry is None:
        return
    entry.outcome, entry.customer, entry.amount, entry.currency = deal.outcome, deal.account, deal.amount, deal.currency
    entry.competitor, entry.competitor_id = deal.competitor, deal.competitor_id
    entry.closed_at = closed_at(ws, deal.closed_on)
    entry.updated_at = now()
    session.add(entry)


def store(*, session: Session, ws: Workspace, data: DealInput) -> Stored:
    """Store the deal, or update the one with the same id; an identical resend changes nothing. Safe when
    the CRM retries while the first request is still being stored (one row: the unique deal id)."""
    deal = get_by_external(session=session, team_id=ws.team_id, external_id=data.deal_id, lock=True)
    if deal is None:
        fresh = Deal(team_id=ws.team_id, external_id=data.deal_id, source=data.source, name=data.name,
                     account=data.account, outcome=data.outcome, owner_email=data.owner_email,
                     closed_on=data.closed_on, fingerprint=data.fingerprint)
        _apply(fresh, data)
        fresh.competitor_id = _competitor_id(session, ws.team_id, data.competitor)
        try:
            with session.begin_nested():
                session.add(fresh)
                session.flush()
            return Stored(fresh, created=True, changed=True)
        except IntegrityError:
            deal = get_by_external(session=session, team_id=ws.team_id, external_id=data.deal_id, lock=True)
            if deal is None:
                raise
    if deal.fingerprint == data.fingerprint:
        return Stored(deal, created=False, changed=False)
    fields = tuple(f for f in CRM_FIELDS if getattr(deal, f) != getattr(data, f))
    if "owner_email" in fields and deal.status != "confirmed":
        deal.status = "new"  # someone else owns it now: they are the one to ask
    _apply(deal, data)
    deal.competitor_id = _competitor_id(session, ws.team_id, data.competitor)
    deal.source, deal.updates, deal.updated_at = data.source, deal.updates + 1, now()
    session.add(deal)
    _sync_entry(session, ws, deal)
    session.flush()
    return Stored(deal, created=False, changed=True, fields=fields)
