"""What an unhappiness report is made of: limits, root causes, states, and how old it is. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.clock import aware, now
from bot.unhappy.models import UnhappyReport

CUSTOMER_MAX = 150
DESCRIPTION_MAX = 3000


LINK_MAX = 1000
CONTACT_MAX = 200


ROOT_CAUSES = {
    "product": "Product",
    "service": "Service / support",
    "delivery": "Delivery",
    "pricing": "Pricing / billing",
    "expectations": "Expectations set by sales or marketing",
    "other": "Other",
}


STATUS_TEXT = {"open": "Open", "resolved": "Resolved", "not_an_issue": "Not an issue"}


def age(report: UnhappyReport, at: datetime | None = None) -> float:
    return ((at or now()) - aware(report.created_at)).total_seconds()


def state_text(report: UnhappyReport) -> str:
    """A short state: Unclaimed, Needs marketing, Owned, Resolved..."""
    if report.status != "open":
        return STATUS_TEXT[report.status]
    if report.is_owned:
        return "Owned by both teams"
    if report.sales_owner_id:
        return "Needs a marketing owner"
    if report.marketing_owner_id:
        return "Needs a sales owner"
    return "Unclaimed"


ACTION_MAX = 2000
SNOOZE_CHOICES = {
    "1h": "1 hour", "4h": "4 hours", "tomorrow": "Until tomorrow morning", "3d": "3 days", "1w": "1 week",
    "wake": "End the snooze now",
}


SEVERITIES = ("critical", "high", "medium", "low")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class UnhappyPrefs:
    emoji: dict[str, str]
    sla: dict[str, Sla]
    open_at: time
    close_at: time
    days: tuple[int, ...]
    timezone: str
    csat_scale: int

    @property
    def hours_text(self) -> str:
        return f"{self.open_at:%H:%M}-{self.close_at:%H:%M}"

    @property
    def days_text(self) -> str:
        return ", ".join(DAY_NAMES[d] for d in self.days)


@dataclass(frozen=True)
class Sla:
    minutes: int = 0
    business_days: int = 0

    @property
    def text(self) -> str:
        if self.business_days:
            return f"{self.business_days} business day" + ("s" if self.business_days > 1 else "")
        if self.minutes % 1440 == 0:
            days = self.minutes // 1440
            return f"{days} day" + ("s" if days > 1 else "")
        if self.minutes % 60 == 0:
            return f"{self.minutes // 60} h"
        return f"{self.minutes} min"

    @property
    def code(self) -> str:
        if self.business_days:
            return f"{self.business_days}bd"
        if self.minutes % 1440 == 0:
            return f"{self.minutes // 1440}d"
        if self.minutes % 60 == 0:
            return f"{self.minutes // 60}h"
        return f"{self.minutes}m"


def customer_key(name: str) -> str:
    """Names match whatever their case and spacing: "ACME  corp" is "acme corp"."""
    return " ".join(name.lower().split())[:CUSTOMER_MAX]
