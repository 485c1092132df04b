"""When a workspace's quarterly joint meeting is: the schedule and its dates (quarters: bot/quarters.py).

APScheduler's CronTrigger computes the dates in the workspace's timezone, daylight-saving
changes included (month="1,4,7,10" for calendar quarters, day="1st tue", hour, minute).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.quarters import FiscalCalendar
from bot.user_error import UserError

WEEKS = {"first": "1st", "1st": "1st", "second": "2nd", "2nd": "2nd", "third": "3rd", "3rd": "3rd",
         "fourth": "4th", "4th": "4th", "last": "last"}
WEEK_WORDS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "last": "last"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))
TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")
LEAD = re.compile(r"^(\d{1,3})\s*(d|day|days)?$")
MAX_PROMPT_DAYS = 30
USAGE = ("Type it like this: `/joint schedule first tue 10:00 prompt 7d` — week (first, second, third, "
         "fourth or last), weekday, time (24-hour, or 2pm), and how many days before the prompt goes out "
         "(1 to 30). Any part you leave out stays as it is.")




@dataclass(frozen=True)
class Schedule:
    week: str = "1st"
    weekday: str = "tue"
    hour: int = 10
    minute: int = 0
    prompt_days: int = 7
    duration_minutes: int = 60

    def trigger(self, calendar: FiscalCalendar) -> CronTrigger:
        """In the first month of each of the workspace's quarters (bot/quarters.py), in its timezone."""
        return CronTrigger(month=calendar.start_months, day=f"{self.week} {self.weekday}", hour=self.hour,
                           minute=self.minute, timezone=calendar.zone)

    @property
    def time_text(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def describe(self) -> str:
        days = "day" if self.prompt_days == 1 else "days"
        return (f"the {WEEK_WORDS[self.week]} {DAY_NAMES[self.weekday]} of each quarter at {self.time_text}, "
                f"with the prompt {self.prompt_days} {days} before")

    def command(self) -> str:
        return f"/joint schedule {WEEK_WORDS[self.week]} {self.weekday} {self.time_text} prompt {self.prompt_days}d"


def validate(schedule: Schedule) -> Schedule:
    if schedule.week not in WEEK_WORDS:
        raise UserError("Choose the first, second, third, fourth or last week.")
    if schedule.weekday not in DAYS:
        raise UserError("Choose a weekday: mon, tue, wed, thu, fri, sat or sun.")
    if not (0 <= schedule.hour <= 23 and 0 <= schedule.minute <= 59):
        raise UserError("The time must be between 00:00 and 23:59.")
    if not 1 <= schedule.prompt_days <= MAX_PROMPT_DAYS:
        raise UserError(f"The prompt goes out 1 to {MAX_PROMPT_DAYS} days before the meeting.")
    return schedule


def parse_time(token: str) -> tuple[int, int]:
    match = TIME.match(token.strip().lower())
    if not match:
        raise UserError(f"“{token}” is not a time: write 10:00, 14:30 or 2pm.")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise UserError(f"“{token}” is not a time: with am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError(f"“{token}” is not a time: write 10:00, 14:30 or 2pm.")
    return hour, minute


def parse_schedule(text: str, current: Schedule) -> Schedule:
    """`first tue 10:00 prompt 7d` (any part, any order) applied over the current schedule."""
    tokens = text.lower().replace(",", " ").split()
    changes: dict = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("of", "each", "quarter", "at", "the", "every"):
            pass
        elif token in WEEKS:
            changes["week"] = WEEKS[token]
        elif token[:3] in DAYS and (len(token) == 3 or DAY_NAMES[token[:3]].lower().startswith(token)):
            changes["weekday"] = token[:3]
        elif token == "prompt":
            if i + 1 >= len(tokens):
                raise UserError("Say how many days before, like `prompt 7d`.")
            i += 1
            lead = LEAD.match(tokens[i])
            if not lead:
                raise UserError(f"“{tokens[i]}” is not a number of days: write `prompt 7d`.")
            if i + 1 < len(tokens) and tokens[i + 1] in ("d", "day", "days", "before"):
                i += 1
            changes["prompt_days"] = int(lead.group(1))
        elif token[:1].isdigit():
            if i + 1 < len(tokens) and tokens[i + 1] in ("am", "pm"):
                token += tokens[i + 1]
                i += 1
            changes["hour"], changes["minute"] = parse_time(token)
        else:
            raise UserError(f"I don't understand “{token}”.")
        i += 1
    if not changes:
        raise UserError("Nothing to change.")
    return validate(replace(current, **changes))


# --- dates ------------------------------------------------------------------------------------


def next_dates(schedule: Schedule, calendar: FiscalCalendar, *, after: datetime, count: int = 3) -> list[datetime]:
    """The next `count` meeting times at or after `after`, aware, in the workspace's timezone."""
    trigger = schedule.trigger(calendar)
    found: list[datetime] = []
    previous = None
    moment = after.astimezone(calendar.zone)
    while len(found) < count:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:  # a cron trigger without an end date always has a next time
            break
        found.append(fire)
        previous, moment = fire, fire + timedelta(seconds=1)
    return found


def prompt_time(schedule: Schedule, starts_at: datetime, timezone: str) -> datetime:
    """When the prompt goes out: `prompt_days` before, at the same wall-clock time."""
    local = starts_at.astimezone(ZoneInfo(timezone))
    wall = local.replace(tzinfo=None) - timedelta(days=schedule.prompt_days)
    return wall.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def when_text(moment: datetime, timezone: str) -> str:
    """"Tue 5 Jan 2027, 10:00 CET" in the workspace's timezone (the fallback of a Slack date)."""
    t = local(moment, timezone)
    return f"{t:%a} {t.day} {t:%b %Y}, {t:%H:%M} {t.tzname()}"


def slack_date(moment: datetime, timezone: str) -> str:
    """A Slack date token: each reader sees it in their own timezone; the fallback is the workspace's."""
    ts = int(moment.timestamp())
    return f"<!date^{ts}^{{date_long_pretty}} at {{time}}|{when_text(moment, timezone)}>"
