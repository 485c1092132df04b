"""What a joint meeting decided: its minutes and action items (owner, due date), reminded once
when due and closed by a button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot import schedule_due
from bot.clock import now
from bot.db import pk
from bot.joint.models import ActionItem, JointMeeting
from bot.setup import members
from bot.user_error import UserError

MAX_TEXT = 300
MAX_MINUTES = 2900
REMIND_AT = time(9, 0)  # an item due today is reminded at 09:00 in the workspace's timezone


@dataclass(frozen=True)
class ActionRow:
    """One row of the outcomes modal as typed: text, owner (user id) and due date (YYYY-MM-DD)."""

    text: str | None
    owner_id: str | None
    due: str | None


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner_id: str
    due_on: date


def check_rows(session: Session, *, team_id: str, rows: list[ActionRow], today: date
               ) -> tuple[list[ActionDraft], dict[tuple[int, str], str]]:
    """The action items to create, and errors keyed by (row index, "text" | "owner" | "due")."""
    drafts: list[ActionDraft] = []
    errors: dict[tuple[int, str], str] = {}
    for i, row in enumerate(rows):
        text = " ".join((row.text or "").split())
        if not text and not row.owner_id and not row.due:
            continue
        if not text:
            errors[(i, "text")] = "Say what needs doing, or clear the owner and date of this item."
            continue
        if len(text) > MAX_TEXT:
            errors[(i, "text")] = f"Keep it under {MAX_TEXT} characters (it has {len(text)})."
            continue
        if not row.owner_id:
            errors[(i, "owner")] = "Choose who owns this item."
        elif not members.teams_of(session=session, team_id=team_id, user_id=row.owner_id):
            errors[(i, "owner")] = "This person is on neither the sales nor the marketing team: choose someone who is."
        due_on = None
        if not row.due:
            errors[(i, "due")] = "Choose a due date."
        else:
            try:
                due_on = date.fromisoformat(row.due)
            except ValueError:
                errors[(i, "due")] = f"“{row.due}” is not a date: choose one in the date picker."
            else:
                if due_on < today:
                    errors[(i, "due")] = f"{due_on:%a %d %b %Y} has passed: choose today or a later date."
        if (i, "owner") not in errors and (i, "due") not in errors and row.owner_id and due_on is not None:
            drafts.append(ActionDraft(text, row.owner_id, due_on))
    return drafts, errors


def check_minutes(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise UserError("Write a few lines of minutes: what was discussed and decided.")
    if len(text) > MAX_MINUTES:
        raise UserError(f"Keep the minutes under {MAX_MINUTES} characters (they have {len(text)}).")
    return text


def record_outcomes(session: Session, *, meeting: JointMeeting, minutes: str | None, drafts: list[ActionDraft],
                    by: str) -> list[ActionItem]:
    meeting.minutes, meeting.minutes_by, meeting.minutes_at = check_minutes(minutes), by, now()
    session.add(meeting)
    items = [ActionItem(team_id=meeting.team_id, meeting_id=pk(meeting.id), quarter=meeting.quarter, text=d.text,
                        owner_id=d.owner_id, due_on=d.due_on, created_by=by) for d in drafts]
    session.add_all(items)
    session.flush()
    if items:  # their reminders are the joint job's to send
        schedule_due.touch(session, meeting.team_id, [schedule_due.JOINT])
    return items


def items_of(session: Session, *, meeting: JointMeeting) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(col(ActionItem.id))
    return list(session.exec(query).all())


def open_items(session: Session, *, team_id: str, before_quarter: str | None = None,
               owner_id: str | None = None) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.team_id == team_id, ActionItem.status == "open")
    if before_quarter:
        query = query.where(ActionItem.quarter < before_quarter)
    if owner_id:
        query = query.where(ActionItem.owner_id == owner_id)
    return list(session.exec(query.order_by(col(ActionItem.due_on), col(ActionItem.id))).all())


def get_item(session: Session, *, team_id: str, item_id: int) -> ActionItem | None:
    item = session.get(ActionItem, item_id)
    return item if item is not None and item.team_id == team_id else None


def close_item(session: Session, *, item: ActionItem, by: str) -> ActionItem:
    """Mark an item done, once: a second click is told who closed it."""
    closed = session.exec(
        update(ActionItem).where(col(ActionItem.id) == item.id, col(ActionItem.status) == "open")
        .values(status="done", closed_by=by, closed_at=now()).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(item)
    if closed != 1:
        raise UserError(f"That item was already closed by <@{item.closed_by}>.")
    return item


def due_now(at: datetime, timezone: str) -> date:
    """Items due on or before this date are due for their reminder now."""
    local = at.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= REMIND_AT else date.fromordinal(local.date().toordinal() - 1)


def claim_due(session: Session, *, team_id: str, timezone: str, at: datetime | None = None) -> list[ActionItem]:
    """Open items that are due and not yet reminded, each claimed by this transaction (once, ever)."""
    cutoff = due_now(at or now(), timezone)
    candidates = session.exec(
        select(ActionItem.id).where(ActionItem.team_id == team_id, ActionItem.status == "open",
                                    col(ActionItem.reminded_at).is_(None), ActionItem.due_on <= cutoff)
    ).all()
    claimed = []
    for item_id in candidates:
        taken = session.exec(
            update(ActionItem).where(col(ActionItem.id) == item_id, col(ActionItem.reminded_at).is_(None))
            .values(reminded_at=now()).execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            item = session.get_one(ActionItem, item_id)  # claimed just now: items are never deleted
            session.refresh(item)
            claimed.append(item)
    return claimed
