"""When each per-workspace job is next due: one `schedule_due` row per workspace and job (bot/schedule_due.py
claims and writes them; jobs/common.for_each_due runs the due ones).

A row's `due_at` is never later than the moment that job next has something to do for that workspace: each run
writes the next moment the feature's own schedule code computes, and anything that can move it sooner makes
the row due at once (`ASAP`), so the next tick computes it again. Writing a workspace's row or one of its
preference rows does that here, for every job of the workspace, whatever code path wrote them (setup,
`save_prefs`, installs): a schedule, a timezone, a channel or a fiscal year that changes is never missed.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel

from bot.models.base import dialect_insert, utc_field
from bot.models.core import Workspace, WorkspacePrefs

# The jobs that run per workspace (their names as rows spell them; migration 0014 copies this list).
JOINT = "joint"  # jobs/joint.run_due: prompts, reminders, follow-ups, action items due
INTEL_DIGEST = "intel-digest"  # jobs/intel.post_digests
INTEL_FEEDBACK = "intel-feedback"  # jobs/competitors.send_weekly_news
CSAT_DIGEST = "csat-digest"  # jobs/unhappy.send_csat_digests
SCORECARD_CHART = "scorecard-chart"  # jobs/scorecard.run_due
MEMBERS = "members"  # jobs/members.refresh_all
JOBS = (JOINT, INTEL_DIGEST, INTEL_FEEDBACK, CSAT_DIGEST, SCORECARD_CHART, MEMBERS)

ASAP = datetime(2000, 1, 1, tzinfo=UTC)  # due whatever the clock says: the next tick computes the real time
NEVER = datetime(9999, 1, 1, tzinfo=UTC)  # nothing ahead until something changes (and makes the row ASAP)


class ScheduleDue(SQLModel, table=True):
    __tablename__ = "schedule_due"
    __table_args__ = (Index("ix_schedule_due_job_due", "job", "due_at"),)

    team_id: str = Field(primary_key=True, max_length=32)
    job: str = Field(primary_key=True, max_length=32)
    due_at: datetime = utc_field()


def upsert_statement(dialect: str, rows: list[dict[str, Any]]) -> Any:
    """INSERT the rows, or move an existing (team_id, job) row's due_at to the row's."""
    table = ScheduleDue.__table__  # type: ignore[attr-defined]
    stmt = dialect_insert(dialect)(table).values(rows)
    return stmt.on_conflict_do_update(index_elements=["team_id", "job"], set_={"due_at": stmt.excluded.due_at})


def due_asap(session: OrmSession, team_ids: Iterable[str], jobs: Iterable[str] = JOBS) -> None:
    """Make these workspaces' jobs due at once (creating their rows), in the session's transaction."""
    rows = [{"team_id": t, "job": j, "due_at": ASAP} for t in sorted(set(team_ids)) for j in jobs]
    if rows:
        session.execute(upsert_statement(session.get_bind().dialect.name, rows))


@event.listens_for(OrmSession, "before_flush")
def _settings_written(session: OrmSession, _context: Any, _instances: Any) -> None:
    """A workspace created or changed, or preferences saved: every schedule of that workspace is due again."""
    teams = {obj.team_id for obj in (*session.new, *session.deleted) if isinstance(obj, Workspace | WorkspacePrefs)}
    teams |= {obj.team_id for obj in session.dirty
              if isinstance(obj, Workspace | WorkspacePrefs) and session.is_modified(obj, include_collections=False)}
    due_asap(session, teams)
