"""Start-up for the single workspace the bot token belongs to: its row and its teams."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from bot.people import refresh_teams
from bot.services.workspaces import ensure_workspace

log = logging.getLogger(__name__)

# auth.test meeting Slack's passing trouble (5xx, 429, no answer) is tried again after these waits;
# until it answers, the workspace is unknown and every request would be refused (bot.single_workspace).
AUTH_RETRY_WAITS = (0.5, 1.0, 2.0)


def _auth_test(rt):
    for wait in (*AUTH_RETRY_WAITS, None):
        try:
            return rt.client.auth_test()
        except SlackApiError as exc:
            status = exc.response.status_code
            if status < 500 and status != 429:
                raise  # an answer: the token is refused, or the like
            trouble = f"HTTP {status}"
        except OSError as exc:  # a time-out, a dropped connection
            trouble = repr(exc)
        if wait is None:
            raise RuntimeError(f"Truce cannot start: Slack's auth.test kept failing ({trouble})")
        log.warning("auth.test at start: %s; trying again in %ss", trouble, wait)
        time.sleep(wait)


def bootstrap(rt) -> str | None:
    """Make sure the token's workspace exists and its teams are known. Returns its team_id.
    (Installed through OAuth, each workspace is set up when it installs Truce instead.)"""
    if rt.installations is not None:
        return None
    try:
        auth = _auth_test(rt)
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
