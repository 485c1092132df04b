"""The outbox's hot path for the sender (bot/sender.py): rows claimed in batches, posts recorded in batches.

- `claim(rt, limit)`: one statement takes up to `limit` due rows — at most one per channel (a post
  queued behind an unsent post into its channel waits, as in bot/delivery.py), and no update of a
  message that is being sent — with a new claim token, counting the attempt. A plain post (not in
  doubt, not in a thread, attempts left) is marked in doubt in the same statement: from the claim
  until Slack answers it may be in Slack unknown to us, so a retry looks for it in the history first
  (bot/outbox_history.py), as `delivery._mark_in_doubt` does right before the call. On PostgreSQL the
  rows are picked `FOR UPDATE SKIP LOCKED`, so replicas claiming at the same time take different rows;
  on SQLite the statement runs in the process's write turn.
- `chains(rows)`: claimed rows in the order they must go: an update follows its post when both were
  claimed together (as `delivery.deliver` sends them one after the other).
- `send(rt, row, ...)`: a plain post is sent here; what Slack answered other than "ok" goes through
  delivery's bookkeeping (429: Retry-After, not an attempt; 5xx and no answer: an attempt, backoff;
  not in channel: kept for the invite). Any other row goes through `delivery.attempt_claimed` (the
  history look-up of a post in doubt, threads, updates), exactly as `delivery.deliver` would.
- `Recorder`: the posts Slack took, recorded by whoever comes first for all that wait (group commit):
  one UPDATE for many rows, each still conditioned on its claim token (a row whose claim was lost is
  handed over by `delivery._lost`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Integer, Table, and_, bindparam, case, exists, not_, select, text, update

from bot import delivery
from bot.clock import aware, now
from bot.db import is_postgres, session_scope
from bot.models import Outbox

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# A claimed post is sent without another statement when its claim has more than this left (the call to
# Slack takes at most SLACK_TIMEOUT, 10 s, and its record a moment); older in the queue, its claim is renewed first.
FRESH_MARGIN = timedelta(seconds=15)
LINGER = 0.01  # seconds the recorder waits for more sent posts while no post it has holds up its channel's next
LINGER_FOR = 64  # ... unless it has that many already
OUTBOX = cast(Table, Outbox.__table__)  # type: ignore[attr-defined]
_target = OUTBOX.alias("target_row")


@dataclass
class Claimed:
    """A row this sender claimed: what it takes to send it, and the attempt that carries the claim."""

    attempt: delivery._Attempt
    kind: str
    text: str
    blocks: list[dict[str, Any]]
    target_id: int | None
    plain: bool  # a post not in doubt, not in a thread: sent by `send` itself
    claimed_at: datetime | None = None  # when the claim (for delivery.CLAIM_FOR) was taken


@dataclass
class Chain:
    rows: list[Claimed] = field(default_factory=list)


def _due_now(t: Any) -> Any:
    c = OUTBOX.c
    return and_(
        delivery._due(t),
        not_(delivery._behind_an_earlier_post()),
        # an update waits while its message is being sent (a kick follows when it is)
        not_(and_(c.kind == "update", exists().where(_target.c.id == c.target_id,
                                                      _target.c.status == delivery.SENDING))),
    )


def _claim_statement(postgres: bool) -> Any:
    """`claim`'s one statement, built once per dialect with its values as parameters (`t`: now, `until`: the
    claim's end, `token`, `limit`): an outbox under load claims many times a second, and building the
    statement and its cache key again each time was a quarter of the claiming thread's Python (bench.outbox)."""
    c = OUTBOX.c
    t = bindparam("t", type_=c.next_attempt_at.type)
    pick = select(c.id).where(_due_now(t)).order_by(c.id).limit(bindparam("limit", type_=Integer))
    if postgres:
        pick = pick.with_for_update(skip_locked=True, of=OUTBOX)
    plain = and_(c.kind == "post", c.in_doubt_since.is_(None), c.thread_parent_id.is_(None),
                 c.attempts < delivery.MAX_ATTEMPTS)
    return (
        update(OUTBOX)
        .where(c.id.in_(pick), delivery._due(t))
        .values(status=delivery.SENDING, claimed_until=bindparam("until", type_=c.claimed_until.type),
                claim_token=bindparam("token", type_=c.claim_token.type), attempts=c.attempts + 1,
                in_doubt_since=case((plain, t), else_=c.in_doubt_since))
        .returning(c.id, c.kind, c.team_id, c.key, c.channel, c.attempts, c.in_doubt_since, c.lookup_from,
                   c.text, c.blocks, c.target_id, c.thread_parent_id)
    )


