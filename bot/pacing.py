"""Per-channel pacing for the outbox's sender, learned from Slack's 429s.

Slack lets an app post about one message a second into a channel, with short bursts (its "special"
tier for chat.postMessage). A channel that never answered 429 is not paced (a post into each of a
thousand channels goes out at once). Once a channel answers 429, it gets a token bucket (1 a second,
bursts of 3) whose first token comes when Retry-After says; after each post into it, the sender
holds the channel's next post until the bucket has a token again, so Slack does not have to refuse
it. A channel quiet for FORGET_AFTER is forgotten (its limit may have been a moment's).
Times are `bot.clock.now()` (moved by time-machine in tests), as the outbox's `next_attempt_at` is.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

PER_SECOND = 1.0
BURST = 3
FORGET_AFTER = timedelta(minutes=10)
MAX_RETRY_AFTER = 3600.0  # seconds: a longer Retry-After is taken as an hour
KEEP = 10_000  # channels remembered at most (the oldest are forgotten first)


@dataclass
class _Bucket:
    tokens: float
    at: datetime  # when `tokens` was counted (may be in the future: Retry-After)

    def refill(self, t: datetime) -> None:
        if t > self.at:
            self.tokens = min(float(BURST), self.tokens + (t - self.at).total_seconds() * PER_SECOND)
            self.at = t


class Pacing:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def limited(self, team_id: str, channel: str, retry_after: float, t: datetime) -> None:
        """Slack answered 429 for a post into this channel: one token comes after `retry_after` s."""
        with self._lock:
            self._buckets.pop((team_id, channel), None)
            self._buckets[(team_id, channel)] = _Bucket(0.0, t + timedelta(seconds=retry_after - 1 / PER_SECOND))
            if len(self._buckets) > KEEP:
                del self._buckets[next(iter(self._buckets))]

    def sent(self, team_id: str, channel: str | None, t: datetime) -> datetime | None:
        """A post into this channel went out at `t`: when its next post may go, if it must wait."""
        if channel is None:
            return None
        with self._lock:
            bucket = self._buckets.get((team_id, channel))
            if bucket is None:
                return None
            if t - bucket.at > FORGET_AFTER:
                del self._buckets[(team_id, channel)]
                return None
            bucket.refill(t)
            bucket.tokens = max(bucket.tokens - 1, 0.0)
            if bucket.tokens >= 1:
                return None
            return bucket.at + timedelta(seconds=(1 - bucket.tokens) / PER_SECOND)


def retry_after(headers: Mapping[str, object] | None) -> float:
    """Seconds Slack asked to wait (its Retry-After header): 1 when it did not say or said something that
    is not a number of seconds, and never more than MAX_RETRY_AFTER (a header of "inf" or 1e300 would
    otherwise overflow the date arithmetic and fail the post instead of delaying it)."""
    value = {k.lower(): v for k, v in (headers or {}).items()}.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        seconds = float(str(value)) if value is not None else 1.0
    except ValueError:
        return 1.0
    return min(max(seconds, 1.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else 1.0
