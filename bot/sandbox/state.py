"""The emulated workspace: channels, people, messages, threads, reactions, views and files."""

from __future__ import annotations

import itertools
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot import clock


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    tz: str = "UTC"
    email: str = ""
    deleted: bool = False  # deactivated

    def to_api(self, team_id: str, *, email: bool = False) -> dict[str, Any]:
        """The user object; `profile.email` only for a token with users:read.email (as Slack does)."""
        profile = {"display_name": self.name, "real_name": self.real_name or self.name}
        if email and self.email:
            profile["email"] = self.email
        return {
            "id": self.id, "team_id": team_id, "name": self.name, "real_name": self.real_name or self.name,
            "is_admin": self.is_admin, "is_owner": self.is_owner, "is_bot": self.is_bot, "deleted": self.deleted,
            "tz": self.tz, "profile": profile,
        }


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: bool = False
    deleted: bool = False
    files: list[dict] = field(default_factory=list)
    metadata: dict[str, Any] | None = None  # {"event_type": ..., "event_payload": {...}}, set by the app

    def to_api(self, *, include_metadata: bool = False) -> dict[str, Any]:
        """The message as the Web API shows it; `metadata` only when asked (include_all_metadata)."""
        data: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text}
        if self.blocks:
            data["blocks"] = self.blocks
        if self.bot_id:
            data["bot_id"] = self.bot_id
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.reactions:
            data["reactions"] = [
                {"name": n, "users": list(u), "count": len(u)} for n, u in self.reactions.items() if u
            ]
        if self.edited:
            data["edited"] = {"user": self.user, "ts": self.ts}
        if self.files:
            data["files"] = self.files
        if include_metadata and self.metadata:
            data["metadata"] = self.metadata
        return data


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_im: bool = False
    im_user: str | None = None
    messages: list[Message] = field(default_factory=list)

    def to_api(self, bot_user: str) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "is_im": True, "user": self.im_user, "is_member": True}
        return {
            "id": self.id, "name": self.name, "is_channel": not self.is_private, "is_group": self.is_private,
            "is_private": self.is_private, "is_im": False, "is_member": bot_user in self.members,
            "is_archived": False, "num_members": len(self.members),
        }

    def top_level(self) -> list[Message]:
        return [m for m in self.messages if not m.deleted and (m.thread_ts is None or m.thread_ts == m.ts)]

    def replies(self, ts: str) -> list[Message]:
        return [m for m in self.messages if not m.deleted and m.thread_ts == ts and m.ts != ts]


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    blocks: list[dict] = field(default_factory=list)
    ts: str = ""
    via: str = "chat.postEphemeral"  # or response_url


@dataclass
class View:
    id: str
    user: str
    view: dict[str, Any]
    hash: str
    stack: int = 0
    closed: bool = False


@dataclass
class Fault:
    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1
    hang: float | None = None  # nothing done, no answer for this long, then the connection drops
    late: float | None = None  # the call IS applied, but the answer comes only after this long
    answer: bool = True  # with late: False closes the connection instead of answering
    channel: str | None = None  # only calls into this channel (id) fail


CHAOS_KINDS = ("429", "5xx", "hang", "late")


@dataclass
class Chaos:
    """Random faults on every Web API call: each call, with probability `rate`, meets one of `kinds`
    (drawn evenly): "429" (ratelimited, Retry-After of `retry_after` seconds), "5xx" (HTTP 503),
    "hang" (nothing done, no answer for `hang` seconds) or "late" (done, answered after `late` seconds)."""

    rate: float
    kinds: tuple[str, ...]
    rng: random.Random
    retry_after: tuple[int, int]
    hang: float
    late: float

    def draw(self, method: str) -> tuple[str, Fault] | None:
        if self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(self.kinds)
        if kind == "429":
            return kind, Fault(method, status=429, retry_after=self.rng.randint(*self.retry_after))
        if kind == "5xx":
            return kind, Fault(method, status=503)
        if kind == "hang":
            return kind, Fault(method, hang=self.hang)
        return kind, Fault(method, late=self.late)


@dataclass
class RateLimit:
    """Slack's "special" tier for chat.postMessage: about `per_second` messages a second into one
    channel, with short bursts of up to `burst` (a token bucket)."""

    per_second: float
    burst: int
    tokens: float
    at: float

    def take(self, t: float) -> float:
        """Take a token at time `t`: 0 when allowed, else how many seconds until one is free."""
        self.tokens = min(self.burst, self.tokens + (t - self.at) * self.per_second)
        self.at = t
        if self.tokens >= 1 - 1e-6:
            self.tokens = max(self.tokens - 1, 0.0)
            return 0.0
        return (1 - self.tokens) / self.per_second