_CLAIM = {postgres: _claim_statement(postgres) for postgres in (False, True)}


def claim(rt: Runtime, limit: int) -> list[Claimed]:
    """Claim up to `limit` due rows in one statement (see the module's docstring)."""
    t, token = now(), uuid.uuid4().hex
    params = {"t": t, "until": t + delivery.CLAIM_FOR, "token": token, "limit": limit}
    with session_scope(rt.engine) as session:
        rows = session.connection().execute(_CLAIM[is_postgres(rt.engine)], params).all()
    claimed = []
    for r in sorted(rows, key=lambda r: r.id):
        doubt = aware(r.in_doubt_since)
        is_plain = r.kind == "post" and r.thread_parent_id is None and doubt == t
        attempt = delivery._Attempt(r.id, token, r.kind, r.team_id, r.key, r.channel, r.attempts,
                                    None if is_plain else doubt, r.lookup_from, made_doubt=is_plain)
        claimed.append(Claimed(attempt, r.kind, r.text, list(r.blocks or []), r.target_id, is_plain, t))
    return claimed


def chains(rows: Sequence[Claimed]) -> list[Chain]:
    """Claimed rows grouped so that an update goes after the post it changes (and after the
    updates of that post claimed before it); every other row is a chain of its own."""
    out: list[Chain] = []
    chain_of: dict[int, Chain] = {}
    for row in rows:
        chain = chain_of.get(row.target_id) if row.kind == "update" and row.target_id is not None else None
        if chain is None:
            chain = Chain()
            out.append(chain)
        chain.rows.append(row)
        chain_of[row.attempt.row_id] = chain
        if row.target_id is not None:
            chain_of.setdefault(row.target_id, chain)
    return out


def release(rt: Runtime, rows: Sequence[Claimed]) -> None:
    """Give back rows claimed but not tried (the sender is stopping): as they were before the claim."""
    if not rows:
        return
    c = OUTBOX.c
    tokens = {row.attempt.row_id: row.attempt.token for row in rows}
    plain = [row.attempt.row_id for row in rows if row.plain]
    stmt = (
        update(OUTBOX)
        .where(c.id.in_(list(tokens)), c.status == delivery.SENDING,
               c.claim_token == case(tokens, value=c.id))
        .values(status=delivery.PENDING, claimed_until=None, claim_token=None, attempts=c.attempts - 1,
                in_doubt_since=case((c.id.in_(plain), None), else_=c.in_doubt_since) if plain else c.in_doubt_since)
    )
    with session_scope(rt.engine) as session:
        session.connection().execute(stmt)


@dataclass
class Sent:
    """A post Slack took, to record; `pace_until`: the channel's next post waits until then."""

    attempt: delivery._Attempt
    channel: str | None
    ts: str | None
    pace_until: datetime | None = None
    done: threading.Event | None = None  # set once it is committed, for a caller that waits


