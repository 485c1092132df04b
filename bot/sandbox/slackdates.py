"""Slack's date tokens, `<!date^1767607200^{date_long_pretty} at {time}|fallback>`, shown as Slack's
client shows them: in the reader's timezone, with "today", "tomorrow" and "yesterday" where the
format asks for them (relative to the sandbox's clock)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import clock

_TOKEN = re.compile(r"\{(\w+)\}")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _relative(moment: datetime, today: datetime) -> str | None:
    days = (moment.date() - today.date()).days
    return {-1: "yesterday", 0: "today", 1: "tomorrow"}.get(days)


def _ago(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    for size, unit in ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            words = f"{n} {unit}{'s' if n > 1 else ''}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"


def format_token(timestamp: int | float, fmt: str, timezone: str = "UTC", now: datetime | None = None) -> str:
    """One `<!date^…>` token's text (its format string filled in)."""
    try:
        tz = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    moment = datetime.fromtimestamp(float(timestamp), UTC).astimezone(tz)
    today = (now or clock.now()).astimezone(tz)
    date_long = f"{moment:%A}, {moment:%B} {_ordinal(moment.day)}, {moment.year}"
    date = f"{moment:%B} {_ordinal(moment.day)}, {moment.year}"
    date_short = f"{moment:%b} {moment.day}, {moment.year}"
    time = moment.strftime("%I:%M %p").lstrip("0")
    relative = _relative(moment, today)
    values = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date_slash": moment.strftime("%d/%m/%Y"),
        "date": date,
        "date_short": date_short,
        "date_long": date_long,
        "date_long_full": f"{moment:%B} {moment.day}, {moment.year}",
        "date_pretty": relative.capitalize() if relative else date,
        "date_short_pretty": relative.capitalize() if relative else date_short,
        "date_long_pretty": relative.capitalize() if relative else date_long,
        "day_divider_pretty": relative.capitalize() if relative else date_long,
        "time": time,
        "time_secs": moment.strftime("%I:%M:%S %p").lstrip("0"),
        "ago": _ago(moment, today),
    }
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), fmt)


def render(inner: str, timezone: str = "UTC") -> str:
    """The text of a token's inside, `!date^<ts>^<format>[^<link>]|<fallback>`; the fallback when it
    cannot be read, as Slack does."""
    body, _, fallback = inner.partition("|")
    parts = body.split("^")
    try:
        return format_token(int(parts[1]), parts[2], timezone)
    except (IndexError, ValueError, OverflowError, OSError):
        return fallback or body
