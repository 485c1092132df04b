"""The standard library's threaded WSGI server serving Truce (`bot.web.make_wsgi`), for the sandbox, the
tests and some benchmarks only: production runs waitress (bot/server.py). Kept out of bot/web.py so that
a serving process does not import wsgiref's server, http.server and socketserver it never uses."""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App

from bot.local_server import BackgroundServer
from bot.runtime import Runtime
from bot.web import make_wsgi

log = logging.getLogger("truce")


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("http: " + fmt, *args)


class HttpServer:
    """Serves Truce on host:port (port 0 picks a free one) in a background thread."""

    def __init__(self, rt: Runtime, app: App, *, host: str = "0.0.0.0", port: int = 3000):
        self._server = make_server(host, port, make_wsgi(rt, app), server_class=_ThreadingWSGIServer,
                                   handler_class=_QuietHandler)
        self._serving = BackgroundServer(self._server, name="truce-http")

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{port}"

    def start(self) -> HttpServer:
        self._serving.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._serving.stop()  # at once (bot/local_server.py)
