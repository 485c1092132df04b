"""`python -m bot [serve|socket|migrate|sandbox]` — the one entry point.

With no sub-command: Socket Mode when SLACK_APP_TOKEN is set, HTTP when the bot token and
signing secret are, and the local sandbox otherwise. Anything that keeps Truce from starting
(a malformed setting, an unreachable database or Slack, a refused token) is one line on stderr
and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from bot import process

if TYPE_CHECKING:
    from slack_sdk.web import SlackResponse

    from bot.config import Settings

log = logging.getLogger("truce")
QUIET = ("alembic", "apscheduler")  # their INFO lines (each migration, each job added) only at DEBUG


class _BoltUnusedToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns that it goes unused beside
    the client Truce gives it, which holds that very token."""

    def filter(self, record: logging.LogRecord) -> bool:
        from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_BoltUnusedToken())
    if settings.log_level != "DEBUG":
        for name in QUIET:
            logging.getLogger(name).setLevel(logging.WARNING)


def _migrate(settings: Settings) -> None:
    """Migrate when the database is behind the latest revision (one query when it is not: Alembic is
    imported only to migrate)."""
    from bot import migrate
    from bot.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade_if_behind(engine)
    finally:
        engine.dispose()  # the runtime makes its own engine


def _ready_for_slack(settings: Settings, *required: str) -> SlackResponse | None:
    """The database first (whatever the tokens), then the tokens, then Slack; then migrate. (Which mode
    `python -m bot` chose is said by the server once start-up can no longer fail on a setting.)
    Returns Slack's auth.test answer for the bot token (None without one), for the server to use
    rather than ask again."""
    from bot.preflight import check_database, check_slack

    check_database(settings)
    settings.require(*required)
    auth = check_slack(settings)
    _migrate(settings)
    return auth


def cmd_migrate(settings: Settings) -> None:
    from bot.preflight import check_database

    check_database(settings)
    _migrate(settings)
    log.info("database migrated to the latest revision")


def cmd_serve(settings: Settings, announce: str | None = None) -> None:
    from bot.server import TruceServer

    auth = _ready_for_slack(settings, "slack_signing_secret", *(() if settings.oauth else ("slack_bot_token",)))
    # waitress; SIGTERM finishes in-flight requests, then stops
    TruceServer(settings, announce=announce, auth=auth).run()


def cmd_work(settings: Settings) -> None:
    """The worker process `serve` starts (bot/worker.py): the database is migrated by then."""
    from bot.preflight import check_database
    from bot.worker_process import work

    check_database(settings)
    settings.require(*(() if settings.oauth else ("slack_bot_token",)))
    work(settings)


def cmd_socket(settings: Settings, announce: str | None = None) -> None:
    from bot.server import TruceServer

    auth = _ready_for_slack(settings, "slack_app_token", "slack_bot_token")
    # Slack's traffic comes over the socket; the same server still serves /healthz, webhooks and exports.
    TruceServer(settings, socket_mode=True, announce=announce, auth=auth).run()


def cmd_sandbox(settings: Settings, script: str | None = None, announce: str | None = None,
                terminal: bool = False) -> None:
    """The local sandbox, on a database of its own (never DATABASE_URL): the web page, or the terminal
    shell (`--terminal`, or `--script FILE`)."""
    from bot.sandbox.session import check_database

    check_database(settings)
    if announce:
        log.info(announce)
    if script or terminal:
        from bot.sandbox.shell import run_shell

        run_shell(settings, script=script)
    else:
        from bot.sandbox.web.serve import run_web

        run_web(settings)


def _mode_line(command: str, settings: Settings) -> str:
    reason = {
        "socket": "SLACK_APP_TOKEN is set",
        "serve": "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set: installable through OAuth"
        if settings.oauth and not settings.slack_bot_token
        else "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set",
        "sandbox": "no Slack tokens are set",
    }[command]
    return f"Starting Truce in {({'serve': 'HTTP'}).get(command, command)} mode ({reason})"


def main(argv: list[str] | None = None) -> None:
    from bot.config import Mode, SettingsError, load_settings

    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["serve", "socket", "migrate", "sandbox", "work"],
                        help="work: the worker process `serve` starts by itself (not run by hand)")
    parser.add_argument("--script", help="sandbox: run the commands in this file, then exit")
    parser.add_argument("--terminal", action="store_true", help="sandbox: the terminal shell instead of the web page")
    args = parser.parse_args(argv)
    if args.command == "work":  # before anything slow is imported: a stop asked meanwhile is heard
        from bot.worker_process import catch_stop

        catch_stop()
    try:
        settings = load_settings()
        _logging(settings)
        command, announce = args.command, None
        if command is None:
            command = {Mode.SOCKET: "socket", Mode.HTTP: "serve", Mode.SANDBOX: "sandbox"}[settings.mode]
            announce = _mode_line(command, settings)
        if command == "migrate":
            process.serving(settle=None)
            cmd_migrate(settings)
        elif command == "serve":
            cmd_serve(settings, announce)
        elif command == "socket":
            cmd_socket(settings, announce)
        elif command == "work":
            cmd_work(settings)
        else:
            process.serving(settle=None)  # the sandbox: as it always ran
            cmd_sandbox(settings, args.script, announce, args.terminal)
    except SettingsError as exc:
        print(exc.code, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    process.starting()  # before the settings, the database and Bolt are imported (bot/process.py)
    main()
