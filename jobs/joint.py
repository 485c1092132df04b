"""The quarterly joint meeting's clock: every minute, post whatever is due, once.

APScheduler only ticks; the database says what is due. Each prompt, reminder and follow-up is a
unique (team, quarter, kind) occurrence row claimed in the same transaction as its posts, so two
replicas never post twice, and a prompt missed while Truce was down goes out when it comes back
(if the meeting is still ahead).

From the sandbox shell, after moving time: `jobs.joint.run_due(rt)`; or, to see the quarter's
prompt at once: `jobs.joint.force_prompt(rt, team_id)` (the same claim `/joint announce` uses).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import schedule_due
from bot.clock import now
from bot.joint import due as joint_due
from bot.joint import meetings, posts
from bot.joint.models import JointMeeting
from bot.models import Workspace
from bot.runtime import Runtime
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
JOB_ID = ids.JOINT_DUE


def run_due(rt: Runtime) -> dict[str, list[str]]:
    """Post everything due now in every workspace where something is due. Returns what was posted, by team."""
    results = for_each_due(rt, schedule_due.JOINT, lambda claim: run_for(rt, claim.team_id, claim),
                           what="joint meeting job")
    return {team_id: steps for team_id, steps in results.items() if steps}


def run_for(rt: Runtime, team_id: str, claim: schedule_due.Claim | None = None) -> list[str]:
    """Post what is due for this workspace now; with the tick's `claim`, also write when it is next due."""
    at = now()
    done: list[str] = []
    with rt.session() as session:
        ws = session.get(Workspace, team_id)
        if ws is None:
            if claim is not None:
                schedule_due.forget(session, team_id)
            return done
        up = meetings.upcoming(session=session, ws=ws, at=at)
        if up is not None and up.meeting is None and up.prompt_at <= at < up.starts_at:
            fallback = [] if ws.joint_channel else meetings.admins(session=session, ws=ws)
            if posts.announce(session, sources=rt.agenda_sources, ws=ws, quarter=up.quarter, starts_at=up.starts_at,
                              by=rt.name, fallback=fallback):
                done.append(f"prompt {up.quarter}")
        for meeting in meetings.recent(session=session, team_id=team_id, since=at - timedelta(days=7)):
            done += [f"{step} {meeting.quarter}" for step in
                     posts.due_steps(session, sources=rt.agenda_sources, ws=ws, meeting=meeting, by=rt.name, at=at)]
        due = posts.remind_due_items(session, ws=ws, at=at)
        if due:
            done.append(f"{due} action item(s) due")
        if claim is not None:
            schedule_due.reschedule(session, claim, joint_due.next_due(session, ws=ws, at=at))
    if done:
        log.info("joint meeting job (%s) for %s: %s", rt.name, team_id, ", ".join(done))
    return done


def force_prompt(rt: Runtime, team_id: str) -> JointMeeting | None:
    """Post the next meeting's prompt now (see bot.joint.posts.announce_next); None if it is already out."""
    with rt.session() as session:
        ws = session.get(Workspace, team_id)
        return posts.announce_next(session, sources=rt.agenda_sources, ws=ws, by=rt.name) if ws else None
