"""The one source of 'now' (timezone-aware UTC). Tests move it with time-machine; the sandbox
shell fast-forwards it with `advance()`. Use `bot.clock.now()`, never `datetime.now()`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> datetime:
    """Move this process's clock forward (the sandbox's fast-forward). Returns the new now."""
    global _offset
    _offset += delta
    return now()


def reset() -> None:
    global _offset
    _offset = timedelta(0)


@overload
def aware(value: datetime) -> datetime: ...


@overload
def aware(value: datetime | None) -> datetime | None: ...


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every one Truce stores is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
