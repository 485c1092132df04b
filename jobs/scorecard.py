"""The scorecard's background work: its chart posted with each quarterly prompt, and the durable task that
draws a chart and uploads it (for the prompt, and for `/joint scorecard`).

Every minute, for a workspace whose next joint meeting's prompt is out (announcing it makes the
workspace's `schedule_due` row due), the chart of the quarter that meeting
reviews is claimed once (a unique `ScorecardChart` key stored with its task in one transaction): two replicas
never post it twice. The task (bot/tasks.py) is claimed by one process at a time and retried when Slack fails;
a run that died between sharing the file and recording it finds the file in the channel by its name instead
of posting it again. Drawing (matplotlib) happens here, never while answering Slack.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot import delivery, schedule_due, tasks
from bot.clock import aware, now
from bot.db import pk
from bot.joint import meetings
from bot.joint.prefs import schedule_of
from bot.models import Outbox, Workspace
from bot.quarters import shift_quarter
from bot.runtime import Runtime
from bot.scorecard import chart, posting, upload
from bot.scorecard.message import compose
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
JOB_ID = ids.SCORECARD_PROMPT_CHART
# Slack errors a retry cannot mend: the chart is marked failed (and logged) instead of retried.
PROMPT_WAIT = timedelta(minutes=1)  # a prompt still on its way: the chart job looks again this much later
FINAL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive",
                "token_revoked", "missing_scope", "restricted_action", "team_access_not_granted"}


def run_due(rt: Runtime) -> dict[str, str]:
    """Claim (and post) the prompt's chart wherever a prompt is out. Returns the quarters posted, by team."""
    queued = for_each_due(rt, schedule_due.SCORECARD_CHART, lambda claim: queue_prompt_chart(rt, claim),
                          what="scorecard chart job")
    done = {}
    for team_id, claimed in queued.items():
        if claimed is not None and tasks.run(rt, claimed[1], rt.task_functions):
            done[team_id] = claimed[0]
    return done


def queue_prompt_chart(rt: Runtime, claim: schedule_due.Claim) -> tuple[str, int] | None:
    """(quarter, task id) of the chart just claimed for the prompt of the next meeting, or None."""
    team_id, at = claim.team_id, now()
    with rt.session() as session:
        ws = session.get(Workspace, team_id)
        if ws is None:
            schedule_due.forget(session, team_id)
            return None
        up = meetings.upcoming(session=session, ws=ws, at=at)
        if up is not None and up.meeting is not None and _on_its_way(session, up.meeting.prompt_post_ids):
            # The sender has not posted the prompt yet (jobs_post_through_sender, a busy outbox): the chart
            # follows the prompt it belongs to, never comes before it. Looked at again in a minute.
            schedule_due.reschedule(session, claim, at + PROMPT_WAIT)
            return None
        schedule_due.reschedule(session, claim, next_due_after(ws, up, at))
        if not ws.joint_channel or up is None or up.meeting is None or not up.meeting.prompt_post_ids:
            return None
        quarter = shift_quarter(up.meeting.quarter, -1)  # the meeting reviews the quarter before
        task = posting.queue(session, team_id=team_id, key=posting.prompt_key(quarter), quarter=quarter,
                             channel=ws.joint_channel)
        return (quarter, pk(task.id)) if task is not None else None


def _on_its_way(session: Session, post_ids: list[int]) -> bool:
    """Some of the prompt's posts are still queued or being sent."""
    waiting = select(col(Outbox.id)).where(
        col(Outbox.id).in_(post_ids), col(Outbox.status).in_((delivery.PENDING, delivery.SENDING))).limit(1)
    return bool(post_ids) and session.exec(waiting).first() is not None


def next_due_after(ws: Workspace, up: meetings.Upcoming | None, at: datetime) -> datetime:
    """When this job next has something to do here: the next prompt (announcing one makes the row due at
    once too, bot/joint/posts.announce), or, once it is out, when that meeting is over and the next one's
    prompt comes into view. Settings that change (a joint channel set) make the row due again."""
    if up is None:
        return schedule_due.NEVER
    if up.meeting is None:
        return up.prompt_at if up.prompt_at > at else up.starts_at
    return up.starts_at + timedelta(minutes=schedule_of(ws).duration_minutes)


def post_chart(rt: Runtime, *, team_id: str, chart_id: int) -> None:
    """The task: draw the chart of the claimed quarter and share it with the text scorecard, once."""
    with rt.session() as session:
        row = posting.get(session, chart_id=chart_id)
        ws = session.get(Workspace, team_id)
        if row is None or ws is None or row.status in (posting.SHARED, posting.FAILED):
            return
        in_doubt = posting.start(session, chart=row)
        message = compose(session, ws=ws, quarter=row.quarter)
        channel, filename, since = row.channel, row.filename, aware(row.created_at).timestamp() - 60
    client = rt.client_for(team_id)
    size = None
    file_id = upload.find_shared(client, channel=channel, filename=filename, oldest=since) if in_doubt else None
    if file_id is None:
        png = chart.png(message.chart)
        try:
            file_id = upload.share_chart(client, channel=channel, filename=filename, title=message.chart_title,
                                         png=png, blocks=message.blocks)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error not in FINAL_ERRORS:
                raise
            log.warning("scorecard chart %s for %s not posted: %s", chart_id, team_id, error)
            with rt.session() as session:
                claimed = posting.get(session, chart_id=chart_id)
                if claimed is not None:
                    posting.failed(session, chart=claimed, error=error)
            return
        size = len(png)
    with rt.session() as session:
        claimed = posting.get(session, chart_id=chart_id)
        if claimed is not None:
            posting.shared(session, chart=claimed, file_id=file_id, size=size)
