"""A standard-library server (http.server, wsgiref: any socketserver) served from a background thread,
for the sandbox and the tests; production runs waitress (bot/server.py).

`stop()` returns at once. `serve_forever()` looks for a shutdown request only between polls (every
half second by default), so its `shutdown()` waits up to a poll; here the loop sleeps on the listening
socket and on a wake-up socket that `stop()` writes to, never on a timer.
"""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading


class BackgroundServer:
    def __init__(self, server: socketserver.TCPServer, *, name: str):
        self.server = server
        self._name = name
        self._wake_up, self._waker = socket.socketpair()
        self._stopping = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def start(self) -> BackgroundServer:
        self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.server, selectors.EVENT_READ)
            selector.register(self._wake_up, selectors.EVENT_READ)
            while not self._stopping:
                ready = selector.select()
                if self._stopping:
                    break
                if any(key.fileobj is self.server for key, _ in ready):
                    # What serve_forever() does with a connection waiting: accept it and hand it over
                    # (a thread per request with ThreadingMixIn).
                    self.server._handle_request_noblock()  # type: ignore[attr-defined]
                self.server.service_actions()

    def stop(self) -> None:
        """Stop accepting (at once) and close the listening socket; requests being answered finish in
        their own threads. Stopping twice is stopping once."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping = True
        self._waker.send(b"\0")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self.server.server_close()
        self._waker.close()
        self._wake_up.close()
