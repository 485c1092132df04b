"""Quarterly joint meetings: occurrences claimed once, RSVPs, the time poll, agenda items and
customers' future needs (steps 1 and 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import schedule_due
from bot.clock import aware, now
from bot.db import pk
from bot.joint.models import (
    CustomerNeed,
    JointAgendaItem,
    JointMeeting,
    JointOccurrence,
    JointRsvp,
    JointTimeOption,
    JointVote,
)
from bot.joint.prefs import schedule_of
from bot.joint.schedule import next_dates, prompt_time
from bot.models import Member, Workspace
from bot.quarters import calendar_of
from bot.user_error import UserError

MAX_ITEM = 500
MAX_OPTIONS = 10
NO_UPCOMING = ("No joint meeting is coming up on Truce's calendar: every quarter ahead already has its "
               "meeting recorded. `/joint schedule` shows when they are.")




@dataclass
class Upcoming:
    quarter: str
    starts_at: datetime
    prompt_at: datetime
    meeting: JointMeeting | None  # None until the prompt has gone out


def claim(session: Session, *, team_id: str, quarter: str, kind: str, by: str) -> bool:
    """Take one occurrence (a prompt, a reminder...) for this workspace and quarter: True once, ever."""
    try:
        with session.begin_nested():
            session.add(JointOccurrence(team_id=team_id, quarter=quarter, kind=kind, claimed_by=by))
    except IntegrityError:  # another replica (or an earlier run) has it
        return False
    return True


def get_meeting(session: Session, *, team_id: str, meeting_id: int) -> JointMeeting | None:
    meeting = session.get(JointMeeting, meeting_id)
    return meeting if meeting is not None and meeting.team_id == team_id else None


def meeting_for(session: Session, *, team_id: str, quarter: str) -> JointMeeting | None:
    return session.exec(
        select(JointMeeting).where(JointMeeting.team_id == team_id, JointMeeting.quarter == quarter)
    ).first()


def create_meeting(session: Session, *, team_id: str, quarter: str, starts_at: datetime) -> JointMeeting:
    starts_at = starts_at.astimezone(UTC)  # SQLite keeps wall-clock time only: always store UTC
    meeting = JointMeeting(team_id=team_id, quarter=quarter, starts_at=starts_at, scheduled_for=starts_at)
    session.add(meeting)
    session.flush()
    return meeting


def upcoming(session: Session, *, ws: Workspace, at: datetime | None = None) -> Upcoming | None:
    """The next meeting: an announced one not over yet, else the schedule's next date."""
    at = at or now()
    schedule = schedule_of(ws)
    ongoing = at - timedelta(minutes=schedule.duration_minutes)
    meeting = session.exec(
        select(JointMeeting).where(JointMeeting.team_id == ws.team_id, JointMeeting.starts_at > ongoing)
        .order_by(col(JointMeeting.starts_at))
    ).first()
    if meeting is not None:
        starts = aware(meeting.starts_at)
        return Upcoming(meeting.quarter, starts, prompt_time(schedule, starts, ws.timezone), meeting)
    held = set(session.exec(select(JointMeeting.quarter).where(JointMeeting.team_id == ws.team_id)).all())
    calendar = calendar_of(ws)
    for starts in next_dates(schedule, calendar, after=at, count=4):
        quarter = calendar.quarter_of(starts)
        if quarter not in held:
            return Upcoming(quarter, starts.astimezone(UTC), prompt_time(schedule, starts, ws.timezone), None)
    return None


def latest_started(session: Session, *, team_id: str, at: datetime | None = None) -> JointMeeting | None:
    return session.exec(
        select(JointMeeting).where(JointMeeting.team_id == team_id, JointMeeting.starts_at <= (at or now()))
        .order_by(col(JointMeeting.starts_at).desc())
    ).first()



# --- who ----------------------------------------------------------------------------------------


def team_people(session: Session, *, ws: Workspace) -> list[str]:
    """Everyone on the sales or marketing team, by user id (Truce itself left out)."""
    members = session.exec(select(Member).where(Member.team_id == ws.team_id).order_by(Member.user_id)).all()
    return [m.user_id for m in members if (m.on_sales or m.on_marketing) and m.user_id != ws.bot_user_id]


