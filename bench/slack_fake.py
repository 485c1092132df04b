"""The Slack emulator (bot/sandbox/emulator.py) in a process of its own, so that answering the Web
API does not take CPU time from the process being measured. Seeded with the demo workspace, plus
`channels` channels the bot is in (CB00000, CB00001, …) and Slack's per-channel posting limit
(1 a second, bursts of 3, 429 + Retry-After) on the channels named in `limited`.

    with SlackFake(channels=1000, limited=["CB00000"]) as slack:
        slack.api_url; slack.posted() -> {channel: messages}; slack.calls() -> Web API calls so far
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

CHANNEL = "CB{:05d}"


def channel_ids(count: int) -> list[str]:
    return [CHANNEL.format(n) for n in range(count)]


def _serve(conn, channels: int, limited: list[str], per_second: float, burst: int) -> None:
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import seed_state

    state = seed_state()
    for channel in channel_ids(channels):
        state.add_channel(channel, channel.lower(), [])
    for channel in limited:
        state.rate_limit_channel(channel, per_second=per_second, burst=burst)
    emu = SlackEmulator(state).start()
    conn.send(emu.api_url)
    while True:
        what = conn.recv()
        if what == "stop":
            break
        with state.lock:
            if what == "posted":
                answer: Any = {c.id: len(c.messages) for c in state.channels.values() if c.messages}
            elif what == "calls":
                answer = len(state.calls)
            elif what == "methods":
                answer = {}
                for method, _ in state.calls:
                    answer[method] = answer.get(method, 0) + 1
            else:
                answer = None
        conn.send(answer)
    emu.stop()
    conn.send("stopped")


class SlackFake:
    def __init__(self, *, channels: int = 0, limited: list[str] | None = None, per_second: float = 1.0,
                 burst: int = 3):
        self.args = (channels, list(limited or ()), per_second, burst)
        self.api_url = ""

    def __enter__(self) -> SlackFake:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, *self.args), daemon=True)
        self._proc.start()
        self.api_url = self._conn.recv()
        return self

    def _ask(self, what: str) -> Any:
        self._conn.send(what)
        return self._conn.recv()

    def posted(self) -> dict[str, int]:
        return self._ask("posted")

    def calls(self) -> int:
        return self._ask("calls")

    def methods(self) -> dict[str, int]:
        return self._ask("methods")

    def __exit__(self, *exc) -> None:
        try:
            self._ask("stop")
        finally:
            self._proc.join(10)
