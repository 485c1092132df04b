"""The production HTTP server: waitress, serving Truce's WSGI app (`bot.web.make_wsgi`) in this process.

Why waitress: it buffers whole requests before a thread sees them, so slow or idle clients cannot
starve the threads that answer Slack; no proxy is needed in front. Its I/O loop reads each request —
headers, then the body up to the cap — and only a complete request is handed to one of the
TRUCE_WEB_THREADS threads. (gunicorn's sync and gthread workers hold a thread while a client sends
slowly; their docs ask for a buffering proxy in front.) On top of waitress's own limits:
- a connection that says nothing for TRUCE_CLIENT_TIMEOUT seconds is closed (waitress's channel_timeout),
  and so is one whose request has not arrived whole that long after its first byte (a byte now and
  then is not silence, so a trickle would otherwise hold its connection for ever);
- the request line, the number and the size of headers are refused in `bot.web` (414, 431), the whole
  header block here (431), bodies over the cap before they are read (413).

One process: the scheduler and the outbox's sender run once per replica (scale by adding replicas).

SIGTERM (or Ctrl-C) stops it gracefully, within STOP seconds in all (a PaaS allows 30 before SIGKILL):
no new connections; requests in flight — being answered, or still arriving — get up to DRAIN seconds
(Slack gives up after 3); then Socket Mode, the runtime (`Runtime.shutdown`, bounded by what is
left) and the database are stopped, and the process exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any
from wsgiref.types import StartResponse, WSGIApplication

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from bot import process
from bot.config import Settings, SettingsError
from bot.executor import TrackingExecutor

if TYPE_CHECKING:
    from slack_sdk.web import SlackResponse

    from bot.runtime import Runtime

log = logging.getLogger("truce")

STOP = 20  # seconds from SIGTERM to exit, at most
DRAIN = 10  # of which requests in flight get at most this
# All request headers together (with the request line). Slack sends about a dozen short ones; a browser
# at the OAuth routes sends its cookies. Each header and the request line are limited in bot.web.
HEADER_BLOCK_MAX = 16 * 1024
# Connections open at once, slow ones included; more wait in the listen backlog. poll() (not select())
# serves more than 1,024 descriptors.
CONNECTION_LIMIT = 1000
TICK = 1.0  # seconds: how often silent and overdue connections are looked for


class _Channel(HTTPChannel):
    """waitress's connection, remembering when the request it is receiving began."""

    request_started = 0.0
    _announced = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.time()
        done = super().received(data)
        request = self.request
        if request is not None and request.headers_finished and request is not self._announced:
            self._announced = request  # its body is still on its way
            log.debug("receiving %s %s (%s bytes)", request.command,
                      request.path,  # type: ignore[attr-defined]  # types-waitress lacks the parser's path
                      request.content_length)
        return done


class _Server(TcpWSGIServer):
    channel_class = _Channel

    def maintenance(self, now: float) -> None:
        """waitress closes connections silent for channel_timeout; this also closes those whose
        request is still incomplete that long after it began."""
        super().maintenance(now)  # type: ignore[arg-type]  # types-waitress says int; waitress passes time.time()
        cutoff = now - self.adj.channel_timeout
        for channel in self.active_channels.values():  # type: ignore[attr-defined]  # types-waitress: one channel, not the dict
            if channel.request is not None and not channel.requests and channel.request_started < cutoff:
                channel.will_close = True


