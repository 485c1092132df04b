"""Who may do what, and team membership refreshed from Slack (the Slack-facing side of members)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import session_scope
from bot.models import Workspace
from bot.services import members
from bot.services.workspaces import is_lead

log = logging.getLogger(__name__)


def is_slack_admin(client: WebClient, user_id: str) -> bool:
    info = user_info(client, user_id)
    if info is None:
        return False
    return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))


def user_info(client: WebClient, user_id: str) -> dict | None:
    try:
        return client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
        return None


def display_name(client: WebClient, user_id: str) -> str:
    """How Slack shows a person (display name, else real name, else handle); their ID if Slack won't say."""
    info = user_info(client, user_id) or {}
    profile = info.get("profile") or {}
    return profile.get("display_name") or profile.get("real_name") or info.get("real_name") \
        or info.get("name") or user_id


def real_name(client: WebClient, user_id: str) -> str:
    info = user_info(client, user_id) or {}
    return (info.get("profile") or {}).get("real_name") or info.get("real_name") or info.get("name") or user_id


def is_admin_or_lead(client: WebClient, ws: Workspace, user_id: str) -> bool:
    return is_lead(ws, user_id) or is_slack_admin(client, user_id)


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


def refresh_teams(rt, team_id: str) -> int:
    """Re-read the sales and marketing channels' members into the membership cache."""
    with session_scope(rt.engine) as session:
        ws = session.get(Workspace, team_id)
        channels = [c for c in (ws.sales_channel, ws.marketing_channel) if c] if ws else []
    changed = 0
    for channel in channels:
        ids = channel_members(rt.client_for(team_id), channel)
        if ids is None:
            continue
        with session_scope(rt.engine) as session:
            ws = session.get(Workspace, team_id)
            changed += members.sync_channel(session=session, ws=ws, channel=channel, member_ids=ids)
    return changed
