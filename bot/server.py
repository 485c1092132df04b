"""The production HTTP server: gunicorn, serving Truce's WSGI app (`bot.web.make_wsgi`).

One worker process with a pool of threads (gthread), so the in-process scheduler and the outbox
worker exist once per replica; the runtime is built inside that worker, after the fork. gunicorn
refuses oversized request lines and headers before Truce sees them; bodies are capped by the app.
On SIGTERM, gunicorn stops accepting, lets in-flight requests finish (GRACEFUL_TIMEOUT), and the
worker then stops Socket Mode, the listeners' work after ack, the scheduler and the runtime.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings
from bot.executor import TrackingExecutor

log = logging.getLogger("truce")

# Seconds in-flight requests get after SIGTERM. PaaS routers allow 30 s between SIGTERM and SIGKILL;
# the rest is for the work after ack and the scheduler to stop.
GRACEFUL_TIMEOUT = 20
# Slack's requests are POST /slack/events with about a dozen headers; the longest request line
# Truce serves is the OAuth redirect (a code and a state). Anything much larger is not for Truce.
LIMITS = {"limit_request_line": 2048, "limit_request_fields": 50, "limit_request_field_size": 8190}


class TruceServer(BaseApplication):
    def __init__(self, settings: Settings, *, socket_mode: bool = False):
        self.settings, self.socket_mode = settings, socket_mode
        self.rt = None
        self._stops: list[Any] = []
        super().__init__(prog="truce")

    def load_config(self) -> None:
        debug = self.settings.log_level == "DEBUG"
        options = {
            "bind": f"0.0.0.0:{self.settings.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": self.settings.web_threads,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            **LIMITS,
            "loglevel": "debug" if debug else "warning",
            "accesslog": "-" if debug else None,
            "proc_name": "truce",
            "control_socket_disable": True,  # gunicorn >= 25 would open one per process in $HOME
            "worker_exit": lambda server, worker: self.stop(),
        }
        for key, value in options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        """In the worker: the runtime, the app, the scheduler and (in Socket Mode) the socket."""
        from bot.app import build_app
        from bot.bootstrap import bootstrap
        from bot.runtime import build_runtime
        from bot.web import make_wsgi

        rt = self.rt = build_runtime(self.settings)
        bootstrap(rt)  # the token's workspace and its teams, before the first request
        rt.start_sender()  # the outbox's delivery worker (bot/sender.py); rt.shutdown() stops it
        listeners = TrackingExecutor()
        app = build_app(rt, executor=listeners)
        self._stops.append(lambda: listeners.shutdown(wait=True))
        if self.settings.run_scheduler:
            from jobs.scheduler import build_scheduler

            scheduler = build_scheduler(rt)
            scheduler.start()
            rt.closers.append(lambda: scheduler.shutdown(wait=True))
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket = SocketModeHandler(app, self.settings.slack_app_token)
            socket.connect()
            self._stops.insert(0, socket.close)
            log.info("Socket Mode connected; /healthz, webhooks and exports on port %s", self.settings.port)
        else:
            log.info("Truce is listening on port %s (POST /slack/events, GET /healthz)", self.settings.port)
        return make_wsgi(rt, app)

    def stop(self) -> None:
        """In the worker, once gunicorn has finished the in-flight requests (or given up on them)."""
        if self.rt is None:
            return
        for stop in self._stops:  # Slack's traffic first, then the work it started
            stop()
        self.rt.shutdown()
        self.rt.engine.dispose()
        log.info("Truce stopped")
