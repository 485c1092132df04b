"""The sandbox's clock: what is coming, and moving time so that nothing due on the way is skipped.

`coming()` reads, without writing, when each scheduled thing falls due next: the weekly intel and
satisfaction digests, SLA reminders, escalations and follow-ups of unhappy customers, the joint
meeting's prompt, reminders and follow-up, and joint action items. `advance_to()` moves the clock
to each of those moments in turn and runs every scheduled job there, as the scheduler would have
done had that time really passed; `next_thing()` goes to the next one only.

This is the one sandbox module that reads Truce's data and calls its jobs (read-only, the same
rows the jobs claim), so the sandbox stands on the product through these few imports alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, col, select

from bot import clock
from bot.db import pk, session_scope
from bot.intel import reports as intel_reports
from bot.joint import actions as joint_actions
from bot.joint import meetings as joint_meetings
from bot.joint import schedule as joint_schedule
from bot.joint.models import ActionItem
from bot.models import Workspace
from bot.sandbox.stack import SandboxStack
from bot.setup import workspaces
from bot.unhappy import csat_reports
from bot.unhappy.models import CorrectiveAction, UnhappyReport, UnhappyStage
from bot.unhappy.prefs import get_prefs
from bot.unhappy.reminders import ESCALATE, REMIND, stages_of

MAX_STEPS = 2000  # moments one advance may stop at (a year of busy schedules is a few hundred)


@dataclass(frozen=True)
class Coming:
    kind: str  # intel-digest | csat-digest | sla-reminder | sla-escalation | sla-follow-up | joint-… | action-item
    label: str
    at: datetime


@dataclass
class Step:
    at: datetime
    things: list[Coming]


def now() -> datetime:
    return clock.now()


def _digests(ws: Workspace, at: datetime) -> list[Coming]:
    out = []
    week = timedelta(days=7)
    schedule = intel_reports.digest_schedule(ws)
    if schedule.enabled and not workspaces.missing_channels(ws, "sales_channel", "marketing_channel"):
        out.append(Coming("intel-digest", "Weekly intel digest", intel_reports.last_due(ws, at + week)))
    if ws.sales_channel:
        out.append(Coming("csat-digest", "Weekly satisfaction digest", csat_reports.digest_week(ws, at + week)[1]))
    return out


def _reports(session: Session, at: datetime) -> list[Coming]:
    reports = list(session.exec(select(UnhappyReport).where(UnhappyReport.status == "open")).all())
    if not reports:
        return []
    ids = [r.id for r in reports]
    sent = set(session.exec(select(col(UnhappyStage.report_id), col(UnhappyStage.stage))
                            .where(col(UnhappyStage.report_id).in_(ids))).all())
    actions: dict[int, list[CorrectiveAction]] = {}
    for action in session.exec(select(CorrectiveAction).where(col(CorrectiveAction.report_id).in_(ids))).all():
        actions.setdefault(action.report_id, []).append(action)
    out: list[Coming] = []
    for report in reports:
        ws = session.get(Workspace, report.team_id)
        if ws is None:
            continue
        snoozed = clock.aware(report.snoozed_until)
        for due in stages_of(report, actions.get(pk(report.id), []), get_prefs(ws)):
            when = max(due.at, snoozed) if snoozed else due.at
            if (report.id, due.stage) in sent or when <= at:
                continue
            kind, what = {REMIND: ("sla-reminder", "SLA reminder"),
                          ESCALATE: ("sla-escalation", "SLA escalation to the leads")}.get(
                due.stage, ("sla-follow-up", "Corrective action follow-up"))
            out.append(Coming(kind, f"{what} · #{report.id} {report.customer}", when))
    return out


def _joint(session: Session, ws: Workspace, at: datetime) -> list[Coming]:
    up = joint_meetings.upcoming(session, ws=ws, at=at)
    out: list[Coming] = []
    if up is not None:
        quarter = up.quarter
        if up.meeting is None:
            out.append(Coming("joint-prompt", f"Joint meeting prompt ({quarter})", up.prompt_at))
        else:
            starts = up.starts_at
            length = timedelta(minutes=joint_schedule.schedule_of(ws).duration_minutes)
            out.append(Coming("joint-reminder", f"Joint meeting reminder ({quarter}, the day before)",
                              starts - timedelta(days=1)))
            out.append(Coming("joint-reminder", f"Joint meeting reminder ({quarter}, the hour before)",
                              starts - timedelta(hours=1)))
            if up.meeting.minutes is None:
                out.append(Coming("joint-follow-up", f"Joint meeting follow-up ({quarter})", starts + length))
    tz = ZoneInfo(ws.timezone or "UTC")
    for item in session.exec(select(ActionItem).where(ActionItem.team_id == ws.team_id, ActionItem.status == "open",
                                                      col(ActionItem.reminded_at).is_(None))).all():
        when = datetime.combine(item.due_on, joint_actions.REMIND_AT, tz).astimezone(at.tzinfo)
        out.append(Coming("action-item", f"Action item due · {item.text[:40]}", when))
    return [c for c in out if c.at > at]


def coming(stack: SandboxStack, *, after: datetime | None = None) -> list[Coming]:
    """Everything scheduled after `after` (default: now), soonest first. Reads only."""
    at = after or now()
    with session_scope(stack.rt.engine, read_only=True) as session:
        out = _reports(session, at)
        for ws in session.exec(select(Workspace).order_by(Workspace.team_id)).all():
            out += [c for c in _digests(ws, at) if c.at > at] + _joint(session, ws, at)
    return sorted(out, key=lambda c: (c.at, c.label))


def scheduler(stack: SandboxStack) -> BackgroundScheduler:
    """Truce's scheduler for this stack (not started): real time passing runs the jobs too."""
    from jobs.scheduler import build_scheduler

    return build_scheduler(stack.rt)


