"""Checks before Truce starts serving, each failing with one line that names the problem (and exit
code 2): the database reachable, Slack reachable, and the bot token accepted."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings, SettingsError

REFUSED_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


def first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def check_database(settings: Settings) -> None:
    """The database answers (it is migrated afterwards)."""
    from bot.db import make_engine

    where = make_url(settings.database_url).render_as_string(hide_password=True)
    options = {} if settings.database_url.startswith("sqlite") else {"connect_args": {"connect_timeout": 10}}
    engine = make_engine(settings.database_url, **options)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise SettingsError(f"Truce cannot start: the database at {where} is unreachable "
                            f"({first_line(exc)}). Check DATABASE_URL.") from None
    finally:
        engine.dispose()


def check_slack(settings: Settings) -> SlackResponse | None:
    """Slack answers at SLACK_API_URL, and accepts the bot token (auth.test) when there is one.
    Returns the auth.test answer (the token's workspace and bot user), None without a token: start-up
    asks Slack once (bot/bootstrap.py and Bolt are given this answer)."""
    quiet = logging.getLogger("truce.preflight.slack")
    quiet.disabled = True  # the client logs a failure as an error, with a traceback; the line below says it
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10, logger=quiet)
    client.retry_handlers = []  # one attempt: start-up says what is wrong at once
    method = "auth.test" if settings.slack_bot_token else "api.test"
    try:
        reply = client.api_call(method)
    except SlackApiError as exc:
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if error in REFUSED_TOKEN:
            raise SettingsError(f"Truce cannot start: Slack refused SLACK_BOT_TOKEN ({error}).") from None
        status = exc.response.status_code
        answer = error if status == 200 and error else f"HTTP {status}"
        raise SettingsError(f"Truce cannot start: Slack at {settings.slack_api_url} answered {method} with "
                            f"{answer}. Check SLACK_API_URL.") from None
    except Exception as exc:  # URLError, a time-out, a reset connection, a body that is not JSON
        raise SettingsError(f"Truce cannot start: Slack is unreachable at {settings.slack_api_url} "
                            f"({first_line(getattr(exc, 'reason', None) or exc)}). Check SLACK_API_URL.") from None
    return reply if settings.slack_bot_token else None
