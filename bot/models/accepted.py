"""A slash command or a click Truce answered before running it: stored as Slack sent it (bot/accepted.py)."""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models.base import utc_field


class AcceptedRequest(SQLModel, table=True):
    __tablename__ = "accepted_request"
    __table_args__ = (UniqueConstraint("key", name="uq_accepted_request_key"),
                      Index("ix_accepted_request_due", "status", "claimed_until"))

    id: int | None = Field(default=None, primary_key=True)
    # team, kind and Slack's trigger_id: a delivery Slack makes twice is stored once.
    key: str = Field(max_length=255)
    team_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # "command" or "block_actions"
    content_type: str = Field(max_length=64)
    body: str = Field(sa_type=Text)  # the signed body as Slack sent it; emptied once over
    # pending -> ran (with its first write) -> done (its answer said), or failed (given up)
    status: str = Field(default="pending", max_length=16)
    # A command's answer (JSON), kept from its run until it is said: said again if its process dies first.
    answer: str | None = Field(default=None, sa_type=Text, nullable=True)
    attempts: int = Field(default=0)
    claim_token: str = Field(max_length=32)
    claimed_until: datetime = utc_field()
    received_at: datetime = utc_field(default_now=True)
    done_at: datetime | None = utc_field(nullable=True)
