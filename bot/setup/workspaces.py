"""Workspaces: their channels, timezone and leads."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlmodel import Session

from bot.clock import now
from bot.config import Settings
from bot.db import one_read
from bot.models import Workspace
from bot.user_error import UserError

CHANNEL_ROLES = ("sales_channel", "marketing_channel", "joint_channel", "alerts_channel")




@dataclass(frozen=True)
class SetupData:
    sales_channel: str
    marketing_channel: str
    joint_channel: str
    alerts_channel: str
    timezone: str
    lead_user_ids: tuple[str, ...] = ()


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def read_workspace(engine: Engine, team_id: str) -> Workspace | None:
    """The workspace's row with its preferences, detached, or None. One statement (the preferences joined),
    outside a transaction on PostgreSQL and without a write turn on SQLite: cheap enough for the thread that
    answers Slack, and read on each request, so a change another replica made shows at once."""
    with one_read(engine) as session:
        return session.get(Workspace, team_id, options=[joinedload(Workspace.pref_rows)])  # type: ignore[arg-type]


def ensure_workspace(*, session: Session, team_id: str, settings: Settings) -> Workspace:
    """The workspace's row, created from the single-workspace defaults on first contact."""
    ws = session.get(Workspace, team_id)
    if ws is not None:
        return ws
    ws = Workspace(
        team_id=team_id,
        sales_channel=settings.sales_channel,
        marketing_channel=settings.marketing_channel,
        joint_channel=settings.joint_channel,
        alerts_channel=settings.alerts_channel,
        timezone=settings.timezone,
        lead_user_ids=settings.lead_ids,
    )
    try:
        with session.begin_nested():
            session.add(ws)
    except IntegrityError:  # another request created it a moment ago
        theirs = session.get(Workspace, team_id)
        if theirs is None:  # not the one-row-per-team rule: a real error
            raise
        return theirs
    return ws


def validate_setup(data: SetupData) -> None:
    for role in CHANNEL_ROLES:
        if not getattr(data, role):
            raise UserError("Choose a channel.", field=role)
    if data.sales_channel == data.marketing_channel:
        raise UserError("Sales and marketing need two different channels.", field="marketing_channel")
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError("Choose a timezone from the list.", field="timezone") from None


def update_setup(*, session: Session, team_id: str, data: SetupData, settings: Settings) -> Workspace:
    validate_setup(data)
    ws = ensure_workspace(session=session, team_id=team_id, settings=settings)
    for role in CHANNEL_ROLES:
        setattr(ws, role, getattr(data, role))
    ws.timezone = data.timezone
    ws.lead_user_ids = list(data.lead_user_ids)
    ws.updated_at = now()
    session.add(ws)
    return ws


def missing_channels(ws: Workspace, *roles: str) -> list[str]:
    """Which of the named channel roles are not set (all four when none named)."""
    return [r for r in (roles or CHANNEL_ROLES) if not getattr(ws, r)]


def is_lead(ws: Workspace, user_id: str) -> bool:
    return user_id in (ws.lead_user_ids or [])
