"""`python -m bot [serve|socket|migrate|sandbox]` — the one entry point.

With no sub-command: Socket Mode when SLACK_APP_TOKEN is set, HTTP when the bot token and
signing secret are, and the local sandbox otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.config import Mode, Settings, SettingsError, load_settings

log = logging.getLogger("truce")


def _logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _migrate(settings: Settings) -> None:
    from bot import migrate
    from bot.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()  # before gunicorn forks its worker: no connection is shared with it


def cmd_migrate(settings: Settings) -> None:
    _migrate(settings)
    log.info("database migrated to the latest revision")


def cmd_serve(settings: Settings) -> None:
    from bot.server import TruceServer

    settings.require("slack_signing_secret")
    if not settings.oauth:
        settings.require("slack_bot_token")
    _migrate(settings)
    TruceServer(settings).run()  # gunicorn: SIGTERM finishes in-flight requests, then stops


def cmd_socket(settings: Settings) -> None:
    from bot.server import TruceServer

    settings.require("slack_app_token", "slack_bot_token")
    _migrate(settings)
    # Slack's traffic comes over the socket; the same server still serves /healthz, webhooks and exports.
    TruceServer(settings, socket_mode=True).run()


def cmd_sandbox(settings: Settings, script: str | None = None) -> None:
    from bot.sandbox.shell import run_shell

    run_shell(settings, script=script)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["serve", "socket", "migrate", "sandbox"])
    parser.add_argument("--script", help="sandbox: run the commands in this file, then exit")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        _logging(settings)
        command = args.command
        if command is None:
            command = {Mode.SOCKET: "socket", Mode.HTTP: "serve", Mode.SANDBOX: "sandbox"}[settings.mode]
            reason = {
                "socket": "SLACK_APP_TOKEN is set",
                "serve": "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set: installable through OAuth"
                if settings.oauth and not settings.slack_bot_token
                else "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set",
                "sandbox": "no Slack tokens are set",
            }[command]
            log.info("Starting Truce in %s mode (%s)", {"serve": "HTTP"}.get(command, command), reason)
        if command == "migrate":
            cmd_migrate(settings)
        elif command == "serve":
            cmd_serve(settings)
        elif command == "socket":
            cmd_socket(settings)
        else:
            cmd_sandbox(settings, args.script)
    except SettingsError as exc:
        print(exc.code, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