class Recorder:
    """Records posts Slack took, in a thread of its own: whatever waits when it is free is written in
    one transaction (group commit), so the threads that post never wait for the database. `settle(result)`
    is called for each once it is committed. Started with the first post; `close()` ends it."""

    def __init__(self, rt: Runtime, settle: Callable[[delivery.Result], None]):
        self.rt, self.settle = rt, settle
        self._cond = threading.Condition()
        self._pending: list[Sent] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._lingering = False

    def add(self, item: Sent, *, wait: bool) -> None:
        """Record `item`; with `wait`, return only once it is committed."""
        if wait:
            item.done = threading.Event()
        with self._cond:
            self._pending.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="truce-sender-record", daemon=True)
                self._thread.start()
            if not self._lingering or item.done is not None or len(self._pending) >= LINGER_FOR:
                self._cond.notify()
        if item.done is not None:
            item.done.wait()

    def close(self) -> None:
        """Stop once what waits is written."""
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _linger(self) -> None:
        """Called holding the lock with something pending: while no pending post holds up its channel's next
        one (that post waits for its record: written at once), wait up to LINGER for more to come, so that a
        fan-out's posts are written a few dozen to a transaction rather than one or two. A caller waiting
        through `Sender.settle` (the work after an answer, for its posts' links) may wait that much longer."""
        deadline = time.monotonic() + LINGER
        self._lingering = True
        try:
            while (not self._closed and len(self._pending) < LINGER_FOR
                   and not any(item.done is not None for item in self._pending)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)
        finally:
            self._lingering = False

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                self._linger()
                batch, self._pending = self._pending, []
                if not batch:
                    self._thread = None
                    return
            try:
                results = record_sent(self.rt, batch)
            except Exception:  # the database went away: the claims expire, the rows are looked for
                log.exception("outbox: recording %d sent posts failed", len(batch))
                results = [delivery.Result(item.attempt.row_id, "queued", "internal_error") for item in batch]
            for item, result in zip(batch, results, strict=True):
                if item.done is not None:
                    item.done.set()
                self.settle(result)


_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("b_row_id"), OUTBOX.c.status == delivery.SENDING,
           OUTBOX.c.claim_token == bindparam("b_token"))
    .values(status=delivery.SENT, sent_at=bindparam("b_at"), last_error=None, claimed_until=None,
            in_doubt_since=None, lookup_from=None, posted_channel=bindparam("b_channel"), posted_ts=bindparam("b_ts"))
)


# `_SENT` for many rows in one PostgreSQL statement whose text is the same whatever their number: the rows
# come as arrays, joined by unnest. (A CASE by id, as before, was a new statement for each batch size,
# compiled by SQLAlchemy each time: half of the sender's Python under a fan-out, in bench.outbox's profile.)
_SENT_AT_ONCE = text(
    "UPDATE outbox SET status = :sent, sent_at = :at, last_error = NULL, claimed_until = NULL, "
    "in_doubt_since = NULL, lookup_from = NULL, posted_channel = v.channel, posted_ts = v.ts "
    "FROM unnest(CAST(:ids AS INTEGER[]), CAST(:tokens AS TEXT[]), CAST(:channels AS TEXT[]), "
    "CAST(:tss AS TEXT[])) AS v(id, token, channel, ts) "
    "WHERE outbox.id = v.id AND outbox.status = :sending AND outbox.claim_token = v.token "
    "RETURNING outbox.id")


def _sent_at_once(items: Sequence[Sent], t: datetime) -> dict[str, Any]:
    """The parameters of `_SENT_AT_ONCE` for `items`."""
    return {"sent": delivery.SENT, "sending": delivery.SENDING, "at": t,
            "ids": [item.attempt.row_id for item in items], "tokens": [item.attempt.token for item in items],
            "channels": [item.channel for item in items], "tss": [item.ts for item in items]}


