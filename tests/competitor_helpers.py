"""Rows for the competitor and deal tests: shares and win/loss entries written straight to the database
(what the intel and win/loss features store), and a workspace set up like the sandbox's."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.intel.models import IntelShare
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.sandbox.seed import JOINT, LEE, MARKETING, SALES

TEAM = "T0TRUCE"


def workspace(session, *, timezone: str = "UTC") -> Workspace:
    ws = session.get(Workspace, TEAM)
    if ws is None:
        ws = Workspace(team_id=TEAM, sales_channel=SALES, marketing_channel=MARKETING, joint_channel=JOINT,
                       timezone=timezone, lead_user_ids=[LEE], created_at=datetime(2020, 1, 1, tzinfo=UTC))
        session.add(ws)
        session.flush()
    return ws


def share(session, *, summary: str, competitor: str | None = None, kind: str = "competitor",
          sharer: str = "USAM001", from_team: str = "sales", useful: int = 0, at: datetime | None = None,
          competitor_id: int | None = None, retracted: bool = False) -> IntelShare:
    at = at or datetime(2027, 2, 1, 9, tzinfo=UTC)
    row = IntelShare(team_id=TEAM, sharer_id=sharer, from_team=from_team, kind=kind, competitor=competitor,
                     competitor_key=competitor.lower() if competitor else None, competitor_id=competitor_id,
                     summary=summary, via="command", useful_count=useful,
                     sort_key=int(at.timestamp()) + useful * 7 * 24 * 3600, created_at=at, updated_at=at,
                     retracted_at=at if retracted else None)
    session.add(row)
    session.flush()
    return row


def entry(session, *, outcome: str, customer: str, reason: str = "price", competitor: str | None = None,
          competitor_id: int | None = None, at: datetime | None = None, amount: str | None = None,
          currency: str | None = None, recorded_by: str = "USAM001", notes: str | None = None) -> WinLoss:
    at = at or datetime(2027, 2, 1, 9, tzinfo=UTC)
    row = WinLoss(team_id=TEAM, outcome=outcome, customer=customer, reason=reason, competitor=competitor,
                  competitor_id=competitor_id, recorded_by=recorded_by, closed_at=at, created_at=at,
                  amount=Decimal(amount) if amount else None, currency=currency, notes=notes)
    session.add(row)
    session.flush()
    return row


__all__ = ["LEE", "TEAM", "entry", "share", "workspace"]
