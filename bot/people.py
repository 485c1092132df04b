"""Who may do what, and who people are: read from the database (the `Member` rows), never from
Slack while a request is being answered. The rows are refreshed from Slack (users.list and the two
teams' channels) at start-up, at install, hourly and when Truce joins a channel, and kept current
by the `user_change` / `member_joined_channel` / `member_left_channel` events."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import session_scope
from bot.models import Workspace
from bot.setup import members
from bot.setup.workspaces import is_lead

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
REFRESH_EVERY = timedelta(hours=1)  # how often each workspace's people and teams are read anew (jobs/members.py)


def is_admin_or_lead(session: Session, ws: Workspace, user_id: str) -> bool:
    """A Truce lead of this workspace, or a Slack admin/owner (as Slack last told us)."""
    if is_lead(ws, user_id):
        return True
    member = members.get_member(session=session, team_id=ws.team_id, user_id=user_id)
    return bool(member and member.is_admin)


def in_directory(session: Session, team_id: str, user_id: str) -> bool:
    """Whether Slack has told us about this person (users.list, `team_join`, `user_change`): someone
    Truce can put on a team. A mention of anyone else is a typo or someone from another workspace."""
    member = members.get_member(session=session, team_id=team_id, user_id=user_id)
    return bool(member and (member.display_name or member.real_name))


def name_of(session: Session, team_id: str, user_id: str, *, real: bool = False) -> str:
    """How Slack shows a person (display name, else real name), or with `real` their real name, as
    Slack last told us; their ID if unknown."""
    member = members.get_member(session=session, team_id=team_id, user_id=user_id)
    if member is None:
        return user_id
    first, second = (member.real_name, member.display_name) if real else (member.display_name, member.real_name)
    return first or second or user_id


def _admin(info: dict[str, Any]) -> bool:
    return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))


def _names(info: dict[str, Any]) -> tuple[str | None, str | None]:
    """(display name, real name) as Slack gives them."""
    profile = info.get("profile") or {}
    real = profile.get("real_name") or info.get("real_name") or None
    display = profile.get("display_name") or real or info.get("name") or None
    return display, real or display


def remember_user(session: Session, team_id: str, info: dict[str, Any]) -> None:
    """Store what Slack says about one person (a users.list entry or a `user_change` event's user)."""
    if not info.get("id") or info.get("is_bot") or info.get("id") == "USLACKBOT":
        return
    member = members.ensure_member(session=session, team_id=team_id, user_id=info["id"])
    member.is_admin = _admin(info) and not info.get("deleted")
    display, real = _names(info)
    member.display_name = (display or member.display_name or "")[:255] or None
    member.real_name = (real or member.real_name or "")[:255] or None
    session.add(member)


def refresh_directory(client: WebClient, engine: Engine, team_id: str) -> int:
    """Re-read every person's name and admin flag (users.list, all pages). Returns how many."""
    seen = 0
    cursor = None
    try:
        while True:
            page = client.users_list(limit=200, cursor=cursor)
            with session_scope(engine) as session:
                people: list[dict[str, Any]] = page.get("members", [])
                for info in people:
                    remember_user(session, team_id, info)
                    seen += 1
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return seen
    except SlackApiError as exc:
        log.warning("users.list for %s failed: %s", team_id, exc.response.get("error"))
        return seen


def channel_members(client: WebClient, channel: str) -> list[str] | None:
    """Every member of a channel (all pages), or None when Slack refuses."""
    ids: list[str] = []
    cursor = None
    try:
        while True:
            page = client.conversations_members(channel=channel, limit=200, cursor=cursor)
            ids.extend(page.get("members", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return ids
    except SlackApiError as exc:
        log.warning("conversations.members %s failed: %s", channel, exc.response.get("error"))
        return None


def refresh_teams(rt: Runtime, team_id: str, *, client: WebClient | None = None) -> int:
    """Re-read the people (names, admins) and the sales and marketing channels' members (with
    `client`, else the workspace's own)."""
    client = client or rt.client_for(team_id)
    refresh_directory(client, rt.engine, team_id)
    with session_scope(rt.engine) as session:
        ws = session.get(Workspace, team_id)
        channels = [c for c in (ws.sales_channel, ws.marketing_channel) if c] if ws else []
    changed = 0
    for channel in channels:
        ids = channel_members(client, channel)
        if ids is None:
            continue
        with session_scope(rt.engine) as session:
            ws = session.get(Workspace, team_id)
            if ws is None:  # uninstalled meanwhile
                return changed
            changed += members.sync_channel(session=session, ws=ws, channel=channel, member_ids=ids)
    return changed
