"""A Slack Web API emulator over real HTTP, answering with Slack's response shapes and errors.

Point a WebClient at `emulator.api_url` (SLACK_API_URL) and it behaves like Slack for the
methods Truce calls. Faults (429 with Retry-After, 5xx, `ok: false` errors, no answer, a late
answer to a call that was applied) are injected with `state.fail_next(...)`, or at random on every
call with `state.chaos(rate=...)`; Slack's per-channel limit on chat.postMessage with
`state.rate_limit_channel(...)`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from bot.local_server import BackgroundServer
from bot.sandbox import methods
from bot.sandbox.slack_error import SlackError
from bot.sandbox.state import Fault, WorkspaceState

if TYPE_CHECKING:
    from bot.sandbox.socket_mode import SocketModeHub

log = logging.getLogger(__name__)


def _parse_body(handler: BaseHTTPRequestHandler, raw: bytes) -> dict[str, Any]:
    ctype = handler.headers.get("Content-Type", "")
    if "application/json" in ctype:
        return json.loads(raw or b"{}")
    if "multipart/form-data" in ctype:
        return {}
    data = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
    for key in ("blocks", "view", "attachments", "files"):
        if isinstance(data.get(key), str) and data[key][:1] in ("[", "{"):
            data[key] = json.loads(data[key])
    return data


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet; the tests read state instead
        log.debug("emulator: " + fmt, *args)

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _send(self, status: int, body: bytes, ctype: str = "application/json; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers=headers)

    def _dispatch(self, raw: bytes) -> None:
        emu = self.server.emulator
        path = urlparse(self.path).path
        if path.startswith("/response/"):
            self._response_url(path.removeprefix("/response/"), raw)
            return
        if path.startswith("/upload/"):  # an upload_url from files.getUploadURLExternal: POST the bytes
            if self.command != "POST":
                self._send(405, b"method_not_allowed", "text/plain")
                return
            status, answer = methods.receive_upload(emu, path.removeprefix("/upload/"), raw,
                                                    self.headers.get("Content-Type", ""))
            self._send(status, answer.encode(), "text/plain; charset=utf-8")
            return
        if not path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        method = path.removeprefix("/api/")
        try:
            args = _parse_body(self, raw)
        except (ValueError, UnicodeDecodeError):
            self._json({"ok": False, "error": "invalid_json"})
            return
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        args = {**query, **args}
        token = (self.headers.get("Authorization", "").removeprefix("Bearer ").strip() or args.pop("token", ""))
        state = emu.workspace_for_token(token) or emu.primary
        emu.use(state)
        try:
            self._call(state, method, args, token)
        finally:
            emu.use(None)

    def _call(self, state: WorkspaceState, method: str, args: dict[str, Any], token: str) -> None:
        with state.lock:
            state.calls.append((method, dict(args)))
        fault = state.take_fault(method, str(args.get("channel") or "") or None)
        if fault is not None and fault.late is None:
            self._fault(fault)
            return
        func = methods.METHODS.get(method)
        if func is None:
            self._json({"ok": False, "error": "unknown_method"}, 404)
            return
        if method == "apps.connections.open":
            if token not in self.server.emulator.app_tokens:
                self._json({"ok": False, "error": "invalid_auth" if token else "not_authed"})
                return
        elif method not in methods.NO_AUTH:
            if not token:
                self._json({"ok": False, "error": "not_authed"})
                return
            if token not in state.tokens:
                self._json({"ok": False, "error": "invalid_auth"})
                return
            needed = methods.SCOPES.get(method)
            if needed and needed not in state.scopes_of(token):
                self._json({"ok": False, "error": "missing_scope", "needed": needed,
                            "provided": ",".join(sorted(state.scopes_of(token)))})
                return
        wait = state.method_rate_limited(method)
        if wait is None and method == "chat.postMessage":
            wait = self._rate_limited(state, args)
        if wait is not None:
            self._json({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(wait)})
            return
        self.server.emulator.use_scopes(state.scopes_of(token))
        try:
            with state.lock:
                answer = {"ok": True, **func(self.server.emulator, args)}
        except SlackError as exc:
            answer = {"ok": False, "error": exc.error, **exc.extra}
        finally:
            self.server.emulator.use_scopes(None)
        if fault is not None and fault.late is not None:  # done, but answered after the client stopped waiting
            self.server.emulator.wait_out(fault.late)
            self.close_connection = True
            if not fault.answer:
                return
            try:
                self._json(answer)
            except OSError:  # the client hung up long ago
                log.debug("emulator: late answer to %s found the connection closed", method)
            return
        self._json(answer)

    def _fault(self, fault: Fault) -> None:
        if fault.hang:
            self.server.emulator.wait_out(fault.hang)
            self.close_connection = True  # nothing is done and nothing is answered
            return
        if fault.status == 429:
            headers = {"Retry-After": str(fault.retry_after or 1)}
            self._json({"ok": False, "error": "ratelimited"}, 429, headers)
            return
        if fault.status >= 500:
            self._send(fault.status, b"upstream connect error", "text/plain")
            return
        self._json({"ok": False, "error": fault.error or "fatal_error"})

    @staticmethod
    def _rate_limited(state: WorkspaceState, args: dict[str, Any]) -> int | None:
        """Slack limits posting into one channel (chat.postMessage's special tier): seconds to wait, or None."""
        channel = str(args.get("channel") or "")
        with state.lock:
            if channel.startswith(("U", "W")) and channel in state.users:
                channel = state.im_for(channel).id
        return state.rate_limited(channel)

    def _response_url(self, key: str, raw: bytes) -> None:
        emu = self.server.emulator
        state = next((st for st in emu.workspaces.values() if key in st.responses), None)
        if state is None:
            self._send(404, b"expired_url", "text/plain")
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, b"invalid_payload", "text/plain")
            return
        emu.use(state)
        try:
            with state.lock:
                methods.apply_response(emu, state.responses[key], body)
        finally:
            emu.use(None)
        self._send(200, b"ok", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # Slack takes bursts of connections; the default backlog of 5 refuses them
    emulator: SlackEmulator


class SlackEmulator:
    """The emulated Slack. `start()` serves it on 127.0.0.1 at a free port.

    It can hold several workspaces (a distributed app's installs): each request acts on the
    workspace its token belongs to; `state` is that workspace while a request is served, and
    the first (primary) workspace otherwise.
    """

    def __init__(self, state: WorkspaceState | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.primary = state or WorkspaceState()
        self.workspaces: dict[str, WorkspaceState] = {self.primary.team_id: self.primary}
        self.oauth_codes: dict[str, tuple[str, str]] = {}  # code -> (team_id, installing user)
        self.oauth_scopes: dict[str, frozenset[str]] = {}  # code -> the scopes approved, when not the manifest's
        self.app_tokens: set[str] = set()  # app-level tokens (xapp-…) that may open Socket Mode
        self._hub: SocketModeHub | None = None
        self._local = threading.local()
        self._server = _Server((host, port), _Handler)
        self._server.emulator = self
        self._serving = BackgroundServer(self._server, name="slack-emulator")
        self._hangs_over = threading.Event()

    @property
    def state(self) -> WorkspaceState:
        return getattr(self._local, "state", None) or self.primary

    def use(self, state: WorkspaceState | None) -> None:
        self._local.state = state

    @property
    def caller_scopes(self) -> frozenset[str]:
        """The scopes of the token the request being served came with (empty outside a request)."""
        return getattr(self._local, "scopes", None) or frozenset()

    def use_scopes(self, scopes: frozenset[str] | None) -> None:
        self._local.scopes = scopes

    @property
    def socket_mode(self) -> SocketModeHub:
        """The Socket Mode side (started on first use): where apps connect and envelopes go."""
        if self._hub is None:
            from bot.sandbox.socket_mode import SocketModeHub

            self._hub = SocketModeHub(self._server.socket.getsockname()[0])
        return self._hub

    def add_workspace(self, state: WorkspaceState) -> WorkspaceState:
        self.workspaces[state.team_id] = state
        return state

    def workspace_for_token(self, token: str) -> WorkspaceState | None:
        return next((st for st in self.workspaces.values() if token and token in st.tokens), None)

    def authorize(self, team_id: str, user_id: str, scopes: Iterable[str] | None = None) -> str:
        """What Slack's authorize page does when `user_id` approves the install: a one-time code, for a
        token with `scopes` (None: the scopes Truce's manifest asks for)."""
        code = uuid.uuid4().hex
        self.oauth_codes[code] = (team_id, user_id)
        if scopes is not None:
            self.oauth_scopes[code] = frozenset(scopes)
        return code

    @property
    def base_url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def start(self) -> SlackEmulator:
        self._serving.start()
        return self

    def wait_out(self, seconds: float) -> None:
        """A hang or a late answer (see WorkspaceState.fail_next): `seconds`, or until end_hangs()."""
        self._hangs_over.wait(seconds)

    def end_hangs(self, *, for_good: bool = False) -> None:
        """Calls waiting out a hang or a late answer stop waiting now, as if their time had passed (a hang
        still answers nothing, a late call answers now). With `for_good` (stopping), later ones do not
        wait either."""
        over = self._hangs_over
        if not for_good:
            self._hangs_over = threading.Event()
        over.set()

    def stop(self) -> None:
        self.end_hangs(for_good=True)  # nobody waits for an answer any more
        if self._hub is not None:
            self._hub.close()
        self._serving.stop()

    # --- used by the driver: what Slack hands an app with each interaction -----------------
    def issue_trigger(self, user_id: str, state: WorkspaceState | None = None) -> str:
        trigger = f"{uuid.uuid4().int % 10**13}.{uuid.uuid4().hex[:12]}"
        state = state or self.state
        with state.lock:
            state.triggers[trigger] = (user_id, time.monotonic())
        return trigger

    def issue_response_url(self, *, user: str, channel: str, message_ts: str | None = None,
                           state: WorkspaceState | None = None) -> str:
        key = uuid.uuid4().hex
        state = state or self.state
        with state.lock:
            state.responses[key] = {"user": user, "channel": channel, "message_ts": message_ts}
        return f"{self.base_url}/response/{key}"