def record_sent(rt: Runtime, items: Sequence[Sent]) -> list[delivery.Result]:
    """Record these posts as sent in one transaction, one statement run for all of them (each row
    while its claim holds), and push back the next posts of channels that must be paced. Rows whose
    claim was lost are handed over (`delivery.lost`)."""
    c, t = OUTBOX.c, now()
    params = [{"b_row_id": item.attempt.row_id, "b_token": item.attempt.token, "b_at": t,
               "b_channel": item.channel, "b_ts": item.ts} for item in items]
    with session_scope(rt.engine) as session:
        conn = session.connection()
        if is_postgres(rt.engine):
            # No wait for the disk: if this commit were lost in a crash, the rows stay claimed and in
            # doubt (their claim was committed durably before the post), and the next attempt finds
            # the message in the channel's history instead of posting it again.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO off")
        if is_postgres(rt.engine):  # one statement, one round trip, for all the rows
            recorded = {row.id for row in conn.execute(_SENT_AT_ONCE, _sent_at_once(items, t))}
        elif conn.execute(_SENT, params).rowcount == len(items) and conn.dialect.supports_sane_multi_rowcount:
            recorded = {item.attempt.row_id for item in items}
        else:  # some claim was lost (or the driver cannot say how many rows it changed): ask
            mine = select(c.id).where(
                c.id.in_([item.attempt.row_id for item in items]), c.status == delivery.SENT,
                c.claim_token == case({i.attempt.row_id: i.attempt.token for i in items}, value=c.id))
            recorded = {row.id for row in conn.execute(mine)}
        for item in items:
            if item.pace_until is not None and item.attempt.row_id in recorded:
                conn.execute(
                    update(OUTBOX)
                    .where(c.team_id == item.attempt.team_id, c.channel == item.attempt.channel,
                           c.kind == "post", c.status == delivery.PENDING, c.next_attempt_at < item.pace_until)
                    .values(next_attempt_at=item.pace_until))
    results = []
    for item in items:
        row_id = item.attempt.row_id
        if row_id in recorded:
            results.append(delivery.Result(row_id, "sent", channel=item.channel, ts=item.ts))
        else:
            results.append(delivery.lost(rt, item.attempt))
    return results


def send(rt: Runtime, row: Claimed, client: Callable[[str], WebClient],
         sent: Callable[[Sent], None], on_429: Callable[[delivery._Attempt, SlackApiError], None]
         ) -> delivery.Result | None:
    """Try one claimed row. None when Slack took a plain post: `sent` records it (and settles it)."""
    attempt = row.attempt
    if not row.plain:
        return delivery.attempt_claimed(rt, attempt)
    return delivery.guarded(rt, attempt, lambda: _post(rt, row, client, sent, on_429))


def _post(rt: Runtime, row: Claimed, client: Callable[[str], WebClient], sent: Callable[[Sent], None],
          on_429: Callable[[delivery._Attempt, SlackApiError], None]) -> delivery.Result | None:
    attempt = row.attempt
    try:
        web = client(attempt.team_id)
    except LookupError:  # the workspace uninstalled Truce: nothing can be sent there any more
        return delivery.not_installed(rt, attempt)
    if row.claimed_at is None or now() >= row.claimed_at + delivery.CLAIM_FOR - FRESH_MARGIN:
        # Waited in this sender's queue for most of its claim: renewed first (or ClaimLost, and the row is
        # left to whoever holds it now), so that a call Slack is slow to answer cannot outlive the claim
        # while another sender, finding the claim expired, looks in the history and posts it again.
        delivery._keep(rt, attempt)
    _, kwargs = delivery.post_call(key=attempt.key, channel=attempt.channel, text=row.text, blocks=row.blocks)
    attempt.in_flight_since = now()
    try:
        response = web.chat_postMessage(**kwargs)
    except SlackApiError as exc:
        if exc.response.status_code == 429:
            on_429(attempt, exc)
        return delivery._failed_call(rt, attempt, exc)
    except Exception as exc:  # network trouble or a timeout: Slack may be fine a moment later
        return delivery._retry_later(rt, attempt, type(exc).__name__, None)
    attempt.posted = (response.get("channel"), response.get("ts"))
    sent(Sent(attempt, response.get("channel"), response.get("ts")))
    return None
