"""The sandbox's web page: a WSGI app serving the Slack-like workspace (`/`), its fragments
(`/ui/panes`), what the person does (`POST /ui/act`), files and the page's CSS and JavaScript.

The page is a client of the emulated Slack, nothing else: it reads the emulator's workspace and acts
through the driver, which signs each request to Truce as Slack does; Truce answers and calls the
emulator's Web API as it would call Slack's.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from collections.abc import Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse

from bot.sandbox.stack import SandboxStack
from bot.sandbox.web.actions import Actions, Refused
from bot.sandbox.web.render import Memory, Renderer, Where

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
BODY_CAP = 256 * 1024
Start = StartResponse


class WebSandbox:
    """The page for one sandbox stack (any number of tabs, each as anyone)."""

    def __init__(self, stack: SandboxStack):
        self.stack = stack
        self.memory = Memory()
        self.renderer = Renderer(stack, self.memory)
        self.actions = Actions(stack, self.memory)
        self.lock = threading.RLock()  # one person's action at a time, as in one Slack client

    # --- request plumbing ------------------------------------------------------------------------
    def where(self, query: dict[str, Any]) -> Where:
        people = {u.name: u.id for u in self.stack.state.users.values() if not u.is_bot}
        me = people.get(str(query.get("as") or "sam").lower().lstrip("@"), people.get("sam"))
        if me is None:
            raise LookupError("the sandbox's workspace has nobody called sam to show the page as")
        place = str(query.get("c") or "")
        if place != "app" and place not in self.stack.state.channels:
            default = self.stack.state.channel_by_name("sales-marketing")
            place = default.id if default is not None else "app"
        tab = str(query.get("tab") or "home")
        tab = tab if tab in ("home", "messages", "about") else "home"
        thread = str(query.get("t") or "") or None
        return Where(me, place, tab, thread)

    def __call__(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        try:
            if method == "GET" and path == "/":
                return self._send(start, "200 OK", "text/html; charset=utf-8", self.page(environ).encode())
            if method == "GET" and path == "/ui/panes":
                return self._json(start, self.panes(self.where(self._query(environ))))
            if method == "POST" and path == "/ui/act":
                return self._act(environ, start)
            if method == "GET" and path.startswith("/static/"):
                return self._static(start, path.removeprefix("/static/"))
            if method == "GET" and path.startswith("/ui/file/"):
                return self._file(start, path.removeprefix("/ui/file/"))
            return self._send(start, "404 Not Found", "text/plain", b"not found")
        except Exception:  # the page says something went wrong; the details go to the log
            log.exception("sandbox page: %s %s failed", method, path)
            return self._json(start, {"error": "Something went wrong in the sandbox (see its log)."},
                              "500 Internal Server Error")

    @staticmethod
    def _query(environ: dict[str, Any]) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}

    @staticmethod
    def _send(start: Start, status: str, ctype: str, body: bytes) -> list[bytes]:
        start(status, [("Content-Type", ctype), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]

    def _json(self, start: Start, data: Any, status: str = "200 OK") -> list[bytes]:
        return self._send(start, status, "application/json", json.dumps(data).encode())

    def page(self, environ: dict[str, Any]) -> str:
        where = self.where(self._query(environ))
        with self.lock:
            if where.place == "app" and where.tab == "home" and where.me not in self.stack.state.home:
                self.actions.op_goto(where, {})
            return self.renderer.page(where)

    def panes(self, where: Where) -> dict[str, str]:
        with self.lock:
            return self.renderer.panes(where)

    def _act(self, environ: dict[str, Any], start: Start) -> list[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= BODY_CAP:
            return self._json(start, {"error": "a JSON body, at most 256 KiB"}, "400 Bad Request")
        try:
            body = json.loads(environ["wsgi.input"].read(length))
            if not isinstance(body, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            return self._json(start, {"error": "a JSON object, please"}, "400 Bad Request")
        where = self.where(body)
        with self.lock:
            try:
                note = self.actions.do(where, body)
                error = None
            except Refused as exc:
                note, error = None, str(exc)
            return self._json(start, {"panes": self.renderer.panes(where), "note": note, "error": error})

    def _static(self, start: Start, name: str) -> list[bytes]:
        path = (STATIC / name).resolve()
        if STATIC not in path.parents or not path.is_file():
            return self._send(start, "404 Not Found", "text/plain", b"not found")
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self._send(start, "200 OK", f"{ctype}; charset=utf-8", path.read_bytes())

    def _file(self, start: Start, file_id: str) -> list[bytes]:
        with self.stack.state.lock:
            info = self.stack.state.files.get(file_id)
        if not info or info.get("content") is None:
            return self._send(start, "404 Not Found", "text/plain", b"no such file")
        ctype = mimetypes.guess_type(str(info.get("name") or ""))[0] or "application/octet-stream"
        return self._send(start, "200 OK", ctype, info["content"])


class _Quiet(WSGIRequestHandler):
    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("sandbox page: " + fmt, *args)


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class PageServer:
    """Serves the page on host:port (0: a free port) in a background thread."""

    def __init__(self, web: WebSandbox, *, host: str = "127.0.0.1", port: int = 3000):
        self._server = make_server(host, port, web, server_class=_Threading, handler_class=_Quiet)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}/"

    def start(self) -> PageServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-page", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
