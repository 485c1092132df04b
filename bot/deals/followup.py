"""After a deal is stored: whom to ask why it was won or lost (its owner, found by e-mail; else the sales
lead), the one reminder two working days later, and the answer, which becomes a win/loss entry (with
the intel it cites). No Slack calls: the caller looks the owner up and sends what is queued here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select, update

from bot.clock import now
from bot.competitors import citations, directory
from bot.deals.intake import closed_at
from bot.deals.models import Deal
from bot.deals.working_days import add_working_days
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.playbook.strategies import today_in
from bot.playbook.winloss import WinLossDraft
from bot.playbook.winloss import validate as validate_entry
from bot.playbook.winloss_rules import REASONS
from bot.setup import members
from bot.unhappy.prefs import get_prefs
from bot.user_error import UserError

REMINDER_AFTER_WORKING_DAYS = 2


def sales_lead(*, session: Session, ws: Workspace) -> str | None:
    """Who gets a deal whose owner is not in Slack: the first lead on the sales team, else the first lead."""
    leads = list(ws.lead_user_ids or [])
    on_sales = {m.user_id for m in members.list_team(session=session, team_id=ws.team_id, team=members.Team.SALES)}
    return next((u for u in leads if u in on_sales), leads[0] if leads else None)


def reminder_due(ws: Workspace, asked_at: datetime) -> datetime:
    """Two working days after the question (the workspace's working days, in its timezone)."""
    return add_working_days(asked_at, REMINDER_AFTER_WORKING_DAYS, timezone=ws.timezone or "UTC",
                            days=get_prefs(ws).days)


def ask(*, session: Session, ws: Workspace, deal: Deal, owner_user_id: str | None) -> str | None:
    """Record whom the deal's question goes to: its owner (found in Slack), else the sales lead. Returns
    that person, or None when there is no one (the deal is `unrouted`). Only a `new` deal is asked: a
    second call (a retried task) asks no one twice."""
    asked = owner_user_id or sales_lead(session=session, ws=ws)
    at = now()
    values = {"owner_user_id": owner_user_id, "asked_user_id": asked, "updated_at": at,
              "status": "asked" if asked else "unrouted", "asked_at": at if asked else None,
              "reminder_due_at": reminder_due(ws, at) if asked else None, "reminded_at": None}
    claimed = session.exec(update(Deal).where(col(Deal.id) == deal.id, col(Deal.status) == "new").values(**values)
                           .execution_options(synchronize_session=False)).rowcount
    session.refresh(deal)
    return asked if claimed == 1 else None


def due_reminders(*, session: Session, at: datetime, limit: int = 100) -> list[Deal]:
    """Deals whose owner was asked two working days ago and has not answered nor been reminded."""
    return list(session.exec(select(Deal).where(
        col(Deal.status) == "asked", col(Deal.reminder_due_at) <= at, col(Deal.reminded_at).is_(None),
    ).order_by(col(Deal.reminder_due_at), col(Deal.id)).limit(limit)).all())


def claim_reminder(*, session: Session, deal: Deal, at: datetime) -> bool:
    """Take the one reminder: True once per question, whichever replica or retry asks."""
    claimed = session.exec(update(Deal).where(col(Deal.id) == deal.id, col(Deal.status) == "asked",
                                              col(Deal.reminded_at).is_(None)).values(reminded_at=at)
                           .execution_options(synchronize_session=False)).rowcount
    session.refresh(deal)
    return claimed == 1


def may_answer(ws: Workspace, deal: Deal, user_id: str) -> bool:
    return user_id in {deal.owner_user_id, deal.asked_user_id} or user_id in (ws.lead_user_ids or [])


def confirm(*, session: Session, ws: Workspace, deal_id: int | str, user_id: str, reason: str,
            notes: str | None = None, cited_share_ids: Iterable[int | str] | None = None) -> WinLoss:
    """The seller's answer: the deal becomes a win/loss entry (or its entry is corrected: answering again
    changes the reason, never adds a second entry). `cited_share_ids`: the intel that helped (None: the
    citations stay as they are). Raises UserError (field `deal`) or UserError."""
    deal = session.exec(select(Deal).where(col(Deal.id) == int(deal_id), col(Deal.team_id) == ws.team_id)
                        .with_for_update()).first() if str(deal_id).isdigit() else None
    if deal is None:
        raise UserError("That deal is no longer in Truce.", field="deal")
    if not may_answer(ws, deal, user_id):
        raise UserError(f"This deal is {'<@' + deal.asked_user_id + '>' if deal.asked_user_id else 'its owner'}"
                        "'s to confirm (or a lead's).", field="deal")
    if reason not in REASONS:
        raise UserError("Choose the main reason: " + ", ".join(REASONS.values()).lower() + ".", field="reason")
    today = today_in(ws)
    draft = validate_entry(WinLossDraft(
        outcome=deal.outcome, customer=deal.account, reason=reason, notes=notes, amount=deal.amount,
        currency=deal.currency, competitor=deal.competitor, closed_on=min(deal.closed_on, today), source="crm"),
        today=today)
    entry = session.get(WinLoss, deal.win_loss_id) if deal.win_loss_id else None
    at = now()
    if entry is None:
        entry = WinLoss(team_id=ws.team_id, outcome=draft.outcome, customer=draft.customer, amount=draft.amount,
                        currency=draft.currency, reason=draft.reason, notes=draft.notes, competitor=draft.competitor,
                        competitor_id=deal.competitor_id, source="crm", recorded_by=user_id,
                        closed_at=closed_at(ws, deal.closed_on))
    else:
        entry.reason, entry.notes, entry.updated_by, entry.updated_at = draft.reason, draft.notes, user_id, at
    session.add(entry)
    session.flush()
    if entry.competitor_id is None and entry.competitor:
        directory.link_entry(session=session, entry=entry)
    citations.cite(session=session, entry=entry, share_ids=cited_share_ids, user_id=user_id)
    deal.win_loss_id, deal.status, deal.confirmed_by, deal.confirmed_at = entry.id, "confirmed", user_id, at
    deal.updated_at = at
    session.add(deal)
    session.flush()
    return entry
