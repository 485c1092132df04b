"""Migration 0011 links the intel and win/loss rows already stored to one competitor per spelling key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from bot import migrate
from bot.competitors.models import Competitor, CompetitorAlias, CompetitorEvent
from bot.db import session_scope
from bot.intel.models import IntelShare
from bot.playbook.models import WinLoss

AT = datetime(2027, 1, 5, 9, tzinfo=UTC)


def _share(conn, team: str, competitor: str | None, minutes: int) -> None:
    at = AT + timedelta(minutes=minutes)
    conn.execute(text(
        "INSERT INTO intel_share (team_id, sharer_id, from_team, kind, competitor, competitor_key, summary, "
        "enrichment, via, source_state, useful_count, sort_key, created_at, updated_at) VALUES (:t, 'USAM001', "
        "'sales', 'competitor', :c, :k, 'news', 'none', 'command', 'none', 0, 0, :at, :at)"),
        {"t": team, "c": competitor, "k": competitor.lower() if competitor else None, "at": at})


def _entry(conn, team: str, competitor: str | None, minutes: int) -> None:
    at = AT + timedelta(minutes=minutes)
    conn.execute(text(
        "INSERT INTO win_loss (team_id, outcome, customer, reason, competitor, source, recorded_by, closed_at, "
        "created_at) VALUES (:t, 'lost', 'Globex', 'price', :c, 'command', 'USAM001', :at, :at)"),
        {"t": team, "c": competitor, "at": at})


def test_existing_rows_are_linked_one_competitor_per_spelling(db):
    migrate.downgrade(db, "0009")
    try:
        with db.begin() as conn:
            _share(conn, "T1", "initech inc", 0)
            _share(conn, "T1", "Initech", 1)
            _share(conn, "T1", "INITECH", 2)
            _share(conn, "T1", None, 3)
            _share(conn, "T1", "Globex", 4)
            _entry(conn, "T1", "Initech", 5)
            _entry(conn, "T1", "???", 6)  # no letters: left unlinked
            _entry(conn, "T2", "initech", 7)  # another workspace: its own competitor
    finally:
        migrate.upgrade(db)
    with session_scope(db) as s:
        competitors = {(c.team_id, c.name): c for c in s.exec(select(Competitor)).all()}
        assert set(competitors) == {("T1", "Initech"), ("T1", "Globex"), ("T2", "initech")}
        initech = competitors[("T1", "Initech")]  # the most used spelling names it
        shares = s.exec(select(IntelShare).order_by(IntelShare.id)).all()
        assert [r.competitor_id for r in shares] == [initech.id] * 3 + [None, competitors[("T1", "Globex")].id]
        entries = s.exec(select(WinLoss).order_by(WinLoss.id)).all()
        assert [r.competitor_id for r in entries] == [initech.id, None, competitors[("T2", "initech")].id]
        aliases = s.exec(select(CompetitorAlias).where(CompetitorAlias.competitor_id == initech.id)).all()
        assert [(a.key, a.name) for a in aliases] == [("initech", "Initech")]
        created = s.exec(select(CompetitorEvent).where(CompetitorEvent.competitor_id == initech.id)).one()
        assert created.action == "created" and created.user_id is None
        assert created.changes == {"by": "migration", "spellings": ["INITECH", "Initech", "initech inc"]}
