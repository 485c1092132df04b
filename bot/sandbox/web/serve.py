"""`make run` with no Slack tokens: the sandbox's workspace as a web page on http://127.0.0.1:PORT/."""

from __future__ import annotations

import errno
import signal
import sys
import threading
from typing import TextIO

from bot.config import Settings, SettingsError
from bot.sandbox.session import logs_to_file, open_sandbox
from bot.sandbox.web.app import PageServer, WebSandbox

HOST = "127.0.0.1"  # the sandbox is for the person at this machine only


def run_web(settings: Settings, *, out: TextIO | None = None, stop: threading.Event | None = None) -> None:
    """Serve the page until Ctrl-C or SIGTERM (or `stop` is set)."""
    out = out or sys.stdout
    stop = stop or threading.Event()
    with logs_to_file() as log, open_sandbox(settings) as stack:
        try:
            server = PageServer(WebSandbox(stack), host=HOST, port=settings.port).start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SettingsError(f"Truce cannot start the sandbox: port {settings.port} is already in use "
                                    "(set PORT to another one).") from None
            raise
        print(f"Truce sandbox: open {server.url} in your browser (Ctrl-C stops it).", file=out, flush=True)
        print(f"Nothing there reaches the real Slack. Truce's own log: {log}", file=out, flush=True)
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            server.stop()
            print("Truce sandbox stopped.", file=out, flush=True)
