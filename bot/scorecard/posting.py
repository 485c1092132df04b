"""Which scorecard charts are to be posted where, and what became of each (no Slack calls here).

A chart to post is a `ScorecardChart` row, claimed by its key: `scorecard:<quarter>:prompt` once per
quarter for the quarterly prompt (two replicas never post it twice), `scorecard:<quarter>:<request>` for
each `/joint scorecard`. Its file name carries the key's fingerprint, so a run that died between sharing
the file and recording it finds the file in the channel's history instead of posting it again:
`pending` -> `uploading` (a run has started; if it is found so, that run may have shared the file)
-> `shared` (the file id kept) or `failed` (with the error).
"""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import ids, tasks
from bot.clock import now
from bot.models import Task
from bot.scorecard.models import ScorecardChart

PENDING, UPLOADING, SHARED, FAILED = "pending", "uploading", "shared", "failed"
CHART_TASK = ids.CHART_TASK  # the durable task (bot/tasks.py) that renders and uploads one chart


def prompt_key(quarter: str) -> str:
    return f"scorecard:{quarter}:prompt"


def request_key(quarter: str, request_id: str) -> str:
    return f"scorecard:{quarter}:{request_id}"[:128]


def filename_for(team_id: str, key: str, quarter: str) -> str:
    fingerprint = hashlib.sha256(f"{team_id}:{key}".encode()).hexdigest()[:10]
    return f"truce-scorecard-{quarter}-{fingerprint}.png"


def claim(session: Session, *, team_id: str, key: str, quarter: str, channel: str,
          requested_by: str | None = None) -> ScorecardChart | None:
    """A new chart to post, or None when this key was claimed before (by this process or another)."""
    if session.exec(select(ScorecardChart.id).where(ScorecardChart.team_id == team_id,
                                                    ScorecardChart.key == key)).first() is not None:
        return None
    chart = ScorecardChart(team_id=team_id, key=key, quarter=quarter, channel=channel, requested_by=requested_by,
                           filename=filename_for(team_id, key, quarter))
    try:
        with session.begin_nested():
            session.add(chart)
    except IntegrityError:
        return None
    return chart


def queue(session: Session, *, team_id: str, key: str, quarter: str, channel: str,
          requested_by: str | None = None) -> Task | None:
    """Claim a chart to post and store the task that posts it, in the caller's transaction (so both or
    neither are kept). None when this key was claimed before: it is, or was, posted by its own task."""
    chart = claim(session, team_id=team_id, key=key, quarter=quarter, channel=channel, requested_by=requested_by)
    if chart is None:
        return None
    session.flush()
    return tasks.enqueue(session, team_id=team_id, kind=CHART_TASK, key=f"{CHART_TASK}:{chart.id}",
                         payload={"chart_id": chart.id})


def get(session: Session, *, chart_id: int) -> ScorecardChart | None:
    return session.get(ScorecardChart, chart_id)


def start(session: Session, *, chart: ScorecardChart) -> bool:
    """Mark a run as started. True when an earlier run had started too (it may have shared the file)."""
    in_doubt = chart.status == UPLOADING
    chart.status = UPLOADING
    session.add(chart)
    return in_doubt


def shared(session: Session, *, chart: ScorecardChart, file_id: str, size: int | None) -> ScorecardChart:
    chart.status, chart.file_id, chart.size, chart.shared_at, chart.last_error = SHARED, file_id, size, now(), None
    session.add(chart)
    return chart


def failed(session: Session, *, chart: ScorecardChart, error: str) -> ScorecardChart:
    chart.status, chart.last_error = FAILED, error[:255]
    session.add(chart)
    return chart


def latest_shared(session: Session, *, team_id: str, quarter: str) -> ScorecardChart | None:
    return session.exec(select(ScorecardChart).where(
        ScorecardChart.team_id == team_id, ScorecardChart.quarter == quarter, ScorecardChart.status == SHARED,
    ).order_by(col(ScorecardChart.shared_at).desc())).first()
