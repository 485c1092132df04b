"""Customer-satisfaction scores, the webhook's secret per workspace, and the weekly digest runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import WebhookToken, utc_field


class CsatScore(SQLModel, table=True):
    """One satisfaction score for one customer, on a 0-10 or a 1-5 scale."""

    __tablename__ = "csat_score"
    __table_args__ = (Index("ix_csat_score_team_created", "team_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    customer: str = Field(max_length=150)
    customer_key: str = Field(max_length=150, index=True)
    score: float
    scale: int  # 10 (0-10) or 5 (1-5)
    comment: str | None = Field(default=None, max_length=1000)
    source: str = Field(default="command", max_length=64)
    reporter_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)

    @property
    def index(self) -> float:
        """The score on a common 0-10 footing (a 1-5 score of 4 is 7.5)."""
        return self.score if self.scale == 10 else (self.score - 1) * 2.5


class CsatToken(WebhookToken, table=True):
    """The secret a workspace's survey tool sends to POST /webhooks/csat; only its hash is kept."""

    __tablename__ = "csat_token"


class CsatDigestRun(SQLModel, table=True):
    """A weekly digest already sent: one row per workspace per ISO week."""

    __tablename__ = "csat_digest_run"
    __table_args__ = (UniqueConstraint("team_id", "week", name="uq_csat_digest_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    week: str = Field(max_length=10)  # e.g. 2026-W48
    created_at: datetime = utc_field(default_now=True)
