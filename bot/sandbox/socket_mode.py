"""Socket Mode for the emulator: `apps.connections.open` hands out a WebSocket URL on this
machine, and the emulator delivers envelopes over it as Slack does, waiting for the app's ack.

A minimal RFC 6455 server (text, ping/pong and close frames), enough for slack_sdk's client.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import socket
import struct
import threading
import uuid
from typing import Any

log = logging.getLogger(__name__)
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class _Connection:
    def __init__(self, sock: socket.socket, hub: SocketModeHub):
        self.sock, self.hub = sock, hub
        self.send_lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(data)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack("!H", n)
        else:
            header += bytes([127]) + struct.pack("!Q", n)
        with self.send_lock:
            self.sock.sendall(header + data)

    def _read(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def read_frame(self) -> tuple[int, bytes]:
        b1, b2 = self._read(2)
        opcode, masked, n = b1 & 0x0F, b2 & 0x80, b2 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        mask = self._read(4) if masked else b""
        data = self._read(n)
        if masked:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return opcode, data

    def serve(self) -> None:
        try:
            while self.open:
                opcode, data = self.read_frame()
                if opcode == PING:
                    self.send(PONG, data)
                elif opcode == CLOSE:
                    self.send(CLOSE, data[:2])
                    break
                elif opcode == TEXT:
                    self.hub.received(json.loads(data))
        except (ConnectionError, OSError, ValueError):
            pass
        finally:
            self.open = False
            self.hub.dropped(self)
            self.sock.close()


class SocketModeHub:
    """Listens for the app's WebSocket connections and sends it envelopes."""

    def __init__(self, host: str = "127.0.0.1"):
        self._listener = socket.create_server((host, 0))
        self.host, self.port = self._listener.getsockname()[:2]
        self._connections: list[_Connection] = []
        self._waiting: dict[str, tuple[threading.Event, dict]] = {}
        self._lock = threading.Lock()
        self.connected = threading.Event()
        threading.Thread(target=self._accept, name="socket-mode-accept", daemon=True).start()

    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/link/?ticket={uuid.uuid4().hex}"

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handshake, args=(sock,), daemon=True).start()

    def _handshake(self, sock: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                sock.close()
                return
            request += chunk
        headers = {}
        for line in request.decode("latin-1").split("\r\n")[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        conn = _Connection(sock, self)
        with self._lock:
            self._connections.append(conn)
        conn.send(TEXT, json.dumps({"type": "hello", "num_connections": len(self._connections),
                                    "debug_info": {"host": "emulator"},
                                    "connection_info": {"app_id": "A0TRUCE"}}).encode())
        self.connected.set()
        conn.serve()

    def received(self, message: dict[str, Any]) -> None:
        envelope_id = message.get("envelope_id")
        if not isinstance(envelope_id, str):  # not an ack
            return
        with self._lock:
            waiter = self._waiting.get(envelope_id)
        if waiter is not None:
            waiter[1].update(message)
            waiter[0].set()

    def dropped(self, conn: _Connection) -> None:
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
            if not self._connections:
                self.connected.clear()

    def deliver(self, kind: str, payload: dict[str, Any], *, timeout: float = 3.0,
                retry_attempt: int = 0, retry_reason: str = "") -> dict[str, Any] | None:
        """Send one envelope; the app's ack (its response payload, if any), or None past `timeout`."""
        if not self.connected.wait(timeout):
            raise ConnectionError("no Socket Mode connection from the app")
        envelope_id = str(uuid.uuid4())
        done = threading.Event()
        answer: dict[str, Any] = {}
        with self._lock:
            self._waiting[envelope_id] = (done, answer)
            conn = self._connections[-1]
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": retry_reason}
        conn.send(TEXT, json.dumps(envelope).encode())
        try:
            return answer if done.wait(timeout) else None
        finally:
            with self._lock:
                self._waiting.pop(envelope_id, None)

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for conn in self._connections:
                conn.open = False
                with contextlib.suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RDWR)
