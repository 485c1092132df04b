"""The weekly intel digest. Every five minutes the workspaces whose digest time (default Monday 09:00 in
their timezone, `schedule_due`) has come are claimed and read: when it has passed and this week's
digest is not claimed yet, it is claimed (a unique row per workspace and week) and posted. Two replicas
never post it twice; a restart after downtime posts a missed digest once."""

from __future__ import annotations

import logging
from datetime import datetime

from bot import schedule_due
from bot.clock import now
from bot.intel import reports as intel_reports
from bot.runtime import Runtime
from bot.setup import workspaces
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
JOB_ID = ids.INTEL_DIGEST


def post_digests(rt: Runtime) -> int:
    """Post every due digest (only workspaces whose digest time has come are read). Returns how many were posted."""
    at = now()
    return sum(for_each_due(rt, schedule_due.INTEL_DIGEST, lambda claim: digest_workspace(rt, claim, at),
                            what="intel digest").values())


def digest_workspace(rt: Runtime, claim: schedule_due.Claim, at: datetime) -> int:
    team_id = claim.team_id
    with rt.session() as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        if ws is None:
            schedule_due.forget(session, team_id)
            return 0
        schedule_due.reschedule(session, claim, intel_reports.next_due(ws, at))
        if workspaces.missing_channels(ws, "sales_channel", "marketing_channel"):
            return 0
        digest = intel_reports.claim_digest(session=session, ws=ws, at=at)
        if digest is None:
            return 0
        listed = intel_reports.queue_digest(session=session, ws=ws, digest=digest)
        log.info("intel digest %s for %s: %d shares listed", digest.week, team_id, listed)
    return 1 if listed else 0
