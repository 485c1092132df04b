"""Start-up for the single workspace the bot token belongs to: its row and its teams.

Until its row is there Truce serves nothing (`rt.team_id` decides which workspace is served), so
`bootstrap` either succeeds or stops start-up with one line and exit code 2, like the checks before
it (bot/preflight.py). Slack answered auth.test a moment earlier (`python -m bot serve` passes that
answer in, so Slack is asked once), so a failure here is most likely passing (a dropped connection, a
5xx, a rate limit, a database restarting): it is tried ATTEMPTS times, a short pause apart, before
giving up; a refused token is not tried again. A process manager restarts a process that exits,
whereas one left running without its workspace would refuse every request.

The teams (users.list, conversations.members) are read by `bootstrap` itself, or — the server, which
listens first — by `refresh_after_start` in the background once it serves: the workspace is served
either way, and the scheduler's members job reads them again soon after start and then hourly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import schedule_due
from bot.clock import now
from bot.config import SettingsError
from bot.db import session_scope
from bot.people import REFRESH_EVERY, refresh_teams
from bot.preflight import REFUSED_TOKEN, first_line
from bot.runtime import make_client
from bot.setup.workspaces import ensure_workspace

log = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSE = 1.0  # seconds before the second try, doubled before each next one


def bootstrap(rt, *, pause: Callable[[float], None] = time.sleep, auth: SlackResponse | None = None,
              teams: bool = True) -> str | None:
    """Make sure the token's workspace exists and (with `teams`) its teams are known. Returns its
    team_id, or raises SettingsError (one line). `auth`: Slack's auth.test answer for the token, when
    start-up has it already. (Installed through OAuth, each workspace is set up when it installs
    Truce instead.)"""
    if rt.installations is not None:
        return None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            team_id = _setup(rt, auth, teams)
        except Exception as exc:
            problem = _problem(exc)
            if isinstance(exc, SlackApiError) and _error(exc) in REFUSED_TOKEN:
                raise SettingsError(f"Truce cannot start: Slack refused SLACK_BOT_TOKEN ({problem}).") from None
            if attempt == ATTEMPTS:
                raise SettingsError(f"Truce cannot start: setting up the bot token's workspace failed "
                                    f"{ATTEMPTS} times ({problem}).") from None
            pause(PAUSE * 2 ** (attempt - 1))
            continue
        if attempt > 1:
            log.warning("setting up the bot token's workspace succeeded at try %d of %d", attempt, ATTEMPTS)
        return team_id
    return None  # not reached


def refresh_after_start(rt, *, pause: Callable[[float], None] = time.sleep) -> bool:
    """The token's workspace's people and teams, read once the process serves (in the background):
    tried like `bootstrap`; when it keeps failing, one warning line (the members job tries again)."""
    team_id = rt.team_id
    if team_id is None:
        return False
    for attempt in range(1, ATTEMPTS + 1):
        try:
            refresh_teams(rt, team_id, client=_quiet_client(rt))
            with session_scope(rt.engine) as session:  # read just now: the members job's next turn is in an hour
                schedule_due.set_due(session, team_id, schedule_due.MEMBERS, now() + REFRESH_EVERY)
        except Exception as exc:
            if attempt == ATTEMPTS:
                log.warning("reading the workspace's people and teams at start failed %d times (%s); the "
                            "members job tries again", ATTEMPTS, _problem(exc))
                return False
            pause(PAUSE * 2 ** (attempt - 1))
            continue
        return True
    return False  # not reached


def _quiet_client(rt):
    # Slack's client logs each failure with a traceback; here one line says it all, so it stays quiet.
    quiet = logging.getLogger("truce.bootstrap.slack")
    quiet.disabled = True
    return make_client(rt.settings, logger=quiet)


def _setup(rt, auth: SlackResponse | None, teams: bool) -> str:
    client = _quiet_client(rt)
    if auth is None:
        auth = client.auth_test()
    team_id = auth.get("team_id")
    if not isinstance(team_id, str) or not team_id:
        raise ValueError("auth.test answered without a team_id")
    with rt.session() as session:
        ws = ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
        ws.name = ws.name or auth.get("team")
        ws.bot_user_id = auth.get("user_id")
        session.add(ws)
    if teams:
        refresh_teams(rt, team_id, client=client)
    rt.team_id = team_id  # the only workspace this install serves (bot.single_workspace): known once set up
    return team_id


def _error(exc: SlackApiError) -> str | None:
    data = exc.response.data if exc.response is not None else None
    return data.get("error") if isinstance(data, dict) else None


def _problem(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        return (_error(exc) if status == 200 else None) or f"HTTP {status}"
    return f"{type(exc).__name__}: {first_line(getattr(exc, 'reason', None) or exc)}"
