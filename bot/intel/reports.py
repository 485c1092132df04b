"""Intel read back: the weekly digest (its schedule and its once-per-week claim), the quarter's
agenda section, and the recent shares the App Home shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import delivery
from bot.block_kit import clip, esc
from bot.clock import aware
from bot.competitors import battlecard
from bot.competitors.blocks_battlecard import digest_lines
from bot.db import pk
from bot.feature import AgendaSection
from bot.intel.blocks_lists import digest_blocks
from bot.intel.blocks_share import esc_text, kind_label
from bot.intel.models import IntelDigest, IntelShare
from bot.intel.prefs import DigestPrefs, IntelPrefs
from bot.intel.search import best_links
from bot.models import Workspace
from bot.prefs import prefs_of, save_prefs
from bot.slack_text import quoted
from bot.user_error import UserError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DIGEST_SIZE = 5


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int = 0  # Monday
    at: dtime = dtime(9, 0)
    enabled: bool = True

    def describe(self) -> str:
        if not self.enabled:
            return "off"
        return f"{WEEKDAYS[self.weekday].capitalize()}s at {self.at.strftime('%H:%M')}"


def digest_schedule(ws: Workspace) -> DigestSchedule:
    saved = prefs_of(ws, IntelPrefs).digest
    try:
        return DigestSchedule(weekday=saved.weekday, at=dtime.fromisoformat(saved.time), enabled=saved.enabled)
    except ValueError:
        return DigestSchedule()


def parse_schedule(text: str, current: DigestSchedule) -> DigestSchedule:
    """`monday 09:00`, `friday`, `16:30`, `off` or `on`."""
    words = text.lower().split()
    if words in (["off"], ["on"]):
        return DigestSchedule(current.weekday, current.at, words == ["on"])
    weekday, at = current.weekday, current.at
    usage = "Type it like `/intel digest monday 09:00` (a weekday and a 24-hour time), or `/intel digest off`."
    if not words or len(words) > 2:
        raise UserError(usage)
    for word in words:
        day = next((i for i, d in enumerate(WEEKDAYS) if d.startswith(word) and len(word) >= 3), None)
        if day is not None:
            weekday = day
            continue
        try:
            at = dtime.fromisoformat(word if len(word) > 2 else f"{int(word):02d}:00")
        except ValueError:
            raise UserError(f"I couldn't read {quoted(word)}. {usage}") from None
    return DigestSchedule(weekday, at.replace(second=0, microsecond=0), True)


def set_digest_schedule(*, session: Session, ws: Workspace, schedule: DigestSchedule) -> DigestSchedule:
    digest = DigestPrefs(weekday=schedule.weekday, time=schedule.at.strftime("%H:%M"), enabled=schedule.enabled)
    save_prefs(session=session, ws=ws, prefs=prefs_of(ws, IntelPrefs).model_copy(update={"digest": digest}))
    return schedule


def last_due(ws: Workspace, at: datetime) -> datetime:
    """The most recent digest time at or before `at` (UTC), in the workspace's own timezone."""
    schedule = digest_schedule(ws)
    tz = ZoneInfo(ws.timezone or "UTC")
    local = at.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - schedule.weekday) % 7)
    due = datetime.combine(day, schedule.at, tz)
    if due > local:
        due = datetime.combine(day - timedelta(days=7), schedule.at, tz)
    return due.astimezone(ZoneInfo("UTC"))


def next_due(ws: Workspace, at: datetime) -> datetime:
    """The first digest time after `at` (UTC), in the workspace's own timezone: when the digest job (and the
    sharers' weekly news, which keeps the same time) next has something to do for this workspace."""
    schedule = digest_schedule(ws)
    tz = ZoneInfo(ws.timezone or "UTC")
    local = at.astimezone(tz)
    for days in range(8):
        day = local.date() + timedelta(days=days)
        due = datetime.combine(day, schedule.at, tz).astimezone(ZoneInfo("UTC"))
        if day.weekday() == schedule.weekday and due > at:
            return due
    raise AssertionError("a weekday comes round within eight days")


