"""Start-up for the single workspace the bot token belongs to: its row and its teams."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.people import refresh_teams
from bot.services.workspaces import ensure_workspace

log = logging.getLogger(__name__)


def bootstrap(rt) -> str | None:
    """Make sure the token's workspace exists and its teams are known. Returns its team_id.
    (Installed through OAuth, each workspace is set up when it installs Truce instead.)"""
    if rt.installations is not None:
        return None
    try:
        auth = rt.client.auth_test()
    except SlackApiError as exc:
        log.error("auth.test failed (%s): check SLACK_BOT_TOKEN", exc.response.get("error"))
        return None
    team_id = auth["team_id"]
    rt.team_id = team_id  # the only workspace this install serves (bot.single_workspace)
    with rt.session() as session:
        ws = ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
        ws.name = ws.name or auth.get("team")
        ws.bot_user_id = auth.get("user_id")
        session.add(ws)
    refresh_teams(rt, team_id)
    return team_id
