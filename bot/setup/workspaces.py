"""Workspaces: their channels, timezone and leads."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.clock import now
from bot.config import Settings
from bot.field_error import FieldError
from bot.models import Workspace

CHANNEL_ROLES = ("sales_channel", "marketing_channel", "joint_channel", "alerts_channel")


class SetupError(FieldError):
    """A setup value that cannot be saved; `field` names the input it belongs to."""


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
        ws = session.get(Workspace, team_id)
    return ws


def validate_setup(data: SetupData) -> None:
    for role in CHANNEL_ROLES:
        if not getattr(data, role):
            raise SetupError(role, "Choose a channel.")
    if data.sales_channel == data.marketing_channel:
        raise SetupError("marketing_channel", "Sales and marketing need two different channels.")
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SetupError("timezone", "Choose a timezone from the list.") from None


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


def set_pref(*, session: Session, ws: Workspace, key: str, value) -> Workspace:
    ws.prefs = {**(ws.prefs or {}), key: value}
    ws.updated_at = now()
    session.add(ws)
    return ws
