"""The deal's DMs through the outbox: the question to its owner (or the sales lead), the one reminder two
working days later, and the question turned into what was logged once answered. No Slack calls here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot import delivery
from bot.deals import followup
from bot.deals.blocks_ask import answered_message, ask_message
from bot.deals.models import Deal
from bot.models import Outbox, Workspace
from bot.playbook.models import WinLoss


def _ref(deal: Deal) -> str:
    return f"deal:{deal.id}"


def ask(*, session: Session, ws: Workspace, deal: Deal, owner_user_id: str | None) -> str | None:
    """Ask the owner (the sales lead when the owner is not in Slack) with the prefilled form, once: a
    retried task or a resent deal asks no one twice. Returns who was asked."""
    asked = followup.ask(session=session, ws=ws, deal=deal, owner_user_id=owner_user_id)
    if asked is None:
        return None
    text, blocks = ask_message(deal, asked_user_id=asked)
    delivery.queue_post(session, team_id=ws.team_id, channel=asked, text=text, blocks=blocks,
                        key=f"deal-ask:{deal.id}:{asked}:{deal.updates}", ref=_ref(deal))
    return asked


def remind(*, session: Session, at: datetime) -> int:
    """The one reminder for every deal asked two working days ago and not answered. Returns how many."""
    sent = 0
    for deal in followup.due_reminders(session=session, at=at):
        if not deal.asked_user_id or not followup.claim_reminder(session=session, deal=deal, at=at):
            continue
        text, blocks = ask_message(deal, asked_user_id=deal.asked_user_id, reminder=True)
        delivery.queue_post(session, team_id=deal.team_id, channel=deal.asked_user_id, text=text, blocks=blocks,
                            key=f"deal-remind:{deal.id}:{deal.asked_user_id}", ref=_ref(deal))
        sent += 1
    return sent


def answered(*, session: Session, deal: Deal, entry: WinLoss, cited: int) -> int:
    """Every question about the deal (and its reminder) now shows what was logged. Returns how many."""
    text, blocks = answered_message(deal, entry, cited=cited)
    posts = session.exec(select(Outbox).where(col(Outbox.team_id) == deal.team_id, col(Outbox.ref) == _ref(deal),
                                              col(Outbox.kind) == "post")).all()
    for post in posts:
        delivery.queue_update(session, target=post, text=text, blocks=blocks)
    return len(posts)