def claim_digest(*, session: Session, ws: Workspace, at: datetime) -> IntelDigest | None:
    """Claim this week's digest for the workspace, once: the unique (team, week) row is the claim.
    None when it is off, or already claimed (by this process, another replica, or before a restart)."""
    if not digest_schedule(ws).enabled:
        return None
    due = last_due(ws, at)
    if due < aware(ws.created_at):
        return None  # due before Truce was installed here: nothing was missed
    week = due.astimezone(ZoneInfo(ws.timezone or "UTC")).date().isoformat()
    if session.exec(select(IntelDigest.id).where(IntelDigest.team_id == ws.team_id,
                                                 IntelDigest.week == week)).first() is not None:
        return None
    digest = IntelDigest(team_id=ws.team_id, week=week, due_at=due)
    try:
        with session.begin_nested():
            session.add(digest)
            session.flush()
    except IntegrityError:
        return None
    return digest


def top_shares(*, session: Session, team_id: str, start: datetime, end: datetime,
               limit: int = DIGEST_SIZE) -> list[IntelShare]:
    return list(session.exec(
        select(IntelShare).where(IntelShare.team_id == team_id, col(IntelShare.retracted_at).is_(None),
                                 IntelShare.created_at >= start, IntelShare.created_at < end)
        .order_by(col(IntelShare.useful_count).desc(), col(IntelShare.created_at).desc(), col(IntelShare.id).desc())
        .limit(limit)).all())


def queue_digest(*, session: Session, ws: Workspace, digest: IntelDigest) -> int:
    """Queue the digest to both team channels. Returns how many shares it lists (0: nothing posted)."""
    due = aware(digest.due_at)
    start = due - timedelta(days=7)
    shares = top_shares(session=session, team_id=ws.team_id, start=start, end=due)
    total = len(session.exec(select(IntelShare.id).where(
        IntelShare.team_id == ws.team_id, col(IntelShare.retracted_at).is_(None), IntelShare.created_at >= start,
        IntelShare.created_at < due)).all())
    digest.share_count = total
    session.add(digest)
    if not shares:
        return 0
    links = best_links(session=session, share_ids=[pk(s.id) for s in shares])
    week = battlecard.changes(session=session, team_id=ws.team_id, start=start, end=due)
    text, blocks = digest_blocks(shares, links=links, total=total, start=start, end=due, tz=ws.timezone,
                                 competitor_lines=digest_lines(week))
    for role, channel in (("sales", ws.sales_channel), ("marketing", ws.marketing_channel)):
        if channel:
            delivery.queue_post(session, team_id=ws.team_id, channel=channel, text=text, blocks=blocks,
                                key=f"intel:digest:{digest.week}:{role}", ref=f"intel-digest:{digest.week}")
    return len(shares)


# --- the quarter's agenda, the App Home -------------------------------------------------------------


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """The quarter's most useful shares and the competitors they name."""
    shares = top_shares(session=session, team_id=team_id, start=start, end=end, limit=5)
    if not shares:
        return None
    lines = []
    for share in shares:
        vs = f" vs {esc(share.competitor)}" if share.competitor else ""
        votes = f" — :+1: {share.useful_count}" if share.useful_count else ""
        lines.append(f"*{kind_label(share.kind)}*{vs}: {esc_text(clip(share.summary, 160))}{votes}")
    names = session.exec(select(IntelShare.competitor).where(
        IntelShare.team_id == team_id, col(IntelShare.retracted_at).is_(None), col(IntelShare.competitor).is_not(None),
        IntelShare.created_at >= start, IntelShare.created_at < end)).all()
    counted: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for name in names:
        if name is None:  # the query asked for named competitors only
            continue
        counted[name.lower()] += 1
        shown.setdefault(name.lower(), name)
    if counted:
        lines.append("Competitors named: " + ", ".join(
            f"{esc(shown[key])} ({n})" for key, n in counted.most_common(8)))
    return AgendaSection(title="Market intel this quarter", lines=lines, order=20)


def recent_shares(*, session: Session, team_id: str, limit: int = 5) -> list[IntelShare]:
    return list(session.exec(
        select(IntelShare).where(IntelShare.team_id == team_id, col(IntelShare.retracted_at).is_(None))
        .order_by(col(IntelShare.created_at).desc(), col(IntelShare.id).desc()).limit(limit)).all())
