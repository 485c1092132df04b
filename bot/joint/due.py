"""When the joint meeting's job next has something to do for a workspace (bot/schedule_due.py's row for
jobs/joint.run_due): the earliest of the next prompt, each announced meeting's reminders (a day and an hour
before) and follow-up (once it has ended), and the next open action item's reminder (09:00 local on its due
date). Only moments after `at`: whatever was due at `at` was done by the run that asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.joint import actions, meetings
from bot.joint.models import ActionItem
from bot.joint.prefs import schedule_of
from bot.models import Workspace
from bot.schedule_due import NEVER

FOLLOW_UP_FOR = timedelta(days=7)  # as bot/joint/posts.due_steps: a follow-up is asked within a week of the end


def next_due(session: Session, *, ws: Workspace, at: datetime) -> datetime:
    moments = []
    up = meetings.upcoming(session=session, ws=ws, at=at)
    if up is not None and up.meeting is None:
        moments += [up.prompt_at, up.starts_at]  # its prompt; once it starts unannounced, the next quarter's
    length = timedelta(minutes=schedule_of(ws).duration_minutes)
    for meeting in meetings.recent(session=session, team_id=ws.team_id, since=at - FOLLOW_UP_FOR - length):
        starts = meeting.starts_at if meeting.starts_at.tzinfo else meeting.starts_at.replace(tzinfo=UTC)
        # the reminders, the end (follow-up; then `upcoming` moves on to the next quarter) and the week after
        moments += [starts - timedelta(days=1), starts - timedelta(hours=1), starts + length,
                    starts + FOLLOW_UP_FOR]
    first_item = session.exec(
        select(func.min(ActionItem.due_on)).where(ActionItem.team_id == ws.team_id, ActionItem.status == "open",
                                                  col(ActionItem.reminded_at).is_(None))
    ).one()
    if first_item is not None:
        moments.append(datetime.combine(first_item, actions.REMIND_AT, ZoneInfo(ws.timezone or "UTC"))
                       .astimezone(UTC))
    ahead = [m for m in moments if m > at]
    if not ahead and up is None:
        return NEVER  # every quarter ahead has its meeting: a change to one makes the row due again
    return min(ahead, default=at + timedelta(days=1))
