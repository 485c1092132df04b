"""The soak's load: closed-loop senders of signed requests, each request carrying unique words.

Each sender is one person sending one kind of request after another (a short pause between them):
`/intel <words>` from a marketer (posted to #sales and #sales-marketing), `/unhappy Customer <words>:
... !high` from a sales rep (an alert in #customer-alerts), or a click on **Useful** under a share
already posted in #sales (by someone on sales who has not voted on it yet). Every request is
recorded: when its answer came (or that none did), its status, and whether it said it was saved.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

import httpx

from bot.ids import IntelIds
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import LEE, MARIA, MARK, MARKETING, SALES, SALLY, SAM

ANSWER_WITHIN = 3.0  # seconds: Slack shows the person an error when the answer takes longer
WAIT_FOR_ANSWER = 10.0  # how long a sender waits before counting a request as not answered
VOTERS = (SAM, SALLY, LEE)  # the people in #sales, where the votes are cast
# (kind, person, channel) of each sender, in the order senders are added
ROLES = [("intel", MARK, MARKETING), ("unhappy", SAM, SALES), ("intel", MARIA, MARKETING), ("vote", None, SALES),
         ("unhappy", SALLY, SALES), ("vote", None, SALES)]


@dataclass
class Request:
    kind: str  # intel | unhappy | vote
    key: str  # the unique words (intel, unhappy), or "<share id>:<voter>" (vote)
    status: int | None = None  # HTTP status of the answer; None when none came
    latency: float | None = None  # seconds until the answer's headers arrived
    accepted: bool = False  # answered 200 and (commands) said it was saved
    # A command answered before it ran (bot/accepted.py): its answer comes through this response_url.
    response_url: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 200 and self.latency is not None and self.latency <= ANSWER_WITHIN

    @property
    def late(self) -> bool:
        return self.status == 200 and not self.acknowledged


class Load:
    """`senders` closed-loop senders against `app_url` until `stop()`; `requests` is what they sent."""

    def __init__(self, *, app_url: str, secret: str, emulator: SlackEmulator, senders: int, pause: float,
                 seed: int = 0):
        self.app_url, self.secret, self.emu, self.pause = app_url, secret, emulator, pause
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._voted: set[str] = set()
        self._threads = [threading.Thread(target=self._run, args=(n, ROLES[n % len(ROLES)], seed),
                                          name=f"soak-sender-{n}", daemon=True) for n in range(senders)]

    def start(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(WAIT_FOR_ANSWER + 5)

    def _driver(self) -> tuple[SlackDriver, dict[str, float]]:
        """A driver of its own per sender, timing each answer when its headers arrive."""
        driver = SlackDriver(app_url=self.app_url, signing_secret=self.secret, emulator=self.emu,
                             timeout=WAIT_FOR_ANSWER)
        mark: dict[str, float] = {}
        driver.http = httpx.Client(timeout=WAIT_FOR_ANSWER,
                                   event_hooks={"response": [lambda _: mark.__setitem__("at", time.perf_counter())]})
        return driver, mark

    def _run(self, n: int, role: tuple[str, str | None, str], seed: int) -> None:
        kind, person, channel = role
        driver, mark = self._driver()
        rng = random.Random(seed * 1000 + n)
        count = 0
        while not self._stop.is_set():
            count += 1
            words = f"soak{n:02d}x{count:05d}"
            if kind == "intel":
                request = Request(kind, words)
                self._send(request, mark, driver.command, person, "/intel", f"{words} rivals cut list prices",
                           channel=channel)
            elif kind == "unhappy":
                request = Request(kind, words)
                self._send(request, mark, driver.command, person, "/unhappy",
                           f"Customer {words}: invoices are wrong again !high", channel=channel)
            else:
                request = self._vote(driver, mark, rng)
            if request is not None:
                with self._lock:
                    self.requests.append(request)
            self._stop.wait(self.pause)

    def _vote(self, driver: SlackDriver, mark: dict[str, float], rng: random.Random) -> Request | None:
        """Useful, by someone on sales, on a share posted in #sales they have not voted on yet."""
        choices = []
        for message in self.emu.state.messages(SALES):
            share = next((e.get("value") for b in message.blocks for e in b.get("elements", [])
                          if e.get("action_id") == IntelIds.USEFUL), None)
            choices += [(message, f"{share}:{v}", v) for v in VOTERS if share and f"{share}:{v}" not in self._voted]
        if not choices:
            return None
        message, key, voter = rng.choice(choices)
        self._voted.add(key)
        request = Request("vote", key)
        self._send(request, mark, driver.click, voter, message, IntelIds.USEFUL)
        return request

    @staticmethod
    def _send(request: Request, mark: dict[str, float], call, *args, **kwargs) -> None:
        mark.clear()
        began = time.perf_counter()
        try:
            response = call(*args, **kwargs)
        except httpx.HTTPError:  # refused (the server is down), reset, or no answer in time
            return
        request.status, request.latency = response.status_code, mark.get("at", time.perf_counter()) - began
        request.accepted = response.status_code == 200 and (request.kind == "vote" or "Saved" in response.text)
        if response.status_code == 200 and request.kind != "vote" and not response.content:
            request.response_url = call.__self__.last_response_url  # read at the end: `said_saved`


def said_saved(requests: list[Request], emu) -> None:
    """Commands answered before they ran: accepted when their response_url said it was saved (its answer, or
    the note for one stored just before a kill)."""
    for request in requests:
        if request.response_url is None:
            continue
        key = request.response_url.rsplit("/", 1)[-1]
        contexts = [st.responses[key] for st in emu.workspaces.values() if key in st.responses]
        said = [m.get("text", "") for ctx in contexts for m in ctx.get("said", [])]
        request.accepted = any("Saved" in t or "Truce stored this" in t for t in said)
