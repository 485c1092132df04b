"""Quarterly joint meetings (steps 1 and 2) and joint plans (steps 5 and 10)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import json_field, utc_field

MONEY = Numeric(18, 2)


class JointMeeting(SQLModel, table=True):
    """One quarter's joint sales + marketing meeting, created when its prompt goes out."""

    __tablename__ = "joint_meeting"
    __table_args__ = (UniqueConstraint("team_id", "quarter", name="uq_joint_meeting_quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)  # 2027-Q1
    starts_at: datetime = utc_field()
    scheduled_for: datetime = utc_field()  # what the schedule said (starts_at moves with the poll)
    prompt_post_ids: list[int] = json_field(default_factory=list)  # joint channel, or leads' DMs
    notice_post_ids: list[int] = json_field(default_factory=list)  # the sales and marketing notices
    outcomes_post_id: int | None = Field(default=None)
    minutes: str | None = Field(default=None, sa_type=Text)
    minutes_by: str | None = Field(default=None, max_length=32)
    minutes_at: datetime | None = utc_field(nullable=True)
    moved_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)


class JointOccurrence(SQLModel, table=True):
    """A scheduled post (prompt, reminder, follow-up) claimed once per workspace and quarter."""

    __tablename__ = "joint_occurrence"
    __table_args__ = (UniqueConstraint("team_id", "quarter", "kind", name="uq_joint_occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)
    kind: str = Field(max_length=64)
    claimed_by: str = Field(max_length=64)
    claimed_at: datetime = utc_field(default_now=True)


class JointRsvp(SQLModel, table=True):
    __tablename__ = "joint_rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_joint_rsvp_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    meeting_id: int = Field(foreign_key="joint_meeting.id")
    user_id: str = Field(max_length=32)
    attending: bool
    answered_at: datetime = utc_field(default_now=True)


class JointTimeOption(SQLModel, table=True):
    """Another time someone proposed for the meeting: one option of the time poll."""

    __tablename__ = "joint_time_option"
    __table_args__ = (UniqueConstraint("meeting_id", "starts_at", name="uq_joint_time_option"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    meeting_id: int = Field(foreign_key="joint_meeting.id")
    starts_at: datetime = utc_field()
    proposed_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


class JointVote(SQLModel, table=True):
    """One vote per person per meeting, for one option of the time poll."""

    __tablename__ = "joint_vote"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_joint_vote_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    meeting_id: int = Field(foreign_key="joint_meeting.id")
    option_id: int = Field(foreign_key="joint_time_option.id")
    user_id: str = Field(max_length=32)
    voted_at: datetime = utc_field(default_now=True)


class JointAgendaItem(SQLModel, table=True):
    """An item someone added to a quarter's agenda (`/joint agenda ...` or the button)."""

    __tablename__ = "joint_agenda_item"
    __table_args__ = (Index("ix_joint_agenda_item_quarter", "team_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)
    text: str = Field(sa_type=Text)
    added_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


class CustomerNeed(SQLModel, table=True):
    """A customer's future need someone heard (step 2), gathered per quarter."""

    __tablename__ = "customer_need"
    __table_args__ = (Index("ix_customer_need_quarter", "team_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)
    text: str = Field(sa_type=Text)
    added_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


class ActionItem(SQLModel, table=True):
    """Something a joint meeting decided: an owner, a due date, open until closed."""

    __tablename__ = "joint_action_item"
    __table_args__ = (Index("ix_joint_action_item_open", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    meeting_id: int = Field(foreign_key="joint_meeting.id")
    quarter: str = Field(max_length=7)
    text: str = Field(sa_type=Text)
    owner_id: str = Field(max_length=32)
    due_on: date = Field(sa_type=Date)
    status: str = Field(default="open", max_length=8)  # open | done
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)
    closed_by: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = utc_field(nullable=True)
    reminded_at: datetime | None = utc_field(nullable=True)
    dm_post_id: int | None = Field(default=None)
    reminder_post_id: int | None = Field(default=None)


class JointPlan(SQLModel, table=True):
    """A quarter's joint business plan; its lines are what finance forecasts from."""

    __tablename__ = "joint_plan"
    __table_args__ = (UniqueConstraint("team_id", "quarter", name="uq_joint_plan_quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)
    currency: str = Field(max_length=3)
    # [{"id": "U…", "name": "Sam Seller", "teams": ["sales"]}] as they were when saved
    owners: list[dict[str, Any]] = json_field(default_factory=list)
    post_id: int | None = Field(default=None)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_field(default_now=True)


class JointPlanLine(SQLModel, table=True):
    __tablename__ = "joint_plan_line"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    plan_id: int = Field(foreign_key="joint_plan.id", index=True)
    position: int
    goal: str = Field(sa_type=Text)
    campaign: str = Field(default="", sa_type=Text)
    budget: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    expected_pipeline: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    expected_revenue: Decimal = Field(default=Decimal("0"), sa_type=MONEY)


class JointPlanRevision(SQLModel, table=True):
    """Every change to a plan: who, when, and what changed (from -> to)."""

    __tablename__ = "joint_plan_revision"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    plan_id: int = Field(foreign_key="joint_plan.id", index=True)
    user_id: str = Field(max_length=32)
    at: datetime = utc_field(default_now=True)
    changes: dict[str, Any] = json_field()
