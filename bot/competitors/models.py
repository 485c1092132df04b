"""The competitor list (with every spelling and the history of merges and renames), what the
receiving team did with each share, and the intel a win/loss entry cites.

Intel shares and win/loss entries point at their competitor with `competitor_id` (their own tables);
a merge moves them to the competitor that stays, and keeps the merged one (with `merged_into_id`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

# The tables its foreign keys name, registered beside it: SQLAlchemy finds a foreign key's table by name when
# it flushes, and a process imports a feature's tables only when it first uses them (bot/lazy.py).
from bot.intel.models import IntelShare  # noqa: F401
from bot.models.base import json_field, utc_field
from bot.playbook.models import WinLoss  # noqa: F401


class Competitor(SQLModel, table=True):
    """One competitor of one workspace, by the name a lead gave it (or the first spelling seen)."""

    __tablename__ = "competitor"
    __table_args__ = (Index("ix_competitor_team_name", "team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=100)
    merged_into_id: int | None = Field(default=None, foreign_key="competitor.id")  # set: merged, kept for history
    created_by: str | None = Field(default=None, max_length=32)  # None: found in what people had shared
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class CompetitorAlias(SQLModel, table=True):
    """A spelling's key (bot/competitors/names.py) and the competitor it means; one per key and workspace."""

    __tablename__ = "competitor_alias"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_competitor_alias_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    competitor_id: int = Field(foreign_key="competitor.id", index=True)
    key: str = Field(max_length=100)
    name: str = Field(max_length=100)  # the spelling it was first seen as
    added_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)


class CompetitorEvent(SQLModel, table=True):
    """The history: created, renamed, merged (into / from), alias added; `changes` says what moved."""

    __tablename__ = "competitor_event"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    competitor_id: int = Field(foreign_key="competitor.id", index=True)
    action: str = Field(max_length=16)  # created | renamed | merged_into | merged_from | alias_added
    changes: dict[str, Any] = json_field()
    user_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)


class IntelFeedback(SQLModel, table=True):
    """What one person of the receiving team did with a share: one answer each, changeable."""

    __tablename__ = "intel_feedback"
    __table_args__ = (
        UniqueConstraint("share_id", "user_id", name="uq_intel_feedback_share_user"),
        Index("ix_intel_feedback_team_updated", "team_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    share_id: int = Field(foreign_key="intel_share.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    user_team: str = Field(max_length=16)  # sales | marketing: the team the answer speaks for
    verdict: str = Field(max_length=16)  # acted_on | used_in_deal | not_relevant
    note: str | None = Field(default=None, max_length=300)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class IntelFeedbackDigest(SQLModel, table=True):
    """The weekly DM to one sharer about what happened to their shares: the row is the claim."""

    __tablename__ = "intel_feedback_digest"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "week", name="uq_intel_feedback_digest_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    week: str = Field(max_length=10)  # the local date the week ended, YYYY-MM-DD
    answers: int = Field(default=0)
    created_at: datetime = utc_field(default_now=True)


class WinLossIntel(SQLModel, table=True):
    """A share a win/loss entry cites as the intel that helped."""

    __tablename__ = "win_loss_intel"
    __table_args__ = (UniqueConstraint("win_loss_id", "share_id", name="uq_win_loss_intel"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    win_loss_id: int = Field(foreign_key="win_loss.id", ondelete="CASCADE")
    share_id: int = Field(foreign_key="intel_share.id", ondelete="CASCADE", index=True)
    cited_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)
