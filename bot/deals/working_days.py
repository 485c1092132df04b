"""Working days: when "two working days later" is, in the workspace's own timezone and week. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


def add_working_days(moment: datetime, count: int, *, timezone: str = "UTC",
                     days: Iterable[int] = MONDAY_TO_FRIDAY) -> datetime:
    """`count` working days after `moment`, at the same local time (a Friday 15:00 plus two is Tuesday
    15:00, and so is a Saturday 15:00 plus two). `days` are the working weekdays, 0 = Monday."""
    working = set(days) or set(MONDAY_TO_FRIDAY)
    tz = ZoneInfo(timezone or "UTC")
    local = moment.astimezone(tz)
    day, added = local.date(), 0
    while added < count:
        day += timedelta(days=1)
        if day.weekday() in working:
            added += 1
    return datetime.combine(day, local.time(), tz).astimezone(moment.tzinfo)
