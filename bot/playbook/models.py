"""The marketing playbook salespeople can read (step 9) and the win/loss log (step 8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Index, Numeric, Text
from sqlmodel import Field, SQLModel

from bot.models.base import json_field, utc_field


class Strategy(SQLModel, table=True):
    """A current (or retired) marketing strategy, as marketing published it."""

    __table_args__ = (Index("ix_strategy_team_status", "team_id", "status", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    title: str = Field(max_length=150)
    summary: str = Field(sa_type=Text)
    segment: str | None = Field(default=None, max_length=200)
    key_messages: str | None = Field(default=None, sa_type=Text)
    link: str | None = Field(default=None, max_length=1000)
    status: str = Field(default="active", max_length=16)  # active | retired
    review_by: date | None = Field(default=None, sa_type=Date)
    version: int = Field(default=1)  # bumped by every change, so two editors never overwrite each other
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_field(default_now=True)


class StrategyRevision(SQLModel, table=True):
    """Who changed a strategy, when, and what (field -> [before, after]); one notice each."""

    __tablename__ = "strategy_revision"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    action: str = Field(max_length=16)  # published | edited | retired | reactivated
    changes: dict[str, Any] = json_field()
    user_id: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True, index=True)


class WinLoss(SQLModel, table=True):
    """One past sales result: won or lost, for whom, how much, and why."""

    __tablename__ = "win_loss"
    __table_args__ = (Index("ix_win_loss_team_closed", "team_id", "closed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    outcome: str = Field(max_length=8)  # won | lost
    customer: str = Field(max_length=150)
    amount: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    currency: str | None = Field(default=None, max_length=3)
    reason: str = Field(max_length=32)
    notes: str | None = Field(default=None, sa_type=Text)
    competitor: str | None = Field(default=None, max_length=100)
    source: str = Field(default="command", max_length=16)  # command | modal
    recorded_by: str = Field(max_length=32)
    closed_at: datetime = utc_field(default_now=True)  # when the deal was won or lost
    created_at: datetime = utc_field(default_now=True)
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime | None = utc_field(nullable=True)
