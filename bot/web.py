"""The HTTP side: POST /slack/events (Slack's signature checked on the raw bytes, then Bolt),
the OAuth install routes, GET /healthz, and the features' routes (Feature.routes: webhooks, exports).

`make_wsgi` is the WSGI app; production serves it with waitress (`bot.server`), the sandbox and the tests
with the standard library's threaded server (`bot.http_server`)."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth import OAuthFlow

from bot import accepted, accepted_forms, request_path, slack_body, slack_signature
from bot.db import ping
from bot.feature import Response, Route
from bot.feature import routes as feature_routes
from bot.runtime import Runtime
from bot.web_input import HttpError, media_type, read_body

log = logging.getLogger(__name__)

# Bodies are refused (413) before they are read when larger than these. Slack's own are small: a
# message is at most 40,000 characters and a modal at most 100 blocks; the largest, a message edit
# carrying the message twice, or a submitted modal, stays well under 1 MiB even when every character
# is escaped. The feature routes take one small JSON object (a satisfaction score) or nothing.
SLACK_BODY_CAP = 1024 * 1024
ROUTE_BODY_CAP = 64 * 1024
# Slack's requests are POST /slack/events with about a dozen headers; the longest request line Truce
# serves is the OAuth redirect (a code and a state). Anything much larger is not for Truce.
REQUEST_LINE_MAX = 2048  # bytes, else 414
HEADERS_MAX = 50  # headers, else 431
HEADER_MAX = 8190  # bytes in one header's name and value, else 431
SLACK_EVENTS = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")
# The query parameters of the OAuth routes, as Slack and Truce's own state store make them.
OAUTH_PARAMS = {
    "state": re.compile(r"[A-Za-z0-9_-]{1,128}"),
    "code": re.compile(r"[A-Za-z0-9._-]{1,512}"),
    "error": re.compile(r"[A-Za-z0-9._-]{1,128}"),
    "team": re.compile(r"[A-Z0-9]{1,32}"),
}


def json_response(status: str, data: Any) -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(data).encode()


def text_response(status: str, text: str) -> Response:
    return status, [("Content-Type", "text/plain; charset=utf-8")], text.encode()


def _healthz(rt: Runtime, environ: dict[str, Any], body: bytes) -> Response:
    ok = ping(rt.engine)
    return json_response("200 OK" if ok else "503 Service Unavailable",
                         {"ok": ok, "database": "reachable" if ok else "unreachable"})


# The routes every process serves; the features add theirs (Feature.routes).
BUILT_IN: dict[tuple[str, str], Route] = {("GET", "/healthz"): _healthz}


def _headers(environ: dict[str, Any]) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        k[5:].lower().replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = environ[key]
    return headers


def _from_bolt(resp: BoltResponse) -> Response:
    headers = [(name, value) for name, values in resp.headers.items() for value in values
               if name.lower() != "content-length"]
    body = resp.body if isinstance(resp.body, bytes) else str(resp.body or "").encode("utf-8")
    return f"{resp.status} {HTTPStatus(resp.status).phrase}", headers, body


def _too_large(environ: dict[str, Any]) -> None:
    """A request line or headers larger than any Truce serves: 414 or 431, before anything else."""
    target = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "") + (
        "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
    line = f"{environ.get('REQUEST_METHOD', '')} {target} {environ.get('SERVER_PROTOCOL', '')}"
    if len(line) > REQUEST_LINE_MAX:
        raise HttpError("414 URI Too Long", f"The request line is longer than {REQUEST_LINE_MAX} bytes.")
    headers = {k: v for k, v in environ.items() if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")}
    if len(headers) > HEADERS_MAX:
        raise HttpError("431 Request Header Fields Too Large", f"More than {HEADERS_MAX} headers.")
    if any(len(k) + len(str(v)) > HEADER_MAX for k, v in headers.items()):
        raise HttpError("431 Request Header Fields Too Large", f"A header is longer than {HEADER_MAX} bytes.")


def make_wsgi(rt: Runtime, app: App) -> WSGIApplication:
    secret = rt.settings.slack_signing_secret

    def slack_events(environ: dict[str, Any]) -> Response:
        if not secret:  # Socket Mode: Slack's traffic comes over the socket, and nothing here is signed
            return text_response("404 Not Found", "Slack events come over Socket Mode here.")
        body = read_body(environ, SLACK_BODY_CAP)
        # Nothing happens before authenticity: no parser, middleware, listener or error handler sees
        # a body whose signature does not hold (Bolt checks it once more, after us).
        reason = slack_signature.problem(environ, body, secret)
        if reason is not None:
            return text_response("401 Unauthorized", reason)
        request = slack_body.bolt_request(environ, body)
        kind = accepted.kind_of(rt, request)
        if kind is None:
            return _from_bolt(app.dispatch(request))
        if kind == accepted.VIEW:  # a form: its check's errors answered at once (bot/accepted_forms.py)
            try:
                found = accepted_forms.errors(rt, request)
            except accepted_forms.NotHere:
                return _from_bolt(app.dispatch(request))
            if found:
                return accepted_forms.errors_answer(found)
        # Stored, then answered; run once the answer is sent (bot/accepted.py).
        try:
            stored = accepted.accept(rt, request, kind, media_type(environ))
        except Exception:  # the database failing: answered the usual way (a friendly note, what was typed)
            log.exception("storing an accepted request failed; answering it the usual way")
            return _from_bolt(app.dispatch(request))
        if stored is not None:
            rt.hand_accepted(*stored)
        return "200 OK", [], b""

    def oauth(environ: dict[str, Any], flow: OAuthFlow) -> Response:
        # Not signed (a browser comes here): only parameters shaped as Slack makes them go further.
        for name, values in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items():
            shape = OAUTH_PARAMS.get(name)
            if shape is not None and not all(shape.fullmatch(v) for v in values):
                return text_response("400 Bad Request", f"The {name} parameter is malformed.")
        request = BoltRequest(body="", query=environ.get("QUERY_STRING", ""), headers=_headers(environ))
        if environ.get("PATH_INFO") == OAUTH_PATHS[0]:
            return _from_bolt(flow.handle_installation(request))
        return _from_bolt(flow.handle_callback(request))

    def route(environ: dict[str, Any]) -> Response:
        _too_large(environ)
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if path == SLACK_EVENTS:
            if method != "POST":
                return text_response("405 Method Not Allowed", "POST only.")
            return slack_events(environ)
        if path in OAUTH_PATHS and method == "GET" and app.oauth_flow is not None:
            return oauth(environ, app.oauth_flow)
        routes = {**BUILT_IN, **feature_routes(rt.features)}
        handler = routes.get((method, path))
        if handler is None:
            allowed = [m for (m, p) in routes if p == path]
            status = "405 Method Not Allowed" if allowed else "404 Not Found"
            return text_response(status, status)
        return handler(rt, environ, read_body(environ, ROUTE_BODY_CAP))

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # This thread answers: it never calls Slack, and the work handed over meanwhile starts once
        # the answer is sent (bot/request_path.py). The OAuth routes answer a browser, not Slack: the
        # redirect exchanges its code with Slack before answering.
        browser = environ.get("PATH_INFO") in OAUTH_PATHS
        handed_over: list[Callable[[], object]] = []
        answering: AbstractContextManager[list[Callable[[], object]]] = (
            nullcontext(handed_over) if browser else request_path.serving())
        with answering as after:
            try:
                status, headers, payload = route(environ)
            except HttpError as exc:
                status, headers, payload = text_response(exc.status, exc.reason)
            except Exception:  # the last resort: a bug of Truce's, logged with an id, never a traceback out
                error_id = uuid.uuid4().hex[:8]
                log.exception("error %s answering %s %s", error_id, environ.get("REQUEST_METHOD"),
                              environ.get("PATH_INFO"))
                status, headers, payload = text_response("500 Internal Server Error",
                                                         f"Truce failed on its side (error id {error_id}).")
        start_response(status, [*headers, ("Content-Length", str(len(payload)))])
        return AfterResponse([payload], lambda: request_path.run_all(after))

    return wsgi


class AfterResponse:
    """A WSGI body whose `close()` — which the server calls once the response is sent — starts the
    work a listener handed over (see bot/request_path.py)."""

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]) -> None:
        self._body, self._then = body, then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        self._then()
