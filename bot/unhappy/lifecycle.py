"""A report's life after it is owned: corrective actions, resolving, reopening, snoozing.

Resolving needs both owners and at least one corrective action; otherwise `ResolveBlocked` says
exactly what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.block_kit import esc, user
from bot.clock import aware, now
from bot.db import pk
from bot.models import Workspace
from bot.setup.workspaces import is_lead
from bot.unhappy.alert import actions_of, changed
from bot.unhappy.blocks_alert import TEAM_NAME, duration, when
from bot.unhappy.models import CorrectiveAction, UnhappyReport
from bot.unhappy.owners import load, missing_team, refuse_closed, teams
from bot.unhappy.prefs import get_prefs, opening_on
from bot.unhappy.rules import ACTION_MAX, ROOT_CAUSES
from bot.user_error import UserError


class ResolveBlocked(UserError):
    """Resolving is not possible yet; `missing` lists what is needed."""

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class ActionInput:
    text: str
    root_cause: str
    follow_up_on: date | None = None


def may_manage(ws: Workspace, report: UnhappyReport, user_id: str) -> bool:
    return user_id in report.owners or is_lead(ws, user_id)


def _managers(report: UnhappyReport) -> str:
    owners = " and ".join(user(u) for u in report.owners)
    return f"its owners ({owners}) or a lead" if owners else "its owners or a lead (nobody has claimed it yet)"


def check_may_manage(ws: Workspace, report: UnhappyReport, user_id: str, doing: str) -> None:
    if not may_manage(ws, report, user_id):
        hint = " Claim it for your team first." if len(report.owners) < 2 else ""
        raise UserError(f"Only {_managers(report)} can {doing}.{hint}")


def validate_action(data: ActionInput, *, today: date) -> ActionInput:
    text = (data.text or "").strip()
    if not text:
        raise UserError("Say what was done.", field="text")
    if len(text) > ACTION_MAX:
        raise UserError(f"That is {len(text)} characters; keep it to {ACTION_MAX}.", field="text")
    if data.root_cause not in ROOT_CAUSES:
        raise UserError("Choose a root cause.", field="root_cause")
    if data.follow_up_on is not None and data.follow_up_on < today:
        raise UserError(f"The follow-up date {data.follow_up_on:%b %d, %Y} is in the past; choose today or later.",
                        field="follow_up_on")
    return ActionInput(text=text, root_cause=data.root_cause, follow_up_on=data.follow_up_on)


def today_in(ws: Workspace) -> date:
    return now().astimezone(ZoneInfo(ws.timezone or "UTC")).date()


def add_action(*, session: Session, ws: Workspace, report_id: int, user_id: str,
               data: ActionInput) -> CorrectiveAction:
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    check_may_manage(ws, report, user_id, "add corrective actions")
    data = validate_action(data, today=today_in(ws))
    action = CorrectiveAction(team_id=ws.team_id, report_id=pk(report.id), user_id=user_id, text=data.text,
                              root_cause=data.root_cause, follow_up_on=data.follow_up_on)
    session.add(action)
    session.flush()
    follow = f" Follow-up on {data.follow_up_on:%b %d, %Y}." if data.follow_up_on else ""
    changed(session=session, report=report, actor=user_id,
            what=f"added a corrective action: “{esc(data.text[:300])}” "
                 f"(root cause: {ROOT_CAUSES[data.root_cause]}).{follow}")
    return action


def resolve(*, session: Session, ws: Workspace, report_id: int, user_id: str) -> UnhappyReport:
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    if report.status == "resolved":
        raise UserError(f"It is already resolved (by {user(report.closed_by)}).")
    refuse_closed(report)
    missing = [f"a {TEAM_NAME[t]} owner (“Claim for {TEAM_NAME[t]}”)" for t in missing_team(report)]
    if not actions_of(session=session, report_id=pk(report.id)):
        missing.append("at least one corrective action (“Add corrective action”)")
    if missing:
        raise ResolveBlocked("It can't be resolved yet. It still needs " + _and(missing) + ".", missing)
    check_may_manage(ws, report, user_id, "resolve it")
    t = now()
    report.status, report.closed_at, report.closed_by = "resolved", t, user_id
    changed(session=session, report=report, actor=user_id,
            what=f"resolved it :white_check_mark: ({duration((t - aware(report.created_at)).total_seconds())} "
                 f"after the report; both teams owned it after {duration(report.time_to_owned_s)}).")
    return report


def not_an_issue(*, session: Session, ws: Workspace, report_id: int, user_id: str) -> UnhappyReport:
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    refuse_closed(report)
    if not (may_manage(ws, report, user_id) or user_id == report.reporter_id):
        raise UserError(f"Only {_managers(report)}, or whoever reported it, can mark it not an issue.")
    report.status, report.closed_at, report.closed_by = "not_an_issue", now(), user_id
    changed(session=session, report=report, actor=user_id, what="marked it *not an issue*.")
    return report


def reopen(*, session: Session, ws: Workspace, report_id: int, user_id: str) -> UnhappyReport:
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    if report.is_open:
        raise UserError("It is open already.")
    if not (teams(session=session, ws=ws, user_id=user_id) or is_lead(ws, user_id)
            or user_id == report.reporter_id):
        raise UserError("Only people on the sales or marketing team, a lead, or whoever reported it can "
                        "reopen it.")
    report.status, report.closed_at, report.closed_by = "open", None, None
    changed(session=session, report=report, actor=user_id, what="reopened it.")
    return report


def snooze_until(choice: str, ws: Workspace, at: datetime | None = None) -> datetime | None:
    """When a snooze chosen now ends (None: end it now)."""
    at = at or now()
    if choice == "wake":
        return None
    if choice == "tomorrow":
        return opening_on(today_in(ws) + timedelta(days=1), get_prefs(ws), at.tzinfo)
    amounts = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "3d": timedelta(days=3),
               "1w": timedelta(weeks=1)}
    if choice not in amounts:
        raise UserError("Choose how long to snooze.")
    return at + amounts[choice]


def snooze(*, session: Session, ws: Workspace, report_id: int, user_id: str, choice: str) -> UnhappyReport:
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    refuse_closed(report)
    check_may_manage(ws, report, user_id, "snooze its reminders")
    until = snooze_until(choice, ws)
    report.snoozed_until = until
    what = f"snoozed reminders until {when(until)} :zzz:." if until else "ended the snooze; reminders are on."
    changed(session=session, report=report, actor=user_id, what=what)
    return report


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
