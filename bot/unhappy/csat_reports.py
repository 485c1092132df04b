"""What satisfaction scores become: the weekly digest to the sales channel (once per workspace per
week, claimed by a unique row) and the satisfaction trend of the quarter's joint-meeting agenda."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import delivery
from bot.block_kit import esc
from bot.feature import AgendaSection
from bot.models import Workspace
from bot.unhappy.blocks_csat import digest
from bot.unhappy.csat import claim_digest, scores_between, trends
from bot.unhappy.csat_rules import index, is_low
from bot.unhappy.reports import open_customers

DIGEST_WEEKDAY = 0  # Monday
DIGEST_AT = time(9, 0)  # in the workspace's timezone


def digest_week(ws: Workspace, at: datetime) -> tuple[str, datetime]:
    """The week whose digest is due at `at`: its ISO name and when it fell due (UTC)."""
    tz = ZoneInfo(ws.timezone or "UTC")
    local = at.astimezone(tz)
    monday = local.date() - timedelta(days=(local.weekday() - DIGEST_WEEKDAY) % 7)
    due = datetime.combine(monday, DIGEST_AT, tz)
    if due > local:
        monday -= timedelta(days=7)
        due = datetime.combine(monday, DIGEST_AT, tz)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", due.astimezone(at.tzinfo)


def next_digest(ws: Workspace, at: datetime) -> datetime:
    """When the next week's digest falls due after `at` (UTC): Monday 09:00 in the workspace's timezone."""
    tz = ZoneInfo(ws.timezone or "UTC")
    local = at.astimezone(tz)
    for days in range(8):
        day = local.date() + timedelta(days=days)
        due = datetime.combine(day, DIGEST_AT, tz).astimezone(at.tzinfo)
        if day.weekday() == DIGEST_WEEKDAY and due > at:
            return due
    raise AssertionError("a Monday comes round within eight days")


def send_digest(*, session: Session, ws: Workspace, at: datetime) -> bool:
    """Queue this week's digest if this process is the one to send it. False: not this time."""
    if not ws.sales_channel:
        return False
    week, due = digest_week(ws, at)
    start = due - timedelta(days=7)
    current = trends(session=session, team_id=ws.team_id, start=start, end=due)
    earlier = scores_between(session=session, team_id=ws.team_id, start=start - timedelta(weeks=4), end=start)
    if not current and not earlier:
        return False  # no scores lately: nothing to say, and nothing claimed
    if not claim_digest(session=session, team_id=ws.team_id, week=week):
        return False
    previous = sum(index(s.score, s.scale) for s in earlier) / len(earlier) if earlier else None
    text, blocks = digest(start=start.astimezone(ZoneInfo(ws.timezone or "UTC")), trends=current,
                          open_alerts=open_customers(session=session, team_id=ws.team_id),
                          previous_average=previous)
    delivery.queue_post(session, team_id=ws.team_id, channel=ws.sales_channel, text=text, blocks=blocks,
                        key=f"csat:digest:{week}", ref="csat:digest")
    return True


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """The quarter's satisfaction trend: month by month, and the customers scoring lowest."""
    scores = scores_between(session=session, team_id=team_id, start=start, end=end)
    if not scores:
        return None
    months: dict[str, list[float]] = {}
    for s in scores:
        months.setdefault(f"{s.created_at:%b %Y}", []).append(index(s.score, s.scale))
    trend = " → ".join(f"{m} {sum(v) / len(v):.1f}" for m, v in months.items())
    lines = [f"{len(scores)} scores, average {sum(index(s.score, s.scale) for s in scores) / len(scores):.1f}/10 "
             f"by month: {trend}"]
    current = trends(session=session, team_id=team_id, start=start, end=end, history=timedelta(0))
    low = [t for t in current if any(is_low(s) for s in t.scores)][:5]
    if low:
        lines.append("Lowest: " + ", ".join(f"*{esc(t.customer)}* {t.average:.1f}" for t in low))
    return AgendaSection(title="Customer satisfaction trend", lines=lines, order=31)
