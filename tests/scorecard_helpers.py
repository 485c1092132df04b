"""Rows for the scorecard's tests, written straight into the test database (the features that make
them through Slack are tested elsewhere): a workspace, a plan, shares, reports, scores, deals."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.db import session_scope
from bot.intel.models import IntelShare
from bot.joint.models import JointPlan, JointPlanLine
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.quarters import set_start_month
from bot.unhappy.csat_models import CsatScore
from bot.unhappy.models import UnhappyReport, UnhappyStage

TEAM = "T0SCORE"
SAM, MARIA, LEE = "U0SAM", "U0MARIA", "U0LEE"
OWNERS = [{"id": SAM, "name": "Sam Seller", "teams": ["sales"]},
          {"id": MARIA, "name": "Maria Marketer", "teams": ["marketing"]}]


def workspace(engine, *, timezone: str = "UTC", fiscal_start: int | None = None, team_id: str = TEAM) -> Workspace:
    with session_scope(engine) as s:
        ws = Workspace(team_id=team_id, timezone=timezone, lead_user_ids=[LEE], joint_channel="C0JOINT")
        s.add(ws)
        s.flush()
        if fiscal_start is not None:
            set_start_month(session=s, ws=ws, month=fiscal_start)
    return ws


def plan(engine, quarter: str, lines: list[tuple], *, currency: str = "EUR", team_id: str = TEAM) -> int:
    """lines: (goal, budget, pipeline, revenue)."""
    with session_scope(engine) as s:
        p = JointPlan(team_id=team_id, quarter=quarter, currency=currency, owners=OWNERS, created_by=SAM,
                      updated_by=SAM)
        s.add(p)
        s.flush()
        for i, (goal, budget, pipeline, revenue) in enumerate(lines):
            s.add(JointPlanLine(team_id=team_id, plan_id=p.id, position=i, goal=goal, campaign="",
                                budget=Decimal(budget), expected_pipeline=Decimal(pipeline),
                                expected_revenue=Decimal(revenue)))
        return p.id


def share(s: Session, at: datetime, *, team: str = "sales", useful: int = 0, retracted: bool = False,
          team_id: str = TEAM) -> None:
    s.add(IntelShare(team_id=team_id, sharer_id=SAM, from_team=team, summary="news", via="command",
                     useful_count=useful, created_at=at, updated_at=at,
                     retracted_at=at + timedelta(hours=1) if retracted else None))


def report(s: Session, at: datetime, *, owned_after: timedelta | None = None, resolved_after: timedelta | None = None,
           breached: bool = False, team_id: str = TEAM) -> None:
    r = UnhappyReport(team_id=team_id, customer="Acme", customer_key="acme", reporter_id=SAM, created_at=at,
                      updated_at=at, time_to_owned_s=int(owned_after.total_seconds()) if owned_after else None,
                      owned_at=at + owned_after if owned_after else None,
                      status="resolved" if resolved_after else "open",
                      closed_at=at + resolved_after if resolved_after else None)
    s.add(r)
    s.flush()
    if breached:
        s.add(UnhappyStage(team_id=team_id, report_id=r.id, stage="remind"))


def score(s: Session, at: datetime, value: float, scale: int = 10, *, team_id: str = TEAM) -> None:
    s.add(CsatScore(team_id=team_id, customer="Acme", customer_key="acme", score=value, scale=scale, created_at=at))


def deal(s: Session, at: datetime, outcome: str, competitor: str | None = None, *, team_id: str = TEAM) -> None:
    s.add(WinLoss(team_id=team_id, outcome=outcome, customer="Acme", reason="price", competitor=competitor,
                  recorded_by=SAM, closed_at=at, created_at=at))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- reading a PNG: its chunks (each CRC checked) and its text metadata --------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        out.append((kind, body))
        at += 12 + length
    return out


def png_text(chunks) -> dict[str, str]:
    found = {}
    for kind, body in chunks:
        if kind == b"tEXt":
            key, _, value = body.partition(b"\x00")
            found[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            _translated, _, value = rest.partition(b"\x00")
            found[key.decode("latin-1")] = (zlib.decompress(value) if compressed else value).decode("utf-8")
    return found
