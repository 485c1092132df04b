"""The scorecard's tables: actuals against the joint plan, their history, the actuals webhook's secret,
and the chart files posted to Slack."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col

from bot.intel.models import IntelShare
from bot.models.base import WebhookToken, json_field, utc_field
from bot.unhappy.models import UnhappyReport

MONEY = Numeric(18, 2)

# The scorecard's quarterly counts read every row of five quarters of these two tables: indexes that
# hold all the columns it reads (covering), so the database reads the index alone, in date order.
# Declared here, beside the queries that need them (bot/scorecard/metrics.py); the features that own
# the tables index them for their own reads.
INTEL_SCORECARD_INDEX = Index("ix_intel_share_scorecard", col(IntelShare.team_id), col(IntelShare.created_at),
                              col(IntelShare.from_team), col(IntelShare.useful_count), col(IntelShare.retracted_at))
UNHAPPY_SCORECARD_INDEX = Index("ix_unhappy_report_scorecard", col(UnhappyReport.team_id),
                                col(UnhappyReport.created_at), col(UnhappyReport.status),
                                col(UnhappyReport.time_to_owned_s), col(UnhappyReport.closed_at),
                                col(UnhappyReport.id))


class PlanActual(SQLModel, table=True):
    """What happened against one goal of a quarter's joint plan, for one of its owners or for nobody
    in particular (`owner_id` ""). Each amount is None until someone records it."""

    __tablename__ = "plan_actual"
    __table_args__ = (UniqueConstraint("team_id", "quarter", "goal_key", "owner_id", name="uq_plan_actual_line"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)  # 2027-Q1, in the workspace's fiscal year
    goal: str = Field(sa_type=Text)  # as the plan wrote it when first recorded
    goal_key: str = Field(max_length=500)  # lower-cased, spaces collapsed: how a goal is matched
    owner_id: str = Field(default="", max_length=32)
    owner_name: str = Field(default="", max_length=255)
    currency: str = Field(max_length=3)  # the plan's
    budget_spent: Decimal | None = Field(default=None, sa_type=MONEY)
    pipeline: Decimal | None = Field(default=None, sa_type=MONEY)
    revenue: Decimal | None = Field(default=None, sa_type=MONEY)
    source: str = Field(max_length=16)  # command | form | csv | webhook (the last change)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_field(default_now=True)
    created_at: datetime = utc_field(default_now=True)


class PlanActualRevision(SQLModel, table=True):
    """One change to a quarter's actuals: who (a person, or "webhook"), when, how, and what changed
    ({"<goal> · <owner>": {"pipeline": {"from": "1.00", "to": "2.00"}, ...}})."""

    __tablename__ = "plan_actual_revision"
    __table_args__ = (Index("ix_plan_actual_revision_quarter", "team_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    quarter: str = Field(max_length=7)
    user_id: str = Field(max_length=32)
    source: str = Field(max_length=16)
    changes: dict[str, Any] = json_field()
    at: datetime = utc_field(default_now=True)


class ActualsToken(WebhookToken, table=True):
    """The secret a finance tool sends to POST /webhooks/actuals; only its hash is kept."""

    __tablename__ = "actuals_token"


class ScorecardChart(SQLModel, table=True):
    """A scorecard chart to post (or posted) to a channel: the row is the claim, so a quarterly prompt's
    chart is posted once, and a run that died mid-upload looks for its file before uploading again."""

    __tablename__ = "scorecard_chart"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_scorecard_chart_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=128)  # scorecard:<quarter>:prompt, or scorecard:<quarter>:<request id>
    quarter: str = Field(max_length=7)
    channel: str = Field(max_length=32)
    requested_by: str | None = Field(default=None, max_length=32)
    status: str = Field(default="pending", max_length=16)  # pending | uploading | shared | failed
    filename: str = Field(max_length=128)
    file_id: str | None = Field(default=None, max_length=32)
    size: int | None = Field(default=None)  # bytes of the PNG
    last_error: str | None = Field(default=None, max_length=255)
    created_at: datetime = utc_field(default_now=True)
    shared_at: datetime | None = utc_field(nullable=True)


__all__ = ["INTEL_SCORECARD_INDEX", "UNHAPPY_SCORECARD_INDEX", "ActualsToken", "PlanActual", "PlanActualRevision",
           "ScorecardChart"]
