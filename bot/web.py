"""The HTTP side: POST /slack/events (Bolt), GET /healthz, and routes features add (webhooks,
exports). A small threaded WSGI server from the standard library serves it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import request_path
from bot.db import ping
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# (method, path) -> handler(rt, environ, body) -> (status, headers, body bytes)
Response = tuple[str, list[tuple[str, str]], bytes]
Route = Callable[[Runtime, dict[str, Any], bytes], Response]
ROUTES: dict[tuple[str, str], Route] = {}
MAX_BODY = 1_000_000


def json_response(status: str, data: Any) -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(data).encode()


def _healthz(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    ok = ping(rt.engine)
    return json_response("200 OK" if ok else "503 Service Unavailable",
                         {"ok": ok, "database": "reachable" if ok else "unreachable"})


ROUTES[("GET", "/healthz")] = _healthz


def make_wsgi(rt: Runtime, app: App):
    bolt = SlackRequestHandler(app)

    def wsgi(environ: dict[str, Any], start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if path == "/slack/events" and method == "POST":
            with request_path.serving() as after:
                body = bolt(environ, start_response)
            return AfterResponse(body, lambda: request_path.run_all(after))
        if path in ("/slack/install", "/slack/oauth_redirect") and method == "GET" and rt.installations:
            return bolt(environ, start_response)
        route = ROUTES.get((method, path))
        if route is None:
            allowed = [m for (m, p) in ROUTES if p == path]
            status = "405 Method Not Allowed" if allowed else "404 Not Found"
            start_response(status, [("Content-Type", "text/plain")])
            return [status.encode()]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b"request body too large"]
        body = environ["wsgi.input"].read(length) if length else b""
        status, headers, payload = route(rt, environ, body)
        start_response(status, [*headers, ("Content-Length", str(len(payload)))])
        return [payload]

    return wsgi


class AfterResponse:
    """A WSGI body whose `close()` — which the server calls once the response is sent — starts the
    work a listener handed over (see bot/request_path.py)."""

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]):
        self._body, self._then = body, then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._then()


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("http: " + fmt, *args)


class HttpServer:
    """Serves Truce's WSGI app on host:port (port 0 picks a free one) in a background thread."""

    def __init__(self, rt: Runtime, app: App, *, host: str = "0.0.0.0", port: int = 3000):
        self._server = make_server(host, port, make_wsgi(rt, app), server_class=_ThreadingWSGIServer,
                                   handler_class=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{port}"

    def start(self) -> HttpServer:
        # A short poll: stop() returns at once instead of after the default half second.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="truce-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
