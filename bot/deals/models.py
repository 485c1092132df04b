"""A closed deal as the CRM sent it, what Truce asked its owner and when, and the webhook's secret."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

# The tables its foreign keys name, registered beside it: SQLAlchemy finds a foreign key's table by name when
# it flushes, and a process imports a feature's tables only when it first uses them (bot/lazy.py).
from bot.competitors.models import Competitor  # noqa: F401
from bot.models.base import WebhookToken, utc_field
from bot.playbook.models import WinLoss  # noqa: F401

STATUSES = ("new", "asked", "confirmed", "unrouted")


class Deal(SQLModel, table=True):
    """One closed deal, keyed by the CRM's own id: the same id again updates it, never a second row.

    Status: new (stored; its owner not looked up yet) -> asked (the prefilled win/loss form was sent to
    the owner, or to the sales lead when the owner is not in Slack) -> confirmed (a win/loss entry);
    unrouted when neither the owner nor a sales lead could be asked."""

    __tablename__ = "deal"
    __table_args__ = (
        UniqueConstraint("team_id", "external_id", name="uq_deal_team_external"),
        Index("ix_deal_due", "status", "reminder_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    external_id: str = Field(max_length=100)
    source: str = Field(max_length=16)  # hubspot | salesforce | zapier | api | csv
    name: str = Field(max_length=200)
    account: str = Field(max_length=150)
    amount: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    currency: str | None = Field(default=None, max_length=3)
    outcome: str = Field(max_length=8)  # won | lost
    owner_email: str = Field(max_length=254)
    competitor: str | None = Field(default=None, max_length=100)
    competitor_id: int | None = Field(default=None, foreign_key="competitor.id")
    closed_on: date = Field(sa_type=Date)
    fingerprint: str = Field(max_length=64)  # the CRM's fields, hashed: an identical resend changes nothing
    updates: int = Field(default=0)  # how many times the CRM changed it after the first time
    status: str = Field(default="new", max_length=16)
    owner_user_id: str | None = Field(default=None, max_length=32)
    asked_user_id: str | None = Field(default=None, max_length=32)  # the owner, or the sales lead
    asked_at: datetime | None = utc_field(nullable=True)
    reminder_due_at: datetime | None = utc_field(nullable=True)
    reminded_at: datetime | None = utc_field(nullable=True)
    win_loss_id: int | None = Field(default=None, foreign_key="win_loss.id")
    confirmed_by: str | None = Field(default=None, max_length=32)
    confirmed_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class DealToken(WebhookToken, table=True):
    """The secret a workspace's CRM sends to POST /webhooks/deal; only its hash is kept."""

    __tablename__ = "deal_token"