def run_jobs(stack: SandboxStack) -> int:
    """Run every scheduled job once, now, as the scheduler would; they pick what is due. Returns
    how many jobs ran."""
    jobs = scheduler(stack).get_jobs()
    for job in jobs:
        job.func(*job.args, **job.kwargs)
    stack.settle()
    return len(jobs)


def _move_to(moment: datetime) -> None:
    gap = moment - now()
    if gap > timedelta(0):
        clock.advance(gap)


def next_thing(stack: SandboxStack) -> Step | None:
    """Move to the next scheduled moment and run every job there. None: nothing is scheduled."""
    upcoming = coming(stack)
    if not upcoming:
        return None
    at = upcoming[0].at
    _move_to(at)
    run_jobs(stack)
    return Step(at, [c for c in upcoming if c.at == at])


def advance_to(stack: SandboxStack, target: datetime) -> list[Step]:
    """Move the clock to `target`, stopping at every scheduled moment on the way to run every job
    there (nothing due in between is skipped), then run them once more at `target`."""
    steps: list[Step] = []
    for _ in range(MAX_STEPS):
        upcoming = [c for c in coming(stack) if c.at <= target]
        if not upcoming:
            break
        at = upcoming[0].at
        _move_to(at)
        run_jobs(stack)
        steps.append(Step(at, [c for c in upcoming if c.at == at]))
    _move_to(target)
    run_jobs(stack)
    return steps


def advance_by(stack: SandboxStack, delta: timedelta) -> list[Step]:
    return advance_to(stack, now() + delta)


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `7d`, `2w` (a whole number and a unit)."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) > 5000:
        raise ValueError("say how far, e.g. `30m`, `2h`, `7d` or `2w`")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def when(moment: datetime, timezone: str = "UTC") -> str:
    """"Mon 7 Dec 2026, 09:00 UTC": how the sandbox shows a moment."""
    return joint_schedule.when_text(moment, timezone)