def _access_log(app: WSGIApplication) -> WSGIApplication:
    """LOG_LEVEL=DEBUG: one line per answered request."""

    def logged(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            log.debug("%s %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status.split(" ")[0])
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return logged


class TruceServer:
    def __init__(self, settings: Settings, *, socket_mode: bool = False, announce: str | None = None,
                 auth: SlackResponse | None = None):
        """`auth`: Slack's auth.test answer for the bot token, when start-up has asked already
        (bot/preflight.check_slack): the workspace's set-up and Bolt use it instead of asking again."""
        self.settings, self.socket_mode, self.announce, self.auth = settings, socket_mode, announce, auth
        self.rt: Runtime | None = None
        self._wsgi: WSGIApplication | None = None
        self._stops: list[Any] = []
        self._map: dict[int, Any] = {}
        self._dispatcher = ThreadedTaskDispatcher()
        self._stop_requested = False
        self._server: _Server | None = None

    # --- start -------------------------------------------------------------------------------
    def _bind(self) -> _Server:
        """The listening socket first, so that a port in use stops start-up before anything runs."""
        from bot.web import SLACK_BODY_CAP

        adj = Adjustments(
            host="0.0.0.0", port=self.settings.port, threads=self.settings.web_threads,
            channel_timeout=self.settings.client_timeout, cleanup_interval=TICK, asyncore_loop_timeout=TICK,
            connection_limit=CONNECTION_LIMIT, asyncore_use_poll=True,
            max_request_header_size=HEADER_BLOCK_MAX,
            max_request_body_size=SLACK_BODY_CAP + 1,  # waitress refuses a body of this size or more (413)
            log_socket_errors=False,  # a client hanging up is not Truce's problem
            ident="Truce",
        )
        self._dispatcher.set_thread_count(adj.threads)
        try:
            return _Server(self._app, map=self._map, _start=False, dispatcher=self._dispatcher, adj=adj,
                           sockinfo=adj.listen[0])  # type: ignore[arg-type]  # types-waitress: listen holds str
        except OSError as exc:
            self._dispatcher.shutdown(timeout=1)
            raise SettingsError(f"Truce cannot start: port {self.settings.port} cannot be used "
                                f"({exc.strerror or exc}). Set PORT.") from None

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI app, built after the socket is bound (`_build`) and before it accepts connections."""
        if self._wsgi is None:
            raise RuntimeError("a request came before Truce was built")
        return self._wsgi(environ, start_response)

    def _build(self) -> WSGIApplication:
        """The runtime, the app, the scheduler and (in Socket Mode) the socket."""
        from bot.app import build_app
        from bot.bootstrap import bootstrap
        from bot.runtime import build_runtime
        from bot.web import make_wsgi

        rt = self.rt = build_runtime(self.settings)
        try:
            # The token's workspace, before the first request (SettingsError: exit 2); with Slack's answer
            # in hand, its teams are read once the socket listens (`run`).
            bootstrap(rt, auth=self.auth, teams=self.auth is None)
        except BaseException:
            rt.engine.dispose()
            raise
        if self.announce:  # start-up can no longer fail on a setting
            log.info(self.announce)
        from bot import worker

        built = threading.Event()
        if worker.wanted(self.settings):  # the work after the answers, in a process of its own (bot/worker.py)
            def failing() -> None:  # after build_app below: the scheduler needs the features
                if built.wait(60) and rt.worker is not None and not rt.worker.stopping:
                    self._work_here(rt)

            def lost(handed: list[tuple[int, str]]) -> None:  # handed to a worker that died before running them
                from bot.accepted import take_over_all

                take_over_all(rt, handed)

            rt.worker = worker.Worker(on_failing=failing, on_lost=lost).start()
        listeners = TrackingExecutor()  # Bolt's lazy listeners (none run there today)
        app = build_app(rt, executor=listeners, auth=self.auth)
        self._stops.append(lambda: listeners.shutdown(wait=False, cancel_futures=True))
        if rt.worker is None:
            self._work_here(rt)
        built.set()
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket = SocketModeHandler(app, self.settings.slack_app_token)
            socket.connect()
            self._stops.insert(0, socket.close)
        wsgi = make_wsgi(rt, app)
        return _access_log(wsgi) if self.settings.log_level == "DEBUG" else wsgi

    def _work_here(self, rt: Runtime) -> None:
        """The outbox's sender and the schedules, in this process: when there is no worker process, or when
        it keeps failing to start (the worker's own, if one comes up later, run beside these: each post and
        each job is claimed in the database, so none is done twice)."""
        if rt.worker is not None:
            log.error("the worker process keeps failing; this process sends the outbox and runs the schedules "
                      "until it stops")
        rt.start_sender()  # the outbox's delivery worker (bot/sender.py); rt.shutdown() stops it
        rt.jobs_post_through_sender = True  # a tick queues (e.g. 10,000 prompts); the sender posts in parallel
        if self.settings.run_scheduler:
            from jobs.scheduler import start_scheduler

            start_scheduler(rt)  # rt.shutdown() stops it

    def run(self) -> None:
        server = self._server = self._bind()
        try:
            self._wsgi = self._build()
        except BaseException:
            wasyncore.close_all(self._map)
            self._dispatcher.shutdown(timeout=1)
            raise
        # Installed until the process has stopped: a second SIGTERM or Ctrl-C does not cut the stop short.
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        server.accept_connections()
        # Said once true: whoever reads it can connect, and stop the process with a signal.
        if self.socket_mode:
            log.info("Socket Mode connected; /healthz, webhooks and exports on port %s", self.settings.port)
        else:
            log.info("Truce is listening on port %s (POST /slack/events, GET /healthz)", self.settings.port)
        process.serving()  # start-up is over: the garbage collector on again (bot/process.py)
        if self.auth is not None and self.rt is not None:
            from bot.bootstrap import refresh_after_start

            self.rt.defer(refresh_after_start, self.rt)  # the people and teams, now that Truce serves
        try:
            while not self._stop_requested:
                wasyncore.loop(timeout=TICK, map=self._map, use_poll=True, count=1)
        finally:  # asked to, or the loop failed: either way the runtime is stopped in order
            try:
                self.stop()
            finally:
                for sig, handler in handlers.items():
                    signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop_requested = True
        if self._server is not None:
            self._server.pull_trigger()  # wake the loop now (a write to its pipe: safe in a signal handler)

    # --- stop --------------------------------------------------------------------------------
    def _channels(self) -> list[_Channel]:
        return [c for c in list(self._map.values()) if isinstance(c, _Channel)]

    @staticmethod
    def _busy(channel: _Channel) -> bool:
        """A request being answered, still arriving, or an answer not yet sent."""
        return bool(channel.requests) or channel.request is not None or bool(channel.total_outbufs_len)

    def stop(self) -> None:
        started = time.monotonic()
        stop_by, drain_by = started + STOP, started + DRAIN
        if self._server is not None:  # the listening socket only (waitress's close() takes the trigger)
            wasyncore.dispatcher.close(self._server)
        log.debug("stopping: no new connections; %d request(s) in flight",
                  sum(self._busy(c) for c in self._channels()))
        while time.monotonic() < drain_by:
            channels = self._channels()
            for channel in channels:
                if not self._busy(channel):
                    channel.handle_close()  # an idle keep-alive connection
            if not any(self._busy(c) for c in channels):
                break
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)
        dropped = sum(self._busy(c) for c in self._channels())
        if dropped:
            log.warning("stopping: %d request(s) still in flight after %s s are dropped", dropped, DRAIN)
        wasyncore.close_all(self._map)
        self._dispatcher.shutdown(cancel_pending=True,
                                  timeout=0.5)  # type: ignore[arg-type]  # types-waitress says int; any number works
        for stop in self._stops:  # Slack's traffic first, then the work it started
            stop()
        worker = self.rt.worker if self.rt is not None else None
        if worker is not None:
            worker.stop()  # it stops beside this process, within the same deadline
        if self.rt is not None:
            self.rt.shutdown(timeout=max(1.0, stop_by - time.monotonic()))
            self.rt.engine.dispose()
        if worker is not None:
            worker.wait(max(1.0, stop_by - time.monotonic()))
        log.info("Truce stopped")
        _exit_if_stuck(stop_by)


def _exit_if_stuck(deadline: float) -> None:
    """Python waits at exit for every non-daemon thread, a job stuck on a hung Slack call included.
    Whatever such a thread was doing is re-done from the database by the next process (the outbox,
    tasks, and jobs claim rows atomically), as after a crash: past the deadline, exit without it."""
    me = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not me and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threading.enumerate() if t is not me and not t.daemon and t.is_alive()]
    if stuck:
        log.warning("stopped without waiting for %s", ", ".join(stuck))
        logging.shutdown()
        os._exit(0)