def admins(session: Session, *, ws: Workspace) -> list[str]:
    """Who hears of the meeting when there is no joint channel: the workspace's Truce leads, or,
    when it has none, the Slack admins Truce knows of."""
    if ws.lead_user_ids:
        return list(dict.fromkeys(ws.lead_user_ids))
    return list(session.exec(
        select(Member.user_id).where(Member.team_id == ws.team_id, col(Member.is_admin).is_(True))
        .order_by(col(Member.user_id))
    ).all())


# --- RSVPs ----------------------------------------------------------------------------------------


def rsvp(session: Session, *, meeting: JointMeeting, user_id: str, attending: bool) -> bool:
    """Record an answer. Returns whether it changed anything."""
    row = session.exec(
        select(JointRsvp).where(JointRsvp.meeting_id == meeting.id, JointRsvp.user_id == user_id)
    ).first()
    if row is not None:
        if row.attending == attending:
            return False
        row.attending, row.answered_at = attending, now()
        session.add(row)
        return True
    try:
        with session.begin_nested():
            session.add(JointRsvp(team_id=meeting.team_id, meeting_id=pk(meeting.id), user_id=user_id,
                                  attending=attending))
    except IntegrityError:  # a double click raced itself: answer again over the row that won
        return rsvp(session=session, meeting=meeting, user_id=user_id, attending=attending)
    return True


def answers(session: Session, *, meeting: JointMeeting) -> dict[str, bool]:
    rows = session.exec(select(JointRsvp).where(JointRsvp.meeting_id == meeting.id).order_by(col(JointRsvp.id))).all()
    return {r.user_id: r.attending for r in rows}


# --- the time poll ----------------------------------------------------------------------------------


def propose_time(session: Session, *, meeting: JointMeeting, user_id: str, starts_at: datetime) -> JointTimeOption:
    """Add a time to the poll (or find it), and count it as the proposer's vote."""
    if starts_at <= now():
        raise UserError("That time is in the past. Choose a time that is still ahead.")
    if starts_at == aware(meeting.starts_at):
        raise UserError("That is already the meeting's time. Choose another one.")
    option = session.exec(
        select(JointTimeOption).where(JointTimeOption.meeting_id == meeting.id,
                                      JointTimeOption.starts_at == starts_at)
    ).first()
    if option is None:
        count = session.exec(select(func.count()).where(JointTimeOption.meeting_id == meeting.id)).one()
        if count >= MAX_OPTIONS:
            raise UserError(f"The poll already has {MAX_OPTIONS} times: vote for one of them instead.")
        option = JointTimeOption(team_id=meeting.team_id, meeting_id=pk(meeting.id), starts_at=starts_at,
                                 proposed_by=user_id)
        session.add(option)
        session.flush()
    vote(session=session, meeting=meeting, option_id=pk(option.id), user_id=user_id, toggle=False)
    return option


def vote(session: Session, *, meeting: JointMeeting, option_id: int, user_id: str, toggle: bool = True) -> bool:
    """One vote per person: voting moves your vote; voting again for the same time takes it back.
    Returns whether the person now has a vote on this option."""
    option = session.get(JointTimeOption, option_id)
    if option is None or option.meeting_id != meeting.id:
        raise UserError("That time is no longer in the poll.")
    row = session.exec(
        select(JointVote).where(JointVote.meeting_id == meeting.id, JointVote.user_id == user_id)
    ).first()
    if row is not None and row.option_id == option_id:
        if toggle:
            session.delete(row)
            return False
        return True
    if row is not None:
        row.option_id, row.voted_at = option_id, now()
        session.add(row)
        return True
    try:
        with session.begin_nested():
            session.add(JointVote(team_id=meeting.team_id, meeting_id=meeting.id, option_id=option_id,
                                  user_id=user_id))
    except IntegrityError:
        return vote(session=session, meeting=meeting, option_id=option_id, user_id=user_id, toggle=False)
    return True


