"""Migration 0010 moves every workspace preference from the old untyped `workspace.prefs` JSON into one
`workspace_prefs` row per feature, read through the features' models; downgrade puts them back as they were."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from bot import migrate
from bot.intel.prefs import IntelPrefs
from bot.intel.reports import digest_schedule
from bot.intel.share import share_emoji
from bot.joint.prefs import export_token_sha256, schedule_of
from bot.models import Workspace, WorkspacePrefs
from bot.playbook.winloss import last_currency
from bot.prefs import prefs_of
from bot.unhappy.prefs import get_prefs

OLD = {
    "intel_emoji": "rocket",
    "intel_digest": {"weekday": 4, "time": "16:30", "enabled": False},
    "joint.schedule": {"week": "last", "weekday": "fri", "hour": 9, "minute": 15, "prompt_days": 3,
                       "duration_minutes": 90},
    "joint.export_token_sha256": "ab" * 32,
    "unhappy": {"emoji": {"claim": "hand", "ack": "ok", "resolve": "done"}, "sla": {"low": "2bd", "high": "30m"},
                "hours": "08:30-17:00", "days": [0, 1, 2, 3], "csat_scale": 5},
    "winloss.currency": "EUR",
    "someone.elses": {"kept": True},
}
# The columns of `workspace` as they were at 0009.
OLD_WORKSPACE = sa.table("workspace", sa.column("team_id", sa.String), sa.column("timezone", sa.String),
                         sa.column("lead_user_ids", sa.JSON), sa.column("prefs", sa.JSON),
                         sa.column("created_at", sa.DateTime(timezone=True)),
                         sa.column("updated_at", sa.DateTime(timezone=True)))


def _stored_prefs(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {team: prefs for team, prefs in conn.execute(
            sa.select(OLD_WORKSPACE.c.team_id, OLD_WORKSPACE.c.prefs)).all()}


def test_upgrade_keeps_every_value_and_downgrade_restores_them(db):
    migrate.downgrade(db, "0009")
    try:
        at = datetime(2026, 11, 1, tzinfo=UTC)
        with db.begin() as conn:
            conn.execute(OLD_WORKSPACE.insert(), [
                {"team_id": "TFULL", "timezone": "Europe/Paris", "lead_user_ids": [], "prefs": OLD, "created_at": at,
                 "updated_at": at},
                {"team_id": "TNONE", "timezone": "UTC", "lead_user_ids": [], "prefs": {}, "created_at": at,
                 "updated_at": at},
            ])
        migrate.upgrade(db)
        with Session(db) as s:
            full, empty = s.get(Workspace, "TFULL"), s.get(Workspace, "TNONE")
            rows = {r.feature: r.data for r in s.exec(select(WorkspacePrefs)).all() if r.team_id == "TFULL"}
        assert set(rows) == {"intel", "joint", "unhappy", "playbook", "legacy"}
        assert rows["legacy"] == {"someone.elses": {"kept": True}}
        assert share_emoji(full) == "rocket"
        assert prefs_of(full, IntelPrefs).digest.model_dump() == OLD["intel_digest"]
        assert digest_schedule(full).describe() == "off"
        assert schedule_of(full).describe() == ("the last Friday of each quarter at 09:15, with the prompt 3 days "
                                                "before")
        assert schedule_of(full).duration_minutes == 90
        assert export_token_sha256(full) == "ab" * 32
        unhappy = get_prefs(full)
        assert unhappy.emoji == {"claim": "hand", "ack": "ok", "resolve": "done"}
        assert (unhappy.sla["low"].code, unhappy.sla["high"].code, unhappy.sla["critical"].code) == ("2bd", "30m",
                                                                                                     "15m")
        assert (unhappy.days, unhappy.csat_scale, f"{unhappy.open_at:%H:%M}") == ((0, 1, 2, 3), 5, "08:30")
        assert last_currency(full) == "EUR"
        # A workspace with nothing stored reads every default.
        assert (share_emoji(empty), schedule_of(empty).week, last_currency(empty), get_prefs(empty).csat_scale) == \
            ("bulb", "1st", None, 10)
    finally:
        migrate.downgrade(db, "0009")
        try:
            assert _stored_prefs(db) == {"TFULL": OLD, "TNONE": {}}
        finally:
            with db.begin() as conn:
                conn.execute(OLD_WORKSPACE.delete())
            migrate.upgrade(db)
