"""The front door: whatever arrives over HTTP, nothing happens before Slack's signature holds, and
a refused request leaves no trace anywhere: no Web API call, no response_url POST, nothing stored."""

from __future__ import annotations

import http.client
import json
import re
import secrets
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from bot import slack_signature, web
from bot.feature import routes
from bot.features import FEATURES
from bot.local_server import BackgroundServer
from bot.sandbox.driver import sign
from bot.sandbox.seed import SALES, SAM
from bot.sandbox.stack import SandboxStack


class Capture:
    """A local server that records every request it gets: where an attacker points response_url."""

    def __init__(self):
        self.hits: list[tuple[str, bytes]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                capture.hits.append((self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PUT = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.serving = BackgroundServer(self.server, name="test-capture").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.serving.stop()


@pytest.fixture
def capture() -> Iterator[Capture]:
    c = Capture()
    yield c
    c.stop()


class Door:
    """Raw requests into the stack's HTTP server, and the check that nothing happened after them."""

    def __init__(self, stack: SandboxStack, capture: Capture):
        self.stack, self.capture = stack, capture
        self.http = httpx.Client(base_url=stack.server.url, timeout=10)
        self.calls_before = len(stack.state.calls)

    def command_body(self, text: str = "whoami") -> str:
        """A slash command whose response_url points at the capture server (as an attacker would)."""
        return urlencode({
            "token": "x", "team_id": self.stack.state.team_id, "team_domain": "truce-demo", "channel_id": SALES,
            "channel_name": "sales", "user_id": SAM, "user_name": "sam", "command": "/truce", "text": text,
            "api_app_id": "A0TRUCE", "response_url": self.capture.url, "trigger_id": f"1.2.{secrets.token_hex(4)}",
        })

    def post(self, body: str | bytes, headers: dict[str, str], path: str = "/slack/events") -> httpx.Response:
        content = body.encode() if isinstance(body, str) else body
        return self.http.post(path, content=content, headers=[(k, v.encode("utf-8")) for k, v in headers.items()])

    def signed(self, body: str | bytes, *, timestamp: str | None = None, secret: str | None = None,
               content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
        ts = timestamp or str(int(time.time()))
        raw = body.encode() if isinstance(body, str) else body
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": slack_signature.signature(secret or self.stack.secret, ts, raw)}

    def said(self) -> str:
        """What the command's response_url received (its answer: bot/accepted.py), once it ran."""
        self.stack.settle()
        return " ".join(json.loads(body)["text"] for _, body in self.capture.hits)

    def assert_nothing_happened(self) -> None:
        self.stack.settle()
        state = self.stack.state
        assert state.calls[self.calls_before:] == [], "a Web API call was made"
        assert self.capture.hits == [], "a request reached the response_url"
        assert state.ephemerals == [] and state.open_views() == [] and state.home == {}
        assert all(not ch.messages for ch in state.channels.values())


@pytest.fixture
def door(stack, capture) -> Door:
    return Door(stack, capture)


# --- Slack's signature, before anything else --------------------------------------------------

# Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TS = "1531420618"
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_the_check_agrees_with_slacks_published_example_and_slack_sdk():
    environ = {"HTTP_X_SLACK_REQUEST_TIMESTAMP": VECTOR_TS, "HTTP_X_SLACK_SIGNATURE": VECTOR_SIGNATURE}
    at = lambda: 1531420618.0  # noqa: E731
    assert slack_signature.problem(environ, VECTOR_BODY.encode(), VECTOR_SECRET, clock=at) is None
    assert slack_signature.problem(environ, VECTOR_BODY.encode() + b"x", VECTOR_SECRET, clock=at) == \
        "X-Slack-Signature does not match."
    assert slack_signature.problem(environ, VECTOR_BODY.encode(), VECTOR_SECRET, clock=lambda: 1531420618.0 + 301) \
        == "X-Slack-Request-Timestamp is more than 5 minutes from now."
    verifier = SignatureVerifier(VECTOR_SECRET, clock=type("C", (), {"now": lambda self: 1531420618.0})())
    assert verifier.is_valid(VECTOR_BODY, VECTOR_TS, slack_signature.signature(VECTOR_SECRET, VECTOR_TS,
                                                                               VECTOR_BODY.encode()))


def test_the_attack_from_the_issue_reaches_nobody(door):
    """A signed-looking command with timestamp `now` and a response_url pointing at a local server:
    it used to make Bolt's check raise, and Bolt's error handler then trusted the body and POSTed
    an error note to that response_url."""
    body = door.command_body()
    response = door.post(body, {"Content-Type": "application/x-www-form-urlencoded",
                                "X-Slack-Request-Timestamp": "now", "X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status_code == 401
    assert response.text == "X-Slack-Request-Timestamp is not a Unix time."
    door.assert_nothing_happened()


def _now() -> int:
    return int(time.time())


TIMESTAMPS = {
    "missing": None,
    "empty": "",
    "now": "now",
    "negative": "-1",
    "plus sign": lambda: f"+{_now()}",
    "underscore": lambda: f"{_now()}"[:4] + "_" + f"{_now()}"[4:],
    "fraction": "1700000000.5",
    "exponent": "1e9",
    "arabic-indic digits": "\u0661\u0667" + "\u0660" * 8,  # int() reads them as 1700000000
    "4,301 digits": "9" * 4301,
    "20 digits": "9" * 20,
    "stale": lambda: str(_now() - 6 * 60),
    "future": lambda: str(_now() + 6 * 60),
}


@pytest.mark.parametrize("case", TIMESTAMPS)
def test_a_bad_timestamp_is_401_before_anything_reads_the_body(door, case):
    value = TIMESTAMPS[case]
    value = value() if callable(value) else value
    body = door.command_body()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if value is not None:
        headers["X-Slack-Request-Timestamp"] = value
        # correctly signed over that timestamp when it can be, so only the timestamp is wrong
        headers["X-Slack-Signature"] = sign(door.stack.secret, value, body) if value.isascii() else "v0=" + "0" * 64
    else:
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    response = door.post(body, headers)
    assert response.status_code == 401
    assert response.text.startswith("X-Slack-Request-Timestamp")
    door.assert_nothing_happened()


SIGNATURES = {
    "missing": None,
    "empty": "",
    "short": "v0=abc",
    "other version": "v1=" + "0" * 64,
    "upper-case hex": lambda door, body, ts: sign(door.stack.secret, ts, body).upper().replace("V0=", "v0="),
    "non-ascii": "v0=" + "é" * 64,
    "two values": lambda door, body, ts: sign(door.stack.secret, ts, body) + ", v0=" + "0" * 64,
    "another body's": lambda door, body, ts: sign(door.stack.secret, ts, body + "&x=1"),
    "wrong secret": lambda door, body, ts: sign("not-the-secret", ts, body),
}


@pytest.mark.parametrize("case", SIGNATURES)
def test_a_bad_signature_is_401_and_nothing_happens(door, case):
    body, ts = door.command_body(), str(_now())
    value = SIGNATURES[case]
    value = value(door, body, ts) if callable(value) else value
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts}
    if value is not None:
        headers["X-Slack-Signature"] = value
    response = door.post(body, headers)
    assert response.status_code == 401
    assert response.text.startswith("X-Slack-Signature")
    door.assert_nothing_happened()


def test_a_correctly_signed_command_still_works(door):
    body = door.command_body("help")
    response = door.post(body, door.signed(body))
    assert response.status_code == 200
    assert "/truce setup" in door.said()


def test_in_socket_mode_nothing_is_taken_over_http(db, capture):
    """Socket Mode has no signing secret: a body 'signed' with any value is not Slack's."""
    stack = SandboxStack(engine=db, SLACK_SIGNING_SECRET=None)
    try:
        door = Door(stack, capture)
        body = door.command_body()
        for secret in ("socket-mode-does-not-sign", "anything"):
            response = door.post(body, door.signed(body, secret=secret))
            assert response.status_code == 404
        door.assert_nothing_happened()
    finally:
        stack.stop()


# --- bodies: their size known and capped before they are read ---------------------------------


def raw_request(base_url: str, head: str, body: bytes = b"", *, close_write: bool = False) -> tuple[int, bytes]:
    """Send bytes exactly as given (no client fixes the headers up) and read the answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)
        if close_write:
            sock.shutdown(socket.SHUT_WR)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read()


# Every HTTP route: the built-in ones and the features' (bot/features.py).
ROUTES = [("POST", "/slack/events"), ("GET", "/healthz"), ("POST", "/webhooks/csat"), ("GET", "/export/plan.csv"),
          ("POST", "/webhooks/deal"), ("POST", "/webhooks/actuals")]


def test_the_tables_here_name_every_route(stack):
    assert {("POST", web.SLACK_EVENTS), *web.BUILT_IN, *routes(FEATURES)} == set(ROUTES)


def _head(method: str, path: str, *lines: str) -> str:
    return "\n".join([f"{method} {path} HTTP/1.1", "Host: truce", "Content-Type: application/json", *lines, ""])


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_body_without_a_usable_length_is_refused_before_it_is_read(door, method, path):
    url = door.stack.server.url
    cap = web.SLACK_BODY_CAP if path == web.SLACK_EVENTS else web.ROUTE_BODY_CAP
    if method == "POST":  # a body with no length: the server cannot know where it ends
        assert raw_request(url, _head(method, path), b'{"a": 1}', close_write=True)[0] == 411
    assert raw_request(url, _head(method, path, "Content-Length: abc"), b"abc")[0] == 400
    assert raw_request(url, _head(method, path, "Content-Length: -1"), b"")[0] == 400
    # Announced larger than the cap: answered at once, though not one byte of it was sent.
    started = time.monotonic()
    status, text = raw_request(url, _head(method, path, f"Content-Length: {10**12}"))
    assert status == 413 and b"larger than" in text
    assert raw_request(url, _head(method, path, f"Content-Length: {cap + 1}"))[0] == 413
    assert time.monotonic() - started < 5
    # Shorter than announced (the sender gave up): refused, not waited for forever.
    assert raw_request(url, _head(method, path, "Content-Length: 100"), b'{"a": 1}', close_write=True)[0] == 400
    # Chunked: this (test) server does not decode chunked bodies, so it asks for a length.
    assert raw_request(url, _head(method, path, "Transfer-Encoding: chunked"), b"8\r\n{\"a\": 1}\r\n0\r\n\r\n")[0] \
        == 411
    door.assert_nothing_happened()


def test_exactly_content_length_bytes_are_read(door):
    """Bytes after the announced length are not part of the body: the signature over the body holds
    and the smuggled tail is never seen."""
    body = door.command_body("help").encode()
    headers = door.signed(body)
    head = _head("POST", web.SLACK_EVENTS, *(f"{k}: {v}" for k, v in headers.items() if k != "Content-Type"),
                 f"Content-Length: {len(body)}").replace("application/json", headers["Content-Type"])
    status, _ = raw_request(door.stack.server.url, head, body + b"&text=whoami+smuggled")
    assert status == 200
    said = door.said()
    assert "/truce setup" in said and "smuggled" not in said


# --- malformed bodies: 401 unsigned, 400 signed; never a 500, never a Slack call ---------------

JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def _payload(data: object) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


def _command(capture_url: str, **changes: str | None) -> bytes:
    """A slash command's form; a change to None leaves that field out."""
    fields = {"team_id": "T0TRUCE", "user_id": SAM, "channel_id": SALES, "command": "/truce", "text": "whoami",
              "response_url": capture_url, "trigger_id": f"1.2.{secrets.token_hex(4)}", **changes}
    return urlencode({k: v for k, v in fields.items() if v is not None}).encode()


_WHO = {"user": {"id": SAM, "team_id": "T0TRUCE"}, "team": {"id": "T0TRUCE"}, "api_app_id": "A0TRUCE"}


# name -> (Content-Type, body); "{url}" in a body is the capture server's address. A NUL or a lone
# surrogate in what someone typed is not malformed: it is cleaned on its way to the database
# (tests/test_unstorable_text.py).
MALFORMED = {
    "invalid UTF-8 form": (FORM, b"command=%2Ftruce&text=\xff\xfe&response_url={url}"),
    "invalid UTF-8 JSON": (JSON, b'{"type": "event_callback", "x": "\xff"}'),
    "malformed JSON": (JSON, b'{"type": "event_callback", '),
    "JSON array": (JSON, b'[{"type": "url_verification", "challenge": "x"}]'),
    "JSON number": (JSON, b"42"),
    "JSON string": (JSON, b'"event_callback"'),
    "JSON null": (JSON, b"null"),
    "NaN": (JSON, b'{"type": "event_callback", "n": NaN}'),
    "5,000-digit number": (JSON, b'{"type": "event_callback", "n": ' + b"9" * 5000 + b"}"),
    "nested 100,000 deep": (JSON, b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "empty JSON object": (JSON, b"{}"),
    "type not text": (JSON, b'{"type": 5}'),
    "event a list": (JSON, b'{"type": "event_callback", "event": []}'),
    "event without type": (JSON, b'{"type": "event_callback", "event": {"user": "U1"}}'),
    "event user a number": (JSON, b'{"type": "event_callback", "event": {"type": "app_mention", "user": 5}}'),
    "authorizations of numbers": (JSON, b'{"type": "event_callback", "authorizations": [5], '
                                        b'"event": {"type": "app_mention"}}'),
    "payload=%7Bx": (FORM, b"payload=%7Bx"),
    "payload a list": (FORM, _payload([{"type": "block_actions"}])),
    "payload a number": (FORM, b"payload=3"),
    "payload null": (FORM, b"payload=null"),
    "actions empty": (FORM, _payload({"type": "block_actions", "actions": [], "response_url": "{url}",
                                      "user": {"id": SAM}, "team": {"id": "T0TRUCE"}})),
    "actions of numbers": (FORM, _payload({"type": "block_actions", "actions": [1], "response_url": "{url}"})),
    "user a number": (FORM, _payload({"type": "block_actions", "user": 7, "response_url": "{url}"})),
    "form that is JSON": (FORM, b'{"type": "url_verification", "challenge": "x"}'),
    "empty form": (FORM, b""),
    "text/plain": ("text/plain", _command("{url}")),
    "multipart": ("multipart/form-data; boundary=x",
                  b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'),
    "no Content-Type": (None, _command("{url}")),
    # What Bolt reads without a fallback, or every listener starts from (bot/slack_body.py REQUIRED).
    "view without type": (FORM, _payload({"type": "view_submission", **_WHO, "view": {
        "id": "V1", "callback_id": "intel_share_modal", "state": {"values": {}}}})),
    "view without id": (FORM, _payload({"type": "view_submission", **_WHO, "view": {
        "type": "modal", "callback_id": "intel_share_modal", "state": {"values": {}}}})),
    "view without state": (FORM, _payload({"type": "view_submission", **_WHO, "view": {
        "id": "V1", "type": "modal", "callback_id": "intel_share_modal"}})),
    "view a list": (FORM, _payload({"type": "view_closed", **_WHO, "view": [{"id": "V1"}]})),
    "view_closed without view id": (FORM, _payload({"type": "view_closed", **_WHO, "view": {
        "type": "modal", "callback_id": "x"}})),
    "action without action_id": (FORM, _payload({"type": "block_actions", **_WHO, "response_url": "{url}",
                                                 "actions": [{"block_id": "b", "type": "button"}]})),
    "button value a list": (FORM, _payload({"type": "block_actions", **_WHO, "response_url": "{url}", "actions": [
        {"action_id": "unhappy_claim_sales", "block_id": "b", "type": "button", "value": ["1"]}]})),
    "user id empty": (FORM, _payload({"type": "block_actions", "user": {"id": ""}, "team": {"id": "T0TRUCE"},
                                      "response_url": "{url}", "actions": [{"action_id": "a", "block_id": "b"}]})),
    "shortcut without callback_id": (FORM, _payload({"type": "shortcut", **_WHO, "trigger_id": "1.2"})),
    "message shortcut without message": (FORM, _payload({"type": "message_action", **_WHO, "trigger_id": "1.2",
                                                         "callback_id": "share_intel", "channel": {"id": SALES},
                                                         "response_url": "{url}"})),
    "suggestion without action_id": (FORM, _payload({"type": "block_suggestion", **_WHO, "block_id": "b",
                                                     "value": "Ac"})),
    "url_verification without challenge": (JSON, b'{"type": "url_verification"}'),
    "command without user_id": (FORM, _command("{url}", user_id=None)),
    "command with empty user_id": (FORM, _command("{url}", user_id="")),
    "command user_id of 3,000 characters": (FORM, _command("{url}", user_id="U" * 3000)),
    "command user_id in lower case": (FORM, _command("{url}", user_id="usam001")),
    "command without text": (FORM, _command("{url}", text=None)),
    "command response_url not a URL": (FORM, _command("{url}", response_url="hooks.slack.com/x")),
}


def _malformed(case: str, capture: Capture) -> tuple[dict[str, str], bytes]:
    content_type, body = MALFORMED[case]
    body = body.replace(b"{url}", capture.url.encode()).replace(
        urlencode({"": "{url}"})[1:].encode(), urlencode({"": capture.url})[1:].encode())
    return ({"Content-Type": content_type} if content_type else {}), body


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_body_is_401_unsigned_and_400_signed_with_nothing_done(door, case):
    headers, body = _malformed(case, door.capture)
    unsigned = door.post(body, {**headers, "X-Slack-Request-Timestamp": str(_now()),
                                "X-Slack-Signature": "v0=" + "0" * 64})
    assert unsigned.status_code == 401
    signed_headers = door.signed(body)
    signed_headers.pop("Content-Type")
    signed = door.post(body, {**headers, **signed_headers})
    assert signed.status_code == 400, signed.text
    door.assert_nothing_happened()


def test_a_command_saying_payload_is_not_lost(stack):
    """Bolt reads any form with the word "payload" in it as interactivity, and found nothing to do."""
    from bot.sandbox.seed import MARK, MARKETING

    response = stack.driver.command(MARK, "/intel", "Acme's new API payload limits annoy buyers", channel=MARKETING)
    assert response.status_code == 200
    assert "payload limits" in stack.state.messages(SALES)[-1].blocks.__repr__()


# --- the feature routes: the right 4xx for every bad input, nothing stored --------------------

CSAT_BAD = {  # body -> the error code answered
    "400-digit score": (b'{"customer": "Acme", "score": ' + b"9" * 400 + b', "scale": 10}', "score_out_of_range"),
    "5,000-digit score": (b'{"customer": "Acme", "score": ' + b"9" * 5000 + b"}", "invalid_json"),
    "nested 20,000 deep": (b'{"customer": ' + b"[" * 20_000 + b"]" * 20_000 + b', "score": 1}', "invalid_json"),
    "NUL in customer": (b'{"customer": "Ac\\u0000me", "score": 7}', "invalid_json"),
    "NUL in comment": (b'{"customer": "Acme", "score": 7, "comment": "\\u0000"}', "invalid_json"),
    "lone surrogate": (b'{"customer": "\\udc00", "score": 7}', "invalid_json"),
    "JSON array": (b'[{"customer": "Acme", "score": 7}]', "invalid_json"),
    "JSON number": (b"7", "invalid_json"),
    "malformed JSON": (b'{"customer": "Acme", ', "invalid_json"),
    "invalid UTF-8": (b'{"customer": "Ac\xffme", "score": 7}', "invalid_json"),
    "Infinity": (b'{"customer": "Acme", "score": Infinity}', "invalid_json"),
    "empty body": (b"", "invalid_json"),
    "scale a list": (b'{"customer": "A", "score": 5, "scale": [10]}', "invalid_scale"),
    "scale an object": (b'{"customer": "A", "score": 5, "scale": {"10": 10}}', "invalid_scale"),
    "scale 400 digits": (b'{"customer": "A", "score": 5, "scale": ' + b"1" * 400 + b"}", "invalid_scale"),
    "scale 10.5": (b'{"customer": "A", "score": 5, "scale": 10.5}', "invalid_scale"),
    "score a list": (b'{"customer": "A", "score": [5]}', "invalid_score"),
    "customer an object": (b'{"customer": {"name": "A"}, "score": 5}', "missing_customer"),
}


@pytest.fixture
def csat_token(stack) -> str:
    from bot.unhappy import csat

    with stack.rt.session() as s:
        return csat.issue_token(session=s, team_id=stack.team_id, user_id=SAM)


def _csat_rows(stack) -> int:
    from sqlmodel import select

    from bot.unhappy.csat_models import CsatScore

    with stack.rt.session() as s:
        return len(s.exec(select(CsatScore)).all())


@pytest.mark.parametrize("case", CSAT_BAD)
def test_the_csat_webhook_answers_bad_input_with_400_and_stores_nothing(door, csat_token, case):
    body, error = CSAT_BAD[case]
    json_headers = {"Content-Type": "application/json"}
    assert door.post(body, json_headers, "/webhooks/csat").status_code == 401  # no token: not even read
    assert door.post(body, {**json_headers, "Authorization": "Bearer été"}, "/webhooks/csat").status_code == 401
    response = door.post(body, {**json_headers, "Authorization": f"Bearer {csat_token}"}, "/webhooks/csat")
    assert response.status_code == 400, response.text
    assert response.json()["ok"] is False and response.json()["error"] == error
    assert _csat_rows(door.stack) == 0
    door.assert_nothing_happened()


def test_the_csat_webhook_wants_json(door, csat_token):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        response = door.post(b'{"customer": "Acme", "score": 7}',
                             {"Content-Type": content_type, "Authorization": f"Bearer {csat_token}"}, "/webhooks/csat")
        assert response.status_code == 400 and response.json()["error"] == "invalid_content_type"
    good = door.post(b'{"customer": "Acme", "score": 7}', {"Content-Type": "application/json; charset=utf-8",
                                                          "Authorization": f"Bearer {csat_token}"}, "/webhooks/csat")
    assert good.status_code == 201 and _csat_rows(door.stack) == 1


DEAL = {"deal_id": "D-1", "account": "Globex", "outcome": "lost", "owner_email": "sam@example.com",
        "closed_on": "2027-01-29"}
DEAL_BAD = {  # body -> error, field
    "malformed JSON": (b'{"deal_id": ', "invalid_json", None),
    "JSON array": (b"[1]", "invalid_json", None),
    "invalid UTF-8": (b'{"deal_id": "D\xff"}', "invalid_json", None),
    "NUL in account": (json.dumps({**DEAL, "account": "Glo\u0000bex"}).encode(), "invalid_json", None),
    "deal_id a list": (json.dumps({**DEAL, "deal_id": ["D-1"]}).encode(), "invalid_field", "deal_id"),
    "amount 400 digits": (b'{"deal_id": "D-1", "account": "G", "outcome": "lost", "owner_email": "s@e.com", '
                          b'"closed_on": "2027-01-29", "currency": "EUR", "amount": ' + b"1" * 400 + b"}",
                          "invalid_field", "amount"),
    "outcome an object": (json.dumps({**DEAL, "outcome": {"won": True}}).encode(), "invalid_field", "outcome"),
    "closed_on a number": (json.dumps({**DEAL, "closed_on": 1e300}).encode(), "invalid_field", "closed_on"),
}


@pytest.fixture
def deal_token(stack) -> str:
    from bot.deals import tokens

    with stack.rt.session() as s:
        return tokens.issue_token(session=s, team_id=stack.team_id, user_id=SAM)


@pytest.mark.parametrize("case", DEAL_BAD)
def test_the_deal_webhook_answers_bad_input_with_400_and_stores_nothing(door, deal_token, case):
    from sqlmodel import select

    from bot.deals.models import Deal

    body, error, field = DEAL_BAD[case]
    json_headers = {"Content-Type": "application/json"}
    assert door.post(body, json_headers, "/webhooks/deal").status_code == 401  # no token: not even read
    assert door.post(body, {**json_headers, "Authorization": "Bearer été"}, "/webhooks/deal").status_code == 401
    response = door.post(body, {**json_headers, "Authorization": f"Bearer {deal_token}"}, "/webhooks/deal")
    assert response.status_code == 400, response.text
    assert response.json()["ok"] is False
    if error is not None:
        assert (response.json()["error"], response.json()["field"]) == (error, field)
    with door.stack.rt.session() as s:
        assert s.exec(select(Deal)).all() == []
    door.assert_nothing_happened()


EXPORT_BAD = {  # query string, Authorization -> status, error
    "non-ASCII bearer": ("team=T0TRUCE", "Bearer été", 401, "not_authed"),
    "no team, global token": ("quarter=2027-Q1", "Bearer finance-global", 400, "team_required"),
    "no team, no token": ("", None, 400, "team_required"),
    "empty team": ("team=", "Bearer finance-global", 400, "team_required"),
    "NUL in team": ("team=T0%00TRUCE", "Bearer finance-global", 404, "team_not_found"),
    "NUL in team, no token": ("team=T0%00TRUCE", None, 401, "not_authed"),
    "team of 1,900 characters": ("team=" + "T" * 1900, "Bearer finance-global", 404, "team_not_found"),
    "invalid UTF-8 in team": ("team=T%FF", "Bearer finance-global", 404, "team_not_found"),
    "NUL in quarter": ("team=T0TRUCE&quarter=2027%00Q1", "Bearer finance-global", 400, "invalid_quarter"),
    "quarter of 1,900 characters": ("team=T0TRUCE&quarter=" + "9" * 1900, "Bearer finance-global", 400,
                                    "invalid_quarter"),
    # Longer than any request line Truce serves (2,048 bytes): refused before the route sees it.
    "team of 5,000 characters": ("team=" + "T" * 5000, "Bearer finance-global", 414, None),
}


@pytest.mark.parametrize("case", EXPORT_BAD)
def test_the_plan_export_answers_bad_input_with_the_right_4xx(door, case):
    query, auth, status, error = EXPORT_BAD[case]
    door.stack.rt.settings.export_token = "finance-global"
    headers = [("Authorization", auth.encode("utf-8"))] if auth else []
    response = door.http.get("/export/plan.csv?" + query, headers=headers)
    assert response.status_code == status
    assert error is None or response.json()["error"] == error
    door.assert_nothing_happened()


# --- the OAuth routes (not signed: a browser comes there) -------------------------------------


@pytest.fixture
def distributed(db, capture):
    stack = SandboxStack(engine=db, SLACK_BOT_TOKEN=None, SLACK_CLIENT_ID="1111.2222",
                         SLACK_CLIENT_SECRET="client-secret", SLACK_AUTHORIZE_URL="https://slack.example/authorize")
    yield Door(stack, capture)
    stack.stop()


OAUTH_BAD = [
    "/slack/install?team=T0%00",
    "/slack/install?team=" + "T" * 5000,
    "/slack/oauth_redirect",
    "/slack/oauth_redirect?state=%00&code=x",
    "/slack/oauth_redirect?state=%FF%FE&code=x",
    "/slack/oauth_redirect?state=" + "a" * 5000,
    "/slack/oauth_redirect?state=abc&code=%00",
    "/slack/oauth_redirect?error=%3Cscript%3E",
    "/slack/oauth_redirect?state=abc&code=x",
    "/slack/oauth_redirect?state=abc&state=%00",
]


@pytest.mark.parametrize("path", OAUTH_BAD)
def test_the_oauth_routes_answer_bad_input_with_a_4xx(distributed, path):
    for cookie in (None, "slack-app-oauth-state=abc", "slack-app-oauth-state=" + "x" * 3000):
        response = distributed.http.get(path, headers={"Cookie": cookie} if cookie else {})
        assert 400 <= response.status_code < 500, (cookie, response.status_code, response.text[:200])
        assert "<script>" not in response.text
    distributed.assert_nothing_happened()
    with distributed.stack.rt.session() as s:
        from sqlmodel import select

        from bot.models import Installation

        assert s.exec(select(Installation)).all() == []


# --- the last resort ---------------------------------------------------------------------------


def test_a_bug_is_a_500_with_an_error_id_in_the_log_and_no_traceback_out(door, monkeypatch, caplog):
    def broken(rt, environ, body):
        raise RuntimeError("a bug of ours")

    monkeypatch.setitem(web.BUILT_IN, ("GET", "/healthz"), broken)
    response = door.http.get("/healthz")
    assert response.status_code == 500
    error_id = re.search(r"error id ([0-9a-f]{8})", response.text).group(1)
    assert "a bug of ours" not in response.text and "Traceback" not in response.text
    assert f"error {error_id} answering GET /healthz" in caplog.text and "a bug of ours" in caplog.text
