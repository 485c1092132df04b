"""Workspaces, their people, the outbox and processed Slack events."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from bot.models.base import json_field, utc_field


class Workspace(SQLModel, table=True):
    """One Slack workspace (team) that has Truce: its channels, timezone and leads."""

    team_id: str = Field(primary_key=True, max_length=32)
    name: str | None = Field(default=None, max_length=255)
    bot_user_id: str | None = Field(default=None, max_length=32)
    sales_channel: str | None = Field(default=None, max_length=32)
    marketing_channel: str | None = Field(default=None, max_length=32)
    joint_channel: str | None = Field(default=None, max_length=32)
    alerts_channel: str | None = Field(default=None, max_length=32)
    timezone: str = Field(default="UTC", max_length=64)
    lead_user_ids: list[str] = json_field(default_factory=list)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
    # Each feature's preferences (emoji, SLAs, schedules...): read and written only through bot/prefs.py and the
    # feature's model. Loaded with the workspace, so a listener's detached `ws` has them.
    # (No `from __future__ import annotations` in this module: SQLModel reads this annotation to make it a list.)
    pref_rows: list["WorkspacePrefs"] = Relationship(sa_relationship_kwargs={
        "primaryjoin": "Workspace.team_id == foreign(WorkspacePrefs.team_id)", "lazy": "selectin", "viewonly": True})


class WorkspacePrefs(SQLModel, table=True):
    """One feature's preferences for one workspace: a JSON object its pydantic model validates (bot/prefs.py)."""

    __tablename__ = "workspace_prefs"

    team_id: str = Field(primary_key=True, max_length=32)
    feature: str = Field(primary_key=True, max_length=32)
    data: dict[str, Any] = json_field()
    updated_at: datetime = utc_field(default_now=True)


class Member(SQLModel, table=True):
    """A person's team membership: from channel membership, unless an admin overrides it."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_member_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    display_name: str | None = Field(default=None, max_length=255)
    real_name: str | None = Field(default=None, max_length=255)
    in_sales_channel: bool = Field(default=False)
    in_marketing_channel: bool = Field(default=False)
    sales_override: bool | None = Field(default=None)
    marketing_override: bool | None = Field(default=None)
    is_admin: bool = Field(default=False)
    refreshed_at: datetime = utc_field(default_now=True)

    @property
    def on_sales(self) -> bool:
        return self.in_sales_channel if self.sales_override is None else self.sales_override

    @property
    def on_marketing(self) -> bool:
        return self.in_marketing_channel if self.marketing_override is None else self.marketing_override


class Outbox(SQLModel, table=True):
    """A message Truce posts or updates: stored with the data that caused it, sent after commit."""

    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_outbox_team_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_lane", "team_id", "channel", "status"),  # the unsent posts before this one
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)
    kind: str = Field(max_length=16)  # post | update
    channel: str | None = Field(default=None, max_length=32)
    target_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    thread_parent_id: int | None = Field(default=None, foreign_key="outbox.id")
    ref: str | None = Field(default=None, max_length=64, index=True)
    text: str = Field(default="")
    blocks: list[dict[str, Any]] = json_field(default_factory=list)
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_field(default_now=True)
    claimed_until: datetime | None = utc_field(nullable=True)
    # Who holds the claim (a new uuid per claim): a sender writes an attempt's outcome only while
    # the row is still claimed with its token (bot/delivery.py).
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=255)
    posted_channel: str | None = Field(default=None, max_length=32)
    posted_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)
    sent_at: datetime | None = utc_field(nullable=True)
    # Since when a post may be in Slack without Truce knowing (no answer, a 5xx, or the process died
    # mid-call): before posting it again, the channel's history is searched for its key (metadata).
    in_doubt_since: datetime | None = utc_field(nullable=True)
    # How far that search got (a message ts) when Slack asked it to wait (429): it resumes there.
    lookup_from: str | None = Field(default=None, max_length=32)


class ProcessedEvent(SQLModel, table=True):
    """Events API deliveries taken (`processing`) or handled (`done`), so a Slack retry changes nothing
    unless the first try did not finish (bot/event_once.py)."""

    __tablename__ = "processed_event"

    __table_args__ = (UniqueConstraint("team_id", "event_id", name="uq_event_team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    status: str = Field(default="done", max_length=16)  # processing | done (bot/event_once.py)
    received_at: datetime = utc_field(default_now=True, index=True)


class Task(SQLModel, table=True):
    """Work Truce accepted from Slack but can only finish by asking Slack first (e.g. reading the
    message a reaction points at). Stored before Slack gets its answer; run right after it, and
    again after a crash until it is done (see bot/tasks.py)."""

    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_task_team_key"),
        Index("ix_task_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = json_field()
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_field(default_now=True)
    claimed_until: datetime | None = utc_field(nullable=True)
    claim_token: str | None = Field(default=None, max_length=32)  # who holds the claim (bot/tasks.py)
    last_error: str | None = Field(default=None, max_length=255)
    created_at: datetime = utc_field(default_now=True)
    done_at: datetime | None = utc_field(nullable=True)
