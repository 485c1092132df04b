"""Quarters in the workspace's fiscal year: its timezone, and the month its fiscal year starts in.

A fiscal year is named after the calendar year it ends in, as most companies name theirs: with a
fiscal year starting in April, FY2027 runs from 1 April 2026 to 31 March 2027, and "2027-Q1" is
April to June 2026. With the default (January) fiscal quarters are calendar quarters, so "2027-Q1"
is January to March 2027 as everywhere else in Truce. A quarter starts at local midnight of its first
day in the workspace's timezone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.field_error import FieldError
from bot.models import Workspace
from bot.setup.workspaces import set_pref

PREF = "scorecard.fiscal_year_start"  # 1 (January) .. 12
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
QUARTER = re.compile(r"^(?:(?:fy)?\s*(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(?:fy)?\s*(\d{4}))$")


class FiscalError(FieldError):
    """A fiscal-year start or a quarter that cannot be read; `field` is "fiscal_year_start" or "quarter"."""


def parse_quarter(text: str) -> str:
    """"2027-Q1", "2027 q1", "Q1 2027", "FY2027-Q1" -> "2027-Q1"."""
    match = QUARTER.match((text or "").strip().lower())
    if not match:
        raise FiscalError("quarter", f"“{(text or '').strip()}” is not a quarter: write it like 2027-Q1.")
    year, q = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    return f"{year}-Q{q}"


def shift(quarter: str, by: int) -> str:
    """The quarter `by` quarters after (or before, when negative) `quarter`."""
    year, q = int(quarter[:4]), int(quarter[-1]) - 1 + by
    return f"{year + q // 4}-Q{q % 4 + 1}"


def parse_month(text: str) -> int:
    """"April", "apr", "4" -> 4."""
    word = (text or "").strip().lower().rstrip(".")
    if word.isdigit() and 1 <= int(word) <= 12:
        return int(word)
    found = [i for i, name in enumerate(MONTHS, start=1) if len(word) >= 3 and name.startswith(word)]
    if len(found) != 1:
        raise FiscalError("fiscal_year_start", f"“{(text or '').strip()}” is not a month: write January, "
                                               "Apr or 4 (the month the fiscal year starts in).")
    return found[0]


@dataclass(frozen=True)
class FiscalCalendar:
    timezone: str = "UTC"
    start_month: int = 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")

    def first_day(self, quarter: str) -> date:
        year, q = int(quarter[:4]), int(quarter[-1])
        start_year = year - 1 if self.start_month > 1 else year
        months = start_year * 12 + (self.start_month - 1) + 3 * (q - 1)
        return date(months // 12, months % 12 + 1, 1)

    def quarter_of(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        start_year = local.year if local.month >= self.start_month else local.year - 1
        year = start_year + (1 if self.start_month > 1 else 0)
        return f"{year}-Q{(local.month - self.start_month) % 12 // 3 + 1}"

    def bounds(self, quarter: str) -> tuple[datetime, datetime]:
        """[start, end) of the quarter in UTC: local midnight of its first day to the next quarter's."""
        start = datetime.combine(self.first_day(quarter), datetime.min.time(), self.zone)
        end = datetime.combine(self.first_day(shift(quarter, 1)), datetime.min.time(), self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def months_text(self, quarter: str) -> str:
        """"Apr-Jun 2026" (the months a quarter covers, for a label)."""
        first = self.first_day(quarter)
        last = self.first_day(shift(quarter, 1))
        last_month = date(last.year - (last.month == 1), (last.month - 2) % 12 + 1, 1)
        years = f"{first.year}" if first.year == last_month.year else f"{first.year}-{last_month.year}"
        return f"{first:%b}-{last_month:%b} {years}"

    def label(self, quarter: str) -> str:
        """The quarter as people read it: "2027-Q1", or "2027-Q1 (Apr-Jun 2026)" off the calendar year."""
        return quarter if self.start_month == 1 else f"{quarter} ({self.months_text(quarter)})"


def calendar_of(ws: Workspace) -> FiscalCalendar:
    raw = (ws.prefs or {}).get(PREF)
    month = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() and 1 <= int(raw) <= 12 else 1
    return FiscalCalendar(timezone=ws.timezone or "UTC", start_month=month)


def set_fiscal_year_start(*, session: Session, ws: Workspace, month_text: str) -> FiscalCalendar:
    set_pref(session=session, ws=ws, key=PREF, value=parse_month(month_text))
    return calendar_of(ws)
