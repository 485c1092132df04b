"""The floor of an acknowledgement: a bare Bolt app whose listeners only call `ack()`, served by
waitress set up as `python -m bot serve` sets it up (bot/server.py: the same request threads, poll
loop, time-outs and connection limit). Nothing else: no database, no middleware of Truce's.

    python -m bench.bare_bolt [--threads N]     (PORT, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL)

GET /healthz answers 200 once it serves; POST /slack/events is Bolt's. SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys

ANY = re.compile(".*")


def build(token: str, secret: str, api_url: str | None):
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    client = WebClient(token=token, base_url=api_url or WebClient.BASE_URL, timeout=10)
    # As Truce builds its app (bot/app.py): listeners run on the thread that answers.
    app = App(client=client, signing_secret=secret, token_verification_enabled=False, process_before_response=True,
              raise_error_for_unhandled_request=False, logger=logging.getLogger("bare-bolt"))

    def ack_only(ack) -> None:
        ack()

    app.command(ANY)(ack_only)
    app.action(ANY)(ack_only)
    app.view(ANY)(ack_only)
    app.shortcut(ANY)(ack_only)
    app.event(ANY)(ack_only)
    handler = SlackRequestHandler(app)

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return handler(environ, start_response)

    return wsgi


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_bolt", description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8, help="waitress's request threads (TRUCE_WEB_THREADS)")
    parser.add_argument("--client-timeout", type=int, default=15, help="channel_timeout")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from waitress import create_server

    app = build(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_SIGNING_SECRET"], os.environ.get("SLACK_API_URL"))
    # bot/server.py's Adjustments, less what only guards against hostile clients (header caps)
    server = create_server(app, host="127.0.0.1", port=int(os.environ["PORT"]), threads=args.threads,
                           channel_timeout=args.client_timeout, cleanup_interval=1, asyncore_loop_timeout=1,
                           connection_limit=1000, asyncore_use_poll=True, ident="bare-bolt")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.run()


if __name__ == "__main__":
    main()
