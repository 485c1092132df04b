"""Customer alerts' SLA reminders and escalations (every minute), and the weekly satisfaction
digest (checked every 15 minutes). APScheduler is only the clock: the database says what is due,
and each stage or digest is claimed by a unique row, so replicas never send anything twice."""

from __future__ import annotations

import logging

from bot import schedule_due
from bot.clock import now
from bot.db import session_scope
from bot.models import Workspace
from bot.runtime import Runtime
from bot.unhappy import csat_reports
from bot.unhappy.alert_links import ensure_permalink
from bot.unhappy.reminders import due_now, send_stage
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
REMINDERS_JOB, DIGEST_JOB = ids.UNHAPPY_REMINDERS, ids.CSAT_DIGEST


def send_reminders(rt: Runtime) -> int:
    """Send every reminder stage that is due and not sent yet. Returns how many this process sent."""
    at = now()
    with session_scope(rt.engine) as session:
        due = due_now(session=session, at=at)
    sent = 0
    for item in due:
        try:
            ensure_permalink(rt, team_id=item.team_id, report_id=item.report_id)
            with rt.session() as session:
                sent += send_stage(session=session, due=item, at=at)
        except Exception:  # one report's trouble must not hold back the others
            log.exception("reminder %s of report %s failed", item.stage, item.report_id)
    return sent


def send_csat_digests(rt: Runtime) -> int:
    """Send each workspace's weekly satisfaction digest once it is due (only the workspaces whose digest
    time has come are read). Returns how many were sent."""
    at = now()

    def send(claim: schedule_due.Claim) -> int:
        with rt.session() as session:
            ws = session.get(Workspace, claim.team_id)
            if ws is None:  # uninstalled
                schedule_due.forget(session, claim.team_id)
                return 0
            schedule_due.reschedule(session, claim, csat_reports.next_digest(ws, at))
            return csat_reports.send_digest(session=session, ws=ws, at=at)

    return sum(for_each_due(rt, schedule_due.CSAT_DIGEST, send, what="satisfaction digest").values())
