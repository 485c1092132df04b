"""`python -m bot [serve|socket|migrate|sandbox]` — the one entry point.

With no sub-command: Socket Mode when SLACK_APP_TOKEN is set, HTTP when the bot token and
signing secret are, and the local sandbox otherwise.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from bot.config import Mode, Settings, SettingsError, load_settings

log = logging.getLogger("truce")


def _logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _prepare(settings: Settings):
    from bot import migrate
    from bot.bootstrap import bootstrap
    from bot.runtime import build_runtime

    rt = build_runtime(settings)
    migrate.upgrade(rt.engine)
    bootstrap(rt)  # the token's workspace and its teams, before the first request
    rt.start_sender()  # the outbox's delivery worker (bot/sender.py), in every serving process
    return rt


def _start_scheduler(rt):
    if not rt.settings.run_scheduler:
        return None
    from jobs.scheduler import build_scheduler

    scheduler = build_scheduler(rt)
    scheduler.start()
    return scheduler


def cmd_migrate(settings: Settings) -> None:
    from bot import migrate
    from bot.db import make_engine

    migrate.upgrade(make_engine(settings.database_url))
    log.info("database migrated to the latest revision")


def cmd_serve(settings: Settings) -> None:
    from bot.app import build_app
    from bot.web import HttpServer

    settings.require("slack_signing_secret")
    if not settings.oauth:
        settings.require("slack_bot_token")
    rt = _prepare(settings)
    server = HttpServer(rt, build_app(rt), port=settings.port)
    _start_scheduler(rt)
    log.info("Truce is listening on %s (POST /slack/events, GET /healthz)", server.url)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


def cmd_socket(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app
    from bot.web import HttpServer

    settings.require("slack_app_token", "slack_bot_token")
    rt = _prepare(settings)
    app = build_app(rt)
    _start_scheduler(rt)
    # Slack's traffic comes over the socket; the HTTP side still serves /healthz, webhooks and exports.
    server = HttpServer(rt, app, port=settings.port).start()
    log.info("Socket Mode; /healthz, webhooks and exports on %s", server.url)
    SocketModeHandler(app, settings.slack_app_token).start()


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
