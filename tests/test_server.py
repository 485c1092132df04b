"""The production server, as deployed: `python -m bot serve` (waitress) in a subprocess, pointed at
the Slack emulator. Signed commands are answered, also while slow or idle clients hold connections
(which are closed after the client timeout); oversized requests are refused; SIGTERM lets a request
in flight finish, and the process exits 0."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from bot import slack_signature, web
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, SALES, SAM, seed_env, seed_state
from tests.test_front_door import Capture, raw_request

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-for-the-server-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL", "LOG_LEVEL", "PORT"))}
    env.update(extra)
    return env


class Served:
    """`python -m bot serve` running against an emulated Slack; its stderr is collected as it comes."""

    def __init__(self, database_url: str, **extra: str):
        self.emulator = SlackEmulator(seed_state()).start()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=self.emulator.api_url,
                        DATABASE_URL=database_url, PORT=str(self.port), TRUCE_RUN_SCHEDULER="false", **seed_env(),
                        **extra)
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._new_line = threading.Condition()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.wait_for_line("Truce is listening on port", timeout=60)
        self._wait_for_the_teams()
        self.driver = SlackDriver(app_url=self.url + "/slack/events", signing_secret=SECRET, emulator=self.emulator)

    def _wait_for_the_teams(self, timeout: float = 30) -> None:
        """Once listening, Truce reads the workspace's people and teams in the background
        (bot/bootstrap.refresh_after_start): over before a test counts the calls Slack gets."""
        deadline = time.monotonic() + timeout
        while sum(m == "conversations.members" for m, _ in self.emulator.state.calls) < 2:
            if time.monotonic() > deadline:
                pytest.fail("the teams were not read within 30 s of listening")
            time.sleep(0.05)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            with self._new_line:
                self.lines.append(line.rstrip("\n"))
                self._new_line.notify_all()

    def wait_for_line(self, text: str, timeout: float = 20) -> None:
        with self._new_line:
            if not self._new_line.wait_for(lambda: any(text in line for line in self.lines) or
                                           self.proc.poll() is not None, timeout=timeout):
                pytest.fail(f"no {text!r} on stderr within {timeout} s:\n" + "\n".join(self.lines))
            if not any(text in line for line in self.lines):
                pytest.fail(f"the server exited ({self.proc.returncode}) before {text!r}:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.emulator.stop()
        return code


def db_url_for(database_url: str, tmp_path: Path) -> str:
    return database_url if not database_url.startswith("sqlite") else f"sqlite:///{tmp_path}/served.db"


@pytest.fixture(scope="module")
def served(database_url, tmp_path_factory) -> Iterator[Served]:
    s = Served(db_url_for(database_url, tmp_path_factory.mktemp("served")))
    yield s
    assert s.stop() == 0


def test_a_signed_command_is_answered_within_slacks_three_seconds(served):
    started = time.monotonic()
    response = served.driver.command(SAM, "/truce", "help")
    assert time.monotonic() - started < 3.0
    assert response.status_code == 200 and "/truce setup" in served.driver.answer_text()


def test_the_attack_from_the_issue_reaches_nobody_on_the_real_server(served):
    capture = Capture()
    try:
        calls_before = len(served.emulator.state.calls)
        body = urlencode({"team_id": "T0TRUCE", "user_id": SAM, "channel_id": SALES, "command": "/truce",
                          "text": "whoami", "response_url": capture.url, "trigger_id": f"1.2.{secrets.token_hex(4)}"})
        response = httpx.post(served.url + "/slack/events", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": "now",
            "X-Slack-Signature": "v0=" + "0" * 64})
        assert response.status_code == 401
        signed_garbage = b"payload=%7Bx"
        ts = str(int(time.time()))
        response = httpx.post(served.url + "/slack/events", content=signed_garbage, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": slack_signature.signature(SECRET, ts, signed_garbage)})
        assert response.status_code == 400
        time.sleep(0.2)  # anything the app would have sent after answering would be on its way by now
        assert capture.hits == [] and served.emulator.state.calls[calls_before:] == []
    finally:
        capture.stop()


def _head(path: str = "/slack/events", *lines: str) -> str:
    return "\n".join([f"POST {path} HTTP/1.1", "Host: truce", *lines, ""])


def test_the_server_refuses_oversized_request_lines_and_headers(served):
    assert raw_request(served.url, "\n".join([f"GET /healthz?{'x' * 3000} HTTP/1.1", "Host: truce", ""]))[0] == 414
    many = [f"X-Filler-{n}: 1" for n in range(60)]
    assert raw_request(served.url, "\n".join(["GET /healthz HTTP/1.1", "Host: truce", *many, ""]))[0] == 431
    big = "X-Big: " + "x" * 9000
    assert raw_request(served.url, "\n".join(["GET /healthz HTTP/1.1", "Host: truce", big, ""]))[0] == 431
    assert raw_request(served.url, "\n".join(["GET /healthz HTTP/1.1", "Host: truce", ""]))[0] == 200


def _chunked(body: bytes, size: int = 4096) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_chunked_bodies_are_read_up_to_the_cap(served):
    body = urlencode({"team_id": "T0TRUCE", "user_id": SAM, "channel_id": SALES, "command": "/truce",
                      "text": "help",
                      "response_url": (url := served.emulator.issue_response_url(user=SAM, channel=SALES)),
                      "trigger_id": f"1.2.{secrets.token_hex(4)}"}).encode()
    ts = str(int(time.time()))
    head = _head("/slack/events", "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked",
                 f"X-Slack-Request-Timestamp: {ts}",
                 f"X-Slack-Signature: {slack_signature.signature(SECRET, ts, body)}")
    status, _ = raw_request(served.url, head, _chunked(body))
    assert status == 200 and "/truce setup" in served.driver.answer_text(url)
    too_big = b"text=" + b"x" * web.SLACK_BODY_CAP
    status, _ = raw_request(served.url, _head("/slack/events", "Transfer-Encoding: chunked"), _chunked(too_big))
    assert status == 413
    for path in ("/webhooks/csat", "/slack/events"):  # no length at all: where would the body end?
        assert raw_request(served.url, _head(path, "Content-Type: application/json"), b"{}")[0] == 411


def test_sigterm_lets_a_request_in_flight_finish_then_exits_0(database_url, tmp_path):
    served = Served(db_url_for(database_url, tmp_path), LOG_LEVEL="DEBUG")
    try:
        body = urlencode({"team_id": "T0TRUCE", "user_id": SAM, "channel_id": SALES, "command": "/truce",
                          "text": "help",
                      "response_url": (url := served.emulator.issue_response_url(user=SAM, channel=SALES)),
                          "trigger_id": f"1.2.{secrets.token_hex(4)}"}).encode()
        ts = str(int(time.time()))
        head = _head("/slack/events", "Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}", f"X-Slack-Request-Timestamp: {ts}",
                     f"X-Slack-Signature: {slack_signature.signature(SECRET, ts, body)}")
        idle = socket.create_connection(("127.0.0.1", served.port), timeout=15)  # a keep-alive, between requests
        with idle, socket.create_connection(("127.0.0.1", served.port), timeout=15) as sock:
            # A slow sender: the headers and half the body, then SIGTERM, then the rest.
            sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body[:len(body) // 2])
            served.wait_for_line("receiving POST /slack/events")  # the server has the headers, waits for the rest
            served.proc.send_signal(signal.SIGTERM)
            served.wait_for_line("stopping: no new connections; 1 request(s) in flight")
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", served.port), timeout=5)
            assert idle.recv(1) == b""  # the idle connection is closed at once: it holds nothing up
            time.sleep(0.3)  # the server has been told to stop, and still holds the request
            assert served.proc.poll() is None
            sock.sendall(body[len(body) // 2:])
            answer = http.client.HTTPResponse(sock)
            answer.begin()
            assert answer.status == 200
            answered = time.monotonic()
        assert served.proc.wait(timeout=30) == 0
        # run before the process stopped
        assert "/truce setup" in served.driver.answer_text(url, wait=0), "\n".join(served.lines)
        assert time.monotonic() - answered < 5  # no waiting on anything idle (DRAIN is 10 s)
        served.wait_for_line("Truce stopped")
    finally:
        served.stop()


# --- slow and idle clients: Slack is still answered, and they are closed --------------------------

SLOW_CLIENTS = 50
CLIENT_TIMEOUT = 2  # seconds (TRUCE_CLIENT_TIMEOUT): short, since the timeout is what is tested here


def _slow_clients(port: int, n: int) -> list[socket.socket]:
    """`n` connections that never finish their request: half a header, a body cut short, or nothing."""
    starts = [b"POST /slack/events HTTP/1.1\r\nHost: truce\r\nContent-Length: 1000\r\n\r\n{",
              b"POST /slack/events HTTP/1.1\r\nHost: truce\r\nContent-Ty",
              b""]
    clients = []
    for i in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if starts[i % 3]:
            sock.sendall(starts[i % 3])
        clients.append(sock)
    return clients


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_slow_and_idle_clients_do_not_keep_slack_from_being_answered(database_url, tmp_path):
    served = Served(db_url_for(database_url, tmp_path), TRUCE_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))
    clients = _slow_clients(served.port, SLOW_CLIENTS)
    try:
        started = time.monotonic()
        response = served.driver.command(SAM, "/truce", "help")
        assert time.monotonic() - started < 3.0
        assert response.status_code == 200 and "/truce setup" in served.driver.answer_text()
        # Idle for CLIENT_TIMEOUT: every one of them is closed by the server (checked once a second).
        for sock in clients:
            sock.settimeout(CLIENT_TIMEOUT + 3)
        assert all(_closed_by_server(sock) for sock in clients)
        assert time.monotonic() - started < CLIENT_TIMEOUT + 4
    finally:
        for sock in clients:
            sock.close()
        assert served.stop() == 0


def test_a_request_trickling_in_is_closed_after_the_client_timeout(database_url, tmp_path):
    """A byte now and then keeps a connection from being idle; the whole request still has to arrive
    within the timeout."""
    served = Served(db_url_for(database_url, tmp_path), TRUCE_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            started = time.monotonic()
            closed = False
            for byte in b"POST /slack/events HTTP/1.1\r\nHost: truce\r\nContent-Length: 10\r\n\r\n0123456789":
                try:
                    sock.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                sock.settimeout(0.4)
                if _closed_by_server(sock):
                    closed = True
                    break
            assert closed, "the whole request trickled in and was served"
            assert CLIENT_TIMEOUT <= time.monotonic() - started < CLIENT_TIMEOUT + 2
    finally:
        assert served.stop() == 0
