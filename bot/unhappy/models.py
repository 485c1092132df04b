"""Customer-unhappiness reports: the shared task, its corrective actions and its reminder stages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import json_field, utc_field


class UnhappyReport(SQLModel, table=True):
    """One unhappy customer: owned only when it has a sales owner AND a marketing owner."""

    __tablename__ = "unhappy_report"
    __table_args__ = (Index("ix_unhappy_report_team_status", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    customer: str = Field(max_length=150)
    customer_key: str = Field(max_length=150, index=True)  # lower-cased, for matching satisfaction scores
    severity: str = Field(default="medium", max_length=16)
    description: str = Field(default="")
    link: str | None = Field(default=None, max_length=1000)
    contact: str | None = Field(default=None, max_length=200)
    reporter_id: str = Field(max_length=32)
    source: str = Field(default="command", max_length=16)  # command | modal | shortcut
    source_permalink: str | None = Field(default=None, max_length=1000)
    source_channel: str | None = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)  # open | resolved | not_an_issue
    sales_owner_id: str | None = Field(default=None, max_length=32)
    marketing_owner_id: str | None = Field(default=None, max_length=32)
    sales_claimed_at: datetime | None = utc_field(nullable=True)
    marketing_claimed_at: datetime | None = utc_field(nullable=True)
    # Step 6 "reduce bureaucracy": when both teams first owned it, and how long that took.
    owned_at: datetime | None = utc_field(nullable=True)
    time_to_owned_s: int | None = Field(default=None)
    acknowledged_by: list[str] = json_field(default_factory=list)
    snoozed_until: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    closed_by: str | None = Field(default=None, max_length=32)
    alert_channel: str | None = Field(default=None, max_length=32)
    alert_outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    alert_permalink: str | None = Field(default=None, max_length=1000)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)

    def owner(self, team: str) -> str | None:
        return self.sales_owner_id if team == "sales" else self.marketing_owner_id

    @property
    def owners(self) -> list[str]:
        return [u for u in (self.sales_owner_id, self.marketing_owner_id) if u]

    @property
    def is_owned(self) -> bool:
        return bool(self.sales_owner_id and self.marketing_owner_id)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class CorrectiveAction(SQLModel, table=True):
    """What an owner did about a report, and why it happened."""

    __tablename__ = "unhappy_action"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    report_id: int = Field(foreign_key="unhappy_report.id", index=True)
    user_id: str = Field(max_length=32)
    text: str = Field(default="")
    root_cause: str = Field(max_length=32)
    follow_up_on: date | None = Field(default=None)
    created_at: datetime = utc_field(default_now=True)


class UnhappyStage(SQLModel, table=True):
    """A reminder stage already sent for a report: the unique key makes each stage happen once."""

    __tablename__ = "unhappy_stage"
    __table_args__ = (UniqueConstraint("report_id", "stage", name="uq_unhappy_stage"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    report_id: int = Field(foreign_key="unhappy_report.id")
    stage: str = Field(max_length=64)
    created_at: datetime = utc_field(default_now=True)


__all__ = ["CorrectiveAction", "UnhappyReport", "UnhappyStage"]
