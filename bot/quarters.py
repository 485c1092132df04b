"""A workspace's quarters: the one quarter calendar the joint meeting (its schedule, plans, prompts and
agenda), the win/loss summary and the scorecard all use.

Quarters start on the month the workspace's fiscal year starts in (a setting: `/joint fiscal-year`;
default January, so quarters are calendar quarters) at local midnight in the workspace's timezone.
A fiscal year is named after the calendar year it ends in, as most companies name theirs: with a fiscal
year starting in April, FY2027 runs from 1 April 2026 to 31 March 2027, and "2027-Q1" is April to June
2026. With the default, "2027-Q1" is January to March 2027.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlmodel import Session

from bot.models import Workspace
from bot.prefs import FeaturePrefs, prefs_of, save_prefs
from bot.user_error import UserError

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
QUARTER = re.compile(r"^(?:(?:fy)?\s*(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(?:fy)?\s*(\d{4}))$")


def parse_quarter(text: str) -> str:
    """"2027-Q1", "2027 q1", "Q1 2027", "FY2027-Q1" -> "2027-Q1"."""
    match = QUARTER.match((text or "").strip().lower())
    if not match:
        raise UserError(f"“{(text or '').strip()}” is not a quarter: write it like 2027-Q1.", field="quarter")
    year, q = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    return f"{year}-Q{q}"


def shift_quarter(quarter: str, by: int) -> str:
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
        raise UserError(f"“{(text or '').strip()}” is not a month: write January, Apr or 4 (the month the fiscal "
                        "year starts in).", field="fiscal_year_start")
    return found[0]


@dataclass(frozen=True)
class FiscalCalendar:
    timezone: str = "UTC"
    start_month: int = 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")

    @property
    def start_months(self) -> str:
        """The months quarters start in, for a cron trigger: "1,4,7,10" by default, "2,5,8,11" from February."""
        return ",".join(str(m) for m in sorted((self.start_month - 1 + 3 * i) % 12 + 1 for i in range(4)))

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
        end = datetime.combine(self.first_day(shift_quarter(quarter, 1)), datetime.min.time(), self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def months_text(self, quarter: str) -> str:
        """"Apr-Jun 2026" (the months a quarter covers, for a label)."""
        first = self.first_day(quarter)
        last = self.first_day(shift_quarter(quarter, 1))
        last_month = date(last.year - (last.month == 1), (last.month - 2) % 12 + 1, 1)
        years = f"{first.year}" if first.year == last_month.year else f"{first.year}-{last_month.year}"
        return f"{first:%b}-{last_month:%b} {years}"

    def label(self, quarter: str) -> str:
        """The quarter as people read it: "2027-Q1", or "2027-Q1 (Apr-Jun 2026)" off the calendar year."""
        return quarter if self.start_month == 1 else f"{quarter} ({self.months_text(quarter)})"

    def describe(self) -> str:
        if self.start_month == 1:
            return "calendar quarters (the fiscal year starts in January)"
        return f"quarters of the fiscal year starting in {MONTHS[self.start_month - 1].capitalize()}"


class CalendarPrefs(FeaturePrefs):
    """The workspace's calendar (bot/prefs.py): the month its fiscal year starts in, 1 (January) to 12."""

    feature = "calendar"
    fiscal_year_start: int = Field(default=1, ge=1, le=12)


def start_month_of(ws: Workspace) -> int:
    return prefs_of(ws, CalendarPrefs).fiscal_year_start


def set_start_month(*, session: Session, ws: Workspace, month: int) -> None:
    save_prefs(session=session, ws=ws, prefs=prefs_of(ws, CalendarPrefs).model_copy(
        update={"fiscal_year_start": month}))


def calendar_of(ws: Workspace) -> FiscalCalendar:
    return FiscalCalendar(timezone=ws.timezone or "UTC", start_month=start_month_of(ws))
