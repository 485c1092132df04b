"""SLA reminders of unhappiness reports, each stage exactly once per report.

Stages of an open, not snoozed report:
- "remind": it still lacks a sales or a marketing owner one SLA after the report -> a line in its thread;
- "escalate": still lacking one after twice the SLA -> a DM to each lead and a post in the joint channel;
- "followup:<action id>": owned by both teams, and a corrective action's follow-up date has come
  (at the opening of working hours that day) -> a line in its thread naming both owners.
Low and medium reminders due outside working hours go out at the next opening.

A stage is claimed by inserting its (report_id, stage) row, unique, in the same transaction that
queues its posts: two replicas never send it twice, and whatever became due while every replica
was down is sent, once, by the first one to run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import delivery
from bot.clock import aware
from bot.db import pk
from bot.models import Workspace
from bot.unhappy.alert import ref, thread_line
from bot.unhappy.blocks_notes import escalation_dm, escalation_post, followup_line, reminder_line
from bot.unhappy.models import CorrectiveAction, UnhappyReport, UnhappyStage
from bot.unhappy.prefs import due_at, get_prefs, opening_on
from bot.unhappy.reports import get_report
from bot.unhappy.rules import UnhappyPrefs

log = logging.getLogger(__name__)
REMIND, ESCALATE, FOLLOWUP = "remind", "escalate", "followup"


@dataclass(frozen=True)
class Due:
    team_id: str
    report_id: int
    stage: str
    at: datetime


def stages_of(report: UnhappyReport, actions: list[CorrectiveAction], prefs: UnhappyPrefs) -> list[Due]:
    """Every reminder stage this report has now, with when each is due."""
    if not report.is_open:
        return []
    created = aware(report.created_at)
    if not report.is_owned:
        return [Due(report.team_id, pk(report.id), REMIND, due_at(created, report.severity, prefs)),
                Due(report.team_id, pk(report.id), ESCALATE, due_at(created, report.severity, prefs, times=2))]
    return [Due(report.team_id, pk(report.id), f"{FOLLOWUP}:{a.id}", opening_on(a.follow_up_on, prefs, created.tzinfo))
            for a in actions if a.follow_up_on is not None]


def _snoozed(report: UnhappyReport, at: datetime) -> bool:
    return bool(report.snoozed_until and aware(report.snoozed_until) > at)


def due_now(*, session: Session, at: datetime) -> list[Due]:
    """The stages due at `at` that nobody has sent yet (any workspace), oldest first."""
    reports = list(session.exec(
        select(UnhappyReport).where(
            UnhappyReport.status == "open",
            or_(col(UnhappyReport.snoozed_until).is_(None), col(UnhappyReport.snoozed_until) <= at),
        )
    ).all())
    if not reports:
        return []
    ids = [pk(r.id) for r in reports]
    sent = set(session.exec(select(UnhappyStage.report_id, UnhappyStage.stage)
                            .where(col(UnhappyStage.report_id).in_(ids))).all())
    actions: dict[int, list[CorrectiveAction]] = {}
    for action in session.exec(select(CorrectiveAction).where(
            col(CorrectiveAction.report_id).in_(ids), col(CorrectiveAction.follow_up_on).is_not(None))).all():
        actions.setdefault(action.report_id, []).append(action)
    prefs: dict[str, UnhappyPrefs] = {}
    due = []
    for report in reports:
        if report.team_id not in prefs:
            ws = session.get(Workspace, report.team_id)
            if ws is None:
                continue
            prefs[report.team_id] = get_prefs(ws)
        for stage in stages_of(report, actions.get(pk(report.id), []), prefs[report.team_id]):
            if stage.at <= at and (report.id, stage.stage) not in sent:
                due.append(stage)
    return sorted(due, key=lambda d: (d.at, d.report_id, d.stage != REMIND))


def _claim(session: Session, due: Due) -> bool:
    try:
        with session.begin_nested():
            session.add(UnhappyStage(team_id=due.team_id, report_id=due.report_id, stage=due.stage))
    except IntegrityError:
        return False
    return True


def send_stage(*, session: Session, due: Due, at: datetime) -> bool:
    """Claim one due stage and queue its posts (same transaction). False: not due, or already sent."""
    ws = session.get(Workspace, due.team_id)
    report = get_report(session=session, team_id=due.team_id, report_id=due.report_id, lock=True)
    if ws is None or report is None or _snoozed(report, at):
        return False
    prefs = get_prefs(ws)
    actions = list(session.exec(select(CorrectiveAction).where(CorrectiveAction.report_id == report.id)).all())
    current = {d.stage: d for d in stages_of(report, actions, prefs)}
    if due.stage not in current or current[due.stage].at > at:
        return False  # claimed, resolved or changed since it was listed
    if not _claim(session, due):
        return False
    key = f"{ref(report)}:stage:{due.stage}"
    if due.stage == REMIND:
        thread_line(session=session, report=report, text=reminder_line(report, prefs), key=key)
    elif due.stage == ESCALATE:
        _escalate(session, ws, report, prefs, key)
    else:
        action = next(a for a in actions if f"{FOLLOWUP}:{a.id}" == due.stage)
        thread_line(session=session, report=report, text=followup_line(report, action), key=key)
    log.info("unhappy report %s: stage %s sent", report.id, due.stage)
    return True


def _escalate(session: Session, ws: Workspace, report: UnhappyReport, prefs: UnhappyPrefs, key: str) -> None:
    for lead in ws.lead_user_ids or []:
        delivery.queue_post(session, team_id=ws.team_id, channel=lead, text=escalation_dm(report, prefs),
                            key=f"{key}:lead:{lead}", ref=ref(report))
    if ws.joint_channel:
        delivery.queue_post(session, team_id=ws.team_id, channel=ws.joint_channel,
                            text=escalation_post(report, prefs), key=f"{key}:joint", ref=ref(report))
    where = []
    if ws.lead_user_ids:
        where.append("the leads")
    if ws.joint_channel:
        where.append(f"<#{ws.joint_channel}>")
    thread_line(session=session, report=report, key=f"{key}:log",
                text=reminder_line(report, prefs, escalated_to=" and ".join(where) or "nobody (no leads set)"))