class WorkspaceState:
    """Everything the emulator holds. One lock guards it; every accessor copies out."""

    def __init__(self, *, team_id: str = "T0TRUCE", team_name: str = "Truce Demo", domain: str = "truce-demo"):
        self.team_id, self.team_name, self.domain = team_id, team_name, domain
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.tokens: dict[str, str] = {}  # token -> user id it acts as (the bot's)
        self.token_scopes: dict[str, frozenset[str]] = {}  # token -> the OAuth scopes it was granted
        self.bot_user_id, self.bot_id = "U0TRUCEBOT", "B0TRUCE"
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.home: dict[str, dict] = {}
        self.triggers: dict[str, tuple[str, float]] = {}  # trigger_id -> (user, issued at, monotonic)
        self.responses: dict[str, dict[str, Any]] = {}  # response_url token -> context
        self.files: dict[str, dict[str, Any]] = {}
        self.method_limits: dict[str, RateLimit] = {}  # Web API method -> its limit (a tier)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: list[Fault] = []
        self.rate_limits: dict[str, RateLimit] = {}  # channel id -> its chat.postMessage limit
        self._chaos: Chaos | None = None
        self.chaos_counts: Counter[tuple[str, str]] = Counter()  # (method, kind) -> faults chaos injected
        self._counter = itertools.count(1)
        self._last_ts = 0.0
        self.add_user(User(self.bot_user_id, "truce", "Truce", is_bot=True))

    # --- ids -------------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):08X}"

    def next_ts(self) -> str:
        """A new message's `ts`, on the sandbox's clock (`bot.clock`: moved by its fast-forward, so
        messages posted after a jump carry the time they were posted at in the sandbox)."""
        with self.lock:
            t = max(clock.now().timestamp(), self._last_ts + 0.000001)
            self._last_ts = t
            return f"{t:.6f}"

    # --- setup -----------------------------------------------------------------------------
    def add_token(self, token: str, scopes: Iterable[str] | None = None) -> None:
        """A bot token granted `scopes` (None: the scopes Truce's manifest asks for)."""
        if scopes is None:
            from bot.oauth import BOT_SCOPES

            scopes = BOT_SCOPES
        with self.lock:
            self.tokens[token] = self.bot_user_id
            self.token_scopes[token] = frozenset(scopes)

    def scopes_of(self, token: str) -> frozenset[str]:
        with self.lock:
            return self.token_scopes.get(token, frozenset())

    def add_user(self, user: User) -> User:
        with self.lock:
            self.users[user.id] = user
            return user

    def add_channel(self, channel_id: str, name: str, members: list[str] | None = None,
                    *, bot_member: bool = True, is_private: bool = False) -> Channel:
        with self.lock:
            ch = Channel(channel_id, name, set(members or []), is_private=is_private)
            if bot_member:
                ch.members.add(self.bot_user_id)
            self.channels[channel_id] = ch
            return ch

    def im_for(self, user_id: str) -> Channel:
        with self.lock:
            for ch in self.channels.values():
                if ch.is_im and ch.im_user == user_id:
                    return ch
            ch = Channel(self.next_id("D"), user_id, {user_id, self.bot_user_id}, is_im=True, im_user=user_id)
            self.channels[ch.id] = ch
            return ch

    def channel_by_name(self, name: str) -> Channel | None:
        name = name.lstrip("#")
        with self.lock:
            return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None,
                  retry_after: int | None = None, times: int = 1, hang: float | None = None,
                  late: float | None = None, answer: bool = True, channel: str | None = None) -> None:
        """Make the next `times` calls of `method` ("*": any method; into `channel` only, if given: the
        outbox sends into several channels at once, in no set order) fail: HTTP 429/5xx, an `ok: false`
        error, (hang=s) no answer at all and nothing done, or (late=s) done but answered only after
        `late` seconds, as when Slack applies a call and the answer outlasts the client's timeout
        (answer=False: the connection closes then, without an answer)."""
        with self.lock:
            self.faults.append(Fault(method, status, error, retry_after, times, hang, late, answer, channel))

    def chaos(self, rate: float = 0.2, *, seed: int | None = None, kinds: tuple[str, ...] = CHAOS_KINDS,
              retry_after: tuple[int, int] = (1, 2), hang: float = 12.0, late: float = 12.0) -> None:
        """Random faults on every Web API call from now on (rate=0: none any more): with probability
        `rate` a call is answered 429 with a Retry-After of `retry_after` seconds (drawn), 503, not at
        all for `hang` seconds (nothing done), or `late` seconds after it was done. Faults queued with
        `fail_next` come first. `chaos_counts` keeps what was injected."""
        unknown = set(kinds) - set(CHAOS_KINDS)
        if unknown or not kinds or not 0 <= rate <= 1:
            raise ValueError(f"chaos: rate in [0, 1] and kinds among {CHAOS_KINDS}, not {rate}, {kinds}")
        with self.lock:
            self._chaos = Chaos(rate, tuple(kinds), random.Random(seed), retry_after, hang, late) if rate else None

    def rate_limit_channel(self, channel: str, *, per_second: float = 1.0, burst: int = 3) -> None:
        """Limit chat.postMessage into `channel` as Slack does (about 1 a second, short bursts): a call
        over the limit is answered HTTP 429, `Retry-After: <seconds>`, `{"ok": false, "error": "ratelimited"}`.
        The bucket runs on `time.time()`, so time-machine moves it in tests."""
        with self.lock:
            ch = self._resolve(channel)
            key = ch.id if ch else channel
            self.rate_limits[key] = RateLimit(per_second, burst, float(burst), time.time())

    def rate_limited(self, channel_id: str) -> int | None:
        """Seconds to wait (Retry-After, whole seconds as Slack sends it) if a post into this channel
        is over its limit now, else None (and the post uses up its share)."""
        with self.lock:
            limit = self.rate_limits.get(channel_id)
            if limit is None:
                return None
            wait = limit.take(time.time())
            return max(1, math.ceil(wait - 1e-6)) if wait > 0 else None

    def rate_limit_method(self, method: str, *, per_minute: float, burst: int = 1) -> None:
        """Limit a Web API method as Slack's tiers do (per method, per workspace, per app), e.g.
        `rate_limit_method("conversations.history", per_minute=1)`: Tier 1, what apps distributed
        outside the Marketplace get for conversations.history/.replies. A call over the limit is
        answered HTTP 429 with `Retry-After`. On `time.time()`, so time-machine moves it in tests."""
        with self.lock:
            self.method_limits[method] = RateLimit(per_minute / 60, burst, float(burst), time.time())

    def method_rate_limited(self, method: str) -> int | None:
        """Seconds to wait (Retry-After) if a call of `method` is over its limit now, else None."""
        with self.lock:
            limit = self.method_limits.get(method)
            if limit is None:
                return None
            wait = limit.take(time.time())
            return max(1, math.ceil(wait - 1e-6)) if wait > 0 else None

    def take_fault(self, method: str, channel: str | None = None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method in (method, "*") and fault.channel in (None, channel):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
            if self._chaos is not None:
                drawn = self._chaos.draw(method)
                if drawn is not None:
                    self.chaos_counts[(method, drawn[0])] += 1
                    return drawn[1]
            return None

    # --- reading (for tests and the shell) -------------------------------------------------
    def messages(self, channel: str, *, include_replies: bool = False) -> list[Message]:
        with self.lock:
            ch = self._resolve(channel)
            if ch is None:
                return []
            return list(ch.messages if include_replies else ch.top_level())

    def replies(self, channel: str, ts: str) -> list[Message]:
        with self.lock:
            ch = self._resolve(channel)
            return ch.replies(ts) if ch else []

    def find_message(self, channel: str, ts: str) -> Message | None:
        with self.lock:
            ch = self._resolve(channel)
            if ch is None:
                return None
            return next((m for m in ch.messages if m.ts == ts and not m.deleted), None)

    def dms(self, user_id: str) -> list[Message]:
        return self.messages(self.im_for(user_id).id, include_replies=True)

    def ephemerals_for(self, user_id: str, channel: str | None = None) -> list[Ephemeral]:
        with self.lock:
            return [e for e in self.ephemerals if e.user == user_id and (channel is None or e.channel == channel)]

    def open_views(self, user_id: str | None = None) -> list[View]:
        with self.lock:
            return [v for v in self.views.values() if not v.closed and (user_id is None or v.user == user_id)]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [args for name, args in self.calls if name == method]

    def _resolve(self, channel: str) -> Channel | None:
        if channel in self.channels:
            return self.channels[channel]
        if channel.startswith("U") and channel in self.users:
            return self.im_for(channel)
        return self.channel_by_name(channel)
