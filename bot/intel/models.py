"""Market-intelligence shares: the share, every message it was posted as, votes, supporters,
and the weekly digests already claimed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.models.base import utc_field

# The text PostgreSQL's full-text index covers (summary, competitor, link title): the expression of
# the stored generated column `search_vector` (migration 0013), which the GIN index covers and
# searches match. The column is PostgreSQL's only, so it is not on the model (like SQLite's FTS5
# table); tests/test_schema.py knows it.
SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, (((COALESCE(summary, ''::character varying)::text || ' '::text) "
    "|| COALESCE(competitor, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(link_title, ''::character varying)::text)"
)
SEARCH_VECTOR = "search_vector"
# SQLite: an FTS5 external-content table kept in step by triggers (created by the migration).
SQLITE_FTS_TABLE = "intel_share_fts"

KINDS = ("competitor", "pricing", "product", "trend", "customer", "other")


class IntelShare(SQLModel, table=True):
    """One piece of market intelligence one team shared with the other."""

    __tablename__ = "intel_share"
    __table_args__ = (
        # One Slack message is shared once, however many people react or Slack retries.
        UniqueConstraint("team_id", "source_channel", "source_ts", name="uq_intel_share_source"),
        Index("ix_intel_share_team_sort", "team_id", "sort_key"),
        Index("ix_intel_share_team_created", "team_id", "created_at"),
        Index("ix_intel_share_team_competitor", "team_id", "competitor_key"),
        # `vs:` and a battlecard's shares, newest and most useful first.
        Index("ix_intel_share_team_competitor_sort", "team_id", "competitor_id", "sort_key"),
        # A battlecard: its lists by kind, and its counts by kind, sharer and team read from the index alone.
        Index("ix_intel_share_competitor_kind", "team_id", "competitor_id", "kind", "sort_key", "sharer_id",
              "from_team", "retracted_at"),
        Index("ix_intel_share_search", text(SEARCH_VECTOR), postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    sharer_id: str = Field(max_length=32)
    from_team: str = Field(max_length=16)  # sales | marketing | both | neither
    kind: str = Field(default="other", max_length=16)
    competitor: str | None = Field(default=None, max_length=80)
    competitor_key: str | None = Field(default=None, max_length=80)  # lower-cased, for vs: filters
    competitor_id: int | None = Field(default=None)  # bot/competitors (no FOREIGN KEY: see migration 0010)
    summary: str = Field(max_length=3000)
    why: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    link: str | None = Field(default=None, max_length=2000)
    link_title: str | None = Field(default=None, max_length=300)
    link_description: str | None = Field(default=None, max_length=600)
    enrichment: str = Field(default="none", max_length=16)  # none | pending | done | failed
    via: str = Field(max_length=16)  # command | modal | shortcut | reaction
    source_channel: str | None = Field(default=None, max_length=32)
    source_ts: str | None = Field(default=None, max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)
    source_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source_state: str = Field(default="none", max_length=16)  # none | live | edited | deleted
    useful_count: int = Field(default=0)
    # Newest and most useful first: seconds since the epoch, plus a week for every Useful vote.
    sort_key: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    discussion_outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    discussion_permalink: str | None = Field(default=None, max_length=500)
    retracted_at: datetime | None = utc_field(nullable=True)
    retracted_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class IntelPost(SQLModel, table=True):
    """One message a share was posted as (its Outbox row), by channel role."""

    __tablename__ = "intel_post"
    __table_args__ = (UniqueConstraint("share_id", "role", name="uq_intel_post_share_role"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    share_id: int = Field(foreign_key="intel_share.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)  # sales | marketing | joint
    channel: str = Field(max_length=32)
    outbox_id: int = Field(foreign_key="outbox.id")
    permalink: str | None = Field(default=None, max_length=500)


class IntelVote(SQLModel, table=True):
    """A "Useful" vote: one per person and share."""

    __tablename__ = "intel_vote"
    __table_args__ = (UniqueConstraint("share_id", "user_id", name="uq_intel_vote_share_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    share_id: int = Field(foreign_key="intel_share.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


class IntelSupporter(SQLModel, table=True):
    """Someone who reacted with the share emoji to a shared message (the first one shared it)."""

    __tablename__ = "intel_supporter"
    __table_args__ = (UniqueConstraint("share_id", "user_id", name="uq_intel_supporter_share_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    share_id: int = Field(foreign_key="intel_share.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


class IntelDigest(SQLModel, table=True):
    """A weekly digest claimed for one workspace and week: the row is the claim."""

    __tablename__ = "intel_digest"
    __table_args__ = (UniqueConstraint("team_id", "week", name="uq_intel_digest_team_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    week: str = Field(max_length=10)  # the local date the digest was due, YYYY-MM-DD
    due_at: datetime = utc_field()
    share_count: int = Field(default=0)
    claimed_at: datetime = utc_field(default_now=True)
