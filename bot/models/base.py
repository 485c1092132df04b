"""Shared column helpers: every timestamp is timezone-aware UTC; `pk` is the id of a stored row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from bot.clock import now


def utc_field(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    kwargs: dict[str, Any] = {"sa_type": DateTime(timezone=True), "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = now
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)


def json_field(*, default_factory: Callable[[], Any] = dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


def dialect_insert(dialect: str) -> Any:
    """The INSERT (with its ON CONFLICT clauses) of the database in use, "postgresql" or "sqlite": the other
    dialect's module is not imported (on SQLite, PostgreSQL's would be a fortieth of start-up)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def pk(value: int | None) -> int:
    """The id of a row that is in the database (loaded, or flushed). SQLModel types every `id` as
    `int | None` because a row has none until it is flushed; one read back from the database always
    has one, so None here is a bug (a row used before its session flushed it)."""
    if value is None:
        raise ValueError("a row without an id: it was not flushed to the database yet")
    return value


class WebhookToken(SQLModel):
    """The columns of a workspace's webhook secret (CSAT, deals, actuals): one per workspace, only its
    sha256 kept. Each feature's table subclasses it (bot/webhook_secret.py issues and checks them)."""

    team_id: str = Field(primary_key=True, max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_field(default_now=True)


__all__ = ["WebhookToken", "datetime", "dialect_insert", "json_field", "pk", "utc_field"]
