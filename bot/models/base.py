"""Shared column helpers: every timestamp is timezone-aware UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field

from bot.clock import now


def utc_field(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    kwargs: dict[str, Any] = {"sa_type": DateTime(timezone=True), "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = now
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)


def json_field(*, default_factory=dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


__all__ = ["datetime", "json_field", "utc_field"]