def poll(session: Session, *, meeting: JointMeeting) -> list[tuple[JointTimeOption, list[str]]]:
    options = session.exec(
        select(JointTimeOption).where(JointTimeOption.meeting_id == meeting.id)
        .order_by(col(JointTimeOption.starts_at))
    ).all()
    votes = session.exec(
        select(JointVote).where(JointVote.meeting_id == meeting.id).order_by(col(JointVote.voted_at), col(JointVote.id))
    ).all()
    return [(o, [v.user_id for v in votes if v.option_id == o.id]) for o in options]


def top_option(session: Session, *, meeting: JointMeeting) -> JointTimeOption | None:
    ranked = sorted(poll(session=session, meeting=meeting), key=lambda ov: (-len(ov[1]), aware(ov[0].starts_at)))
    return ranked[0][0] if ranked and ranked[0][1] else None


def move_meeting(session: Session, *, meeting: JointMeeting, option: JointTimeOption, by: str) -> JointMeeting:
    """Move the meeting to a poll's time: the poll closes and everyone answers again."""
    if aware(option.starts_at) <= now():
        raise UserError("That time has passed. Propose a new one.")
    meeting.starts_at, meeting.moved_by = aware(option.starts_at), by
    session.add(meeting)
    # its reminders and follow-up move, and when the next quarter's prompt comes into view
    schedule_due.touch(session, meeting.team_id, [schedule_due.JOINT, schedule_due.SCORECARD_CHART])
    session.exec(delete(JointVote).where(col(JointVote.meeting_id) == meeting.id))
    session.exec(delete(JointTimeOption).where(col(JointTimeOption.meeting_id) == meeting.id))
    session.exec(delete(JointRsvp).where(col(JointRsvp.meeting_id) == meeting.id))
    return meeting


# --- agenda items and customers' needs ------------------------------------------------------------


def _clean(text: str, what: str, example: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise UserError(f"Say what the {what} is, like `{example}`.")
    if len(text) > MAX_ITEM:
        raise UserError(f"That {what} is {len(text)} characters; keep it under {MAX_ITEM}.")
    return text


def add_agenda_item(session: Session, *, team_id: str, quarter: str, text: str, user_id: str) -> JointAgendaItem:
    item = JointAgendaItem(team_id=team_id, quarter=quarter, added_by=user_id,
                           text=_clean(text, "agenda item", "/joint agenda Pricing for the new tier"))
    session.add(item)
    session.flush()
    return item


def agenda_items(session: Session, *, team_id: str, quarter: str) -> list[JointAgendaItem]:
    return list(session.exec(
        select(JointAgendaItem).where(JointAgendaItem.team_id == team_id, JointAgendaItem.quarter == quarter)
        .order_by(col(JointAgendaItem.id))
    ).all())


def add_need(session: Session, *, ws: Workspace, text: str, user_id: str) -> CustomerNeed:
    need = CustomerNeed(team_id=ws.team_id, quarter=calendar_of(ws).quarter_of(now()), added_by=user_id,
                        text=_clean(text, "need", "/joint needs Acme wants SSO by spring"))
    session.add(need)
    session.flush()
    return need


def needs_between(session: Session, *, team_id: str, first: str, last: str) -> list[CustomerNeed]:
    """Needs recorded in quarters first..last (labels compare in order: 2026-Q4 < 2027-Q1)."""
    return list(session.exec(
        select(CustomerNeed).where(CustomerNeed.team_id == team_id, CustomerNeed.quarter >= first,
                                   CustomerNeed.quarter <= last)
        .order_by(col(CustomerNeed.quarter), col(CustomerNeed.id))
    ).all())


def recent(session: Session, *, team_id: str, since: datetime) -> list[JointMeeting]:
    """Announced meetings starting after `since` (the ones reminders and follow-ups may be due for)."""
    return list(session.exec(
        select(JointMeeting).where(JointMeeting.team_id == team_id, JointMeeting.starts_at > since)
        .order_by(col(JointMeeting.starts_at))
    ).all())


def option_and_meeting(session: Session, *, team_id: str, option_id: int
                       ) -> tuple[JointTimeOption | None, JointMeeting | None]:
    option = session.get(JointTimeOption, option_id)
    if option is None or option.team_id != team_id:
        return None, None
    return option, session.get(JointMeeting, option.meeting_id)
