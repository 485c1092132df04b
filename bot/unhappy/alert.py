"""Queueing an alert's messages: the alert itself, its in-place updates, its thread lines and DMs.

Every change to a report calls `changed()`: the alert is updated in place (chat.update through the
outbox) and one history line goes to its thread, in the same transaction as the change.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from bot import delivery
from bot.clock import now
from bot.db import pk
from bot.models import Outbox, Workspace
from bot.unhappy.blocks_alert import alert_blocks, alert_text, log_line
from bot.unhappy.models import CorrectiveAction, UnhappyReport


def ref(report: UnhappyReport) -> str:
    return f"unhappy:{report.id}"


def alert_channel(report: UnhappyReport) -> str:
    """Where the report's alert goes: kept on the report, which is refused when there is no alerts channel."""
    if report.alert_channel is None:
        raise ValueError(f"report {report.id} has no alerts channel to post its alert in")
    return report.alert_channel


def post_alert(*, session: Session, ws: Workspace, report: UnhappyReport) -> Outbox:
    row = delivery.queue_post(
        session, team_id=report.team_id, channel=alert_channel(report), text=alert_text(report),
        blocks=alert_blocks(report, []), key=f"{ref(report)}:alert", ref=ref(report),
    )
    report.alert_outbox_id = row.id
    session.add(report)
    return row


def changed(*, session: Session, report: UnhappyReport, actor: str | None, what: str,
            key: str | None = None) -> None:
    """The report changed: update the alert in place and write `what` in its thread."""
    report.updated_at = now()
    session.add(report)
    session.flush()
    row = alert_row(session=session, report=report)
    if row is None:
        return
    delivery.queue_update(session, target=row, text=alert_text(report),
                          blocks=alert_blocks(report, actions_of(session=session, report_id=pk(report.id))))
    thread_line(session=session, report=report, text=log_line(actor, what), key=key)


def thread_line(*, session: Session, report: UnhappyReport, text: str, key: str | None = None) -> None:
    row = alert_row(session=session, report=report)
    if row is None or report.alert_channel is None:  # no alert (yet): no thread
        return
    delivery.queue_post(session, team_id=report.team_id, channel=report.alert_channel, text=text,
                        thread_parent=row, key=key or f"{ref(report)}:log:{uuid.uuid4().hex}", ref=ref(report))


def dm(*, session: Session, report: UnhappyReport, user_id: str, text: str, key: str | None = None) -> None:
    delivery.queue_post(session, team_id=report.team_id, channel=user_id, text=text,
                        key=key or f"{ref(report)}:dm:{user_id}:{uuid.uuid4().hex}", ref=ref(report))


def alert_row(*, session: Session, report: UnhappyReport) -> Outbox | None:
    return session.get(Outbox, report.alert_outbox_id) if report.alert_outbox_id else None


def actions_of(*, session: Session, report_id: int) -> list[CorrectiveAction]:
    return list(session.exec(
        select(CorrectiveAction).where(CorrectiveAction.report_id == report_id).order_by(col(CorrectiveAction.id))
    ).all())
