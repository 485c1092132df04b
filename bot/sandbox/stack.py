"""A whole local Slack + Truce in one process: the emulator, the app served over HTTP, and a
driver that plays Slack. The sandbox shell and the tests both stand on it."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.app import build_app
from bot.bootstrap import bootstrap
from bot.config import Settings, load_settings
from bot.executor import TrackingExecutor
from bot.http_server import HttpServer
from bot.runtime import Runtime, build_runtime
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, seed_env, seed_state
from bot.sandbox.state import Message, WorkspaceState


class SandboxStack:
    def __init__(self, *, database_url: str | None = None, engine: Engine | None = None,
                 emulator: SlackEmulator | None = None, name: str | None = None, **overrides: Any):
        self._owns_emulator = emulator is None  # a replica shares Slack: it must not stop it
        self.emulator = emulator or SlackEmulator(seed_state()).start()
        self.secret = secrets.token_hex(16)
        fields = {
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": self.secret,
            "SLACK_API_URL": self.emulator.api_url, "SLACK_APP_TOKEN": None, **seed_env(),
        }
        if database_url:
            fields["DATABASE_URL"] = database_url
        fields.update(overrides)
        self.settings: Settings = load_settings(**fields)
        self.rt: Runtime = build_runtime(self.settings, name=name or f"stack-{uuid.uuid4().hex[:8]}",
                                         engine=engine)
        self.executor = TrackingExecutor()
        self.app: App = build_app(self.rt, executor=self.executor)
        self.server = HttpServer(self.rt, self.app, host="127.0.0.1", port=0).start()
        self.driver = SlackDriver(app_url=self.server.url + "/slack/events", signing_secret=self.secret,
                                  emulator=self.emulator, settle=self.settle)
        self._app_stopped = False
        self.team_id = bootstrap(self.rt)
        # The outbox's sender, working only when kicked: tests and the shell move the clock by hand.
        self.rt.start_sender(poll=None)

    @property
    def state(self) -> WorkspaceState:
        return self.emulator.state

    def settle(self) -> None:
        """Wait until the app has finished everything it started after answering (the background
        work its listeners handed off, and the posts the outbox's sender had due), twice over:
        background work queues posts, and posts done free background work waiting on them."""
        for _ in range(2):
            for pool, what in ((self.executor, "listeners"), (self.rt.urgent, "urgent work"),
                               (self.rt.accepted_runs, "accepted requests"),
                               (self.rt.background, "background work"),
                               (self.rt.sender, "outbox sender")):
                if pool is not None and not pool.wait_idle(timeout=15):
                    raise TimeoutError(f"the app's {what} did not finish within 15 s")

    # --- reading what Slack shows -----------------------------------------------------------
    def messages(self, channel: str) -> list[Message]:
        return self.state.messages(channel)

    def last(self, channel: str) -> Message:
        msgs = self.state.messages(channel)
        assert msgs, f"no message in {channel}"
        return msgs[-1]

    def stop_app(self) -> None:
        """Truce's process goes away (a crash, a deploy); Slack and the database stay."""
        if self._app_stopped:
            return
        self._app_stopped = True
        self.server.stop()
        self.executor.shutdown(wait=True)
        self.rt.urgent.shutdown(wait=True)
        self.rt.accepted_runs.shutdown(wait=True)
        self.rt.background.shutdown(wait=True)
        self.rt.stop_sender()

    def stop(self) -> None:
        if self._owns_emulator:
            self.emulator.end_hangs(for_good=True)  # the app's calls Slack was holding end now
        self.stop_app()
        if self._owns_emulator:
            self.emulator.stop()
