"""The outbox: durable, idempotent, rate-limit-aware posting to Slack.

A post is queued in the same transaction as the data that caused it (`queue_post`,
`queue_update`), sent right after commit (`deliver`) or by the runtime's sender (bot/sender.py)
as soon as it is due, and retried when Slack answered 429 (when Retry-After says; not a failed
attempt), 5xx or did not answer (a backoff; MAX_ATTEMPTS of those fail it). A row is claimed
atomically before it is sent, so two processes never send the same row twice; a post is claimed
only once every post queued before it into the same channel is sent, so a channel's posts keep
their order. A post whose answer never came is looked for in Slack before it is posted again
(bot/outbox_history.py), so Slack shows it once.

Ownership: each claim writes a new token; every later write of the attempt (renewing the claim
before each call to Slack, and the outcome) is conditioned on that token, so an attempt that
outlived its claim (a process stalled for longer than CLAIM_FOR) never posts after another sender
took the row, and never writes over that sender's outcome: it hands what it did to it (`_lost`).
An attempt is counted when the row is claimed, so a row whose attempts keep ending without an
outcome (a crash, an unexpected error) still fails after MAX_ATTEMPTS and frees its channel.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, update
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlmodel import Session, col, select

from bot import outbox_history
from bot.clock import aware, now
from bot.db import insert_new, pk, session_scope, table_of
from bot.models import Outbox
from bot.pacing import retry_after

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPERSEDED = "pending", "sending", "sent", "failed", "superseded"
# A claim covers one step of an attempt with a wide margin (every Slack call ends within the
# client's timeout, 10 s: bot.runtime.SLACK_TIMEOUT) and is renewed before each step, however many
# steps an attempt takes (conversations.open, the history pages, chat.delete of copies, the post).
# It is also how long a channel waits for the posts a dead process had claimed (after a kill -9): short,
# since a claim that lapses under a live but stalled holder costs no duplicate (the post is in doubt, and
# looked for in the channel's history before it is sent again).
CLAIM_FOR = timedelta(seconds=30)
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(minutes=30)
# The bot is not (yet) in the channel: kept, and sent once it is invited (or retried slowly).
WAIT_FOR_INVITE = {"not_in_channel", "channel_not_found", "is_archived"}
WAIT_FOR_INVITE_FOR = timedelta(days=3)
INVITE_RETRY = timedelta(minutes=15)


@dataclass(frozen=True)
class Result:
    id: int
    status: str  # sent | queued | failed | skipped
    error: str | None = None
    channel: str | None = None
    ts: str | None = None


_R = TypeVar("_R", Result, Result | None)  # what a step of an attempt returns (`guarded`)


def _dicts(blocks: Any) -> list[dict[str, Any]]:
    if not blocks:
        return []
    return [b if isinstance(b, dict) else b.to_dict() for b in blocks]


def _add(session: Session, row: Outbox) -> Outbox:
    return _add_all(session, [row])[0]


def _add_all(session: Session, rows: list[Outbox]) -> list[Outbox]:
    """Queue `rows` in one statement: `INSERT … ON CONFLICT (team_id, key) DO NOTHING RETURNING id`
    (both databases). A key queued already (here, or by another transaction first) is that row, not
    a second post; only then is it read. The rows inserted join the session as stored (no read back)."""
    if not rows:
        return []
    session.flush()  # what the caller added goes first, as before (outbox rows may point at nothing else)
    table = table_of(Outbox)
    columns = [c for c in table.columns if c.key != "id"]
    values = [{c.key: getattr(row, c.key) for c in columns} for row in rows]
    inserted = {(r.team_id, r.key): r.id for r in insert_new(
        session, Outbox, values, unique=("team_id", "key"), returning=("id", "team_id", "key"))}
    found: dict[tuple[str, str], Outbox] = {}
    for row in rows:
        ident = (row.team_id, row.key)
        if ident in inserted and ident not in found:
            row.id = inserted[ident]
            make_transient_to_detached(row)
            session.add(row)  # persistent: it is in the database already
            session.info.setdefault("outbox_ids", []).append(row.id)
            found[ident] = row
    taken = [row for row in rows if (row.team_id, row.key) not in found]
    if taken:  # another transaction (or an earlier call) queued the same key first: one post, not two
        for other in session.exec(select(Outbox).where(
                col(Outbox.team_id).in_({r.team_id for r in taken}), col(Outbox.key).in_({r.key for r in taken}))):
            found.setdefault((other.team_id, other.key), other)
    return [found[(row.team_id, row.key)] for row in rows]


def new_post(
    *,
    team_id: str,
    channel: str,
    text: str,
    blocks: Any = None,
    key: str | None = None,
    thread_parent: Outbox | None = None,
    ref: str | None = None,
) -> Outbox:
    """An outbox post not queued yet: `queue_posts` queues several in one statement."""
    return Outbox(
        team_id=team_id,
        key=key or f"post:{uuid.uuid4().hex}",
        kind="post",
        channel=channel,
        text=text,
        blocks=_dicts(blocks),
        thread_parent_id=thread_parent.id if thread_parent else None,
        ref=ref,
    )


def queue_many(session: Session, rows: list[Outbox]) -> list[Outbox]:
    """Queue several posts (`new_post`) and updates (`new_update`) in one statement, in order. Same key,
    same row."""
    return _add_all(session, rows)


def queue_post(
    session: Session,
    *,
    team_id: str,
    channel: str,
    text: str,
    blocks: Any = None,
    key: str | None = None,
    thread_parent: Outbox | None = None,
    ref: str | None = None,
) -> Outbox:
    """Queue a new message (a channel ID, or a user ID for a DM). Same key, same row."""
    return _add(session, new_post(team_id=team_id, channel=channel, text=text, blocks=blocks, key=key,
                                  thread_parent=thread_parent, ref=ref))


def new_update(*, target: Outbox, text: str, blocks: Any = None, key: str | None = None) -> Outbox:
    """A `chat.update` of `target` not queued yet (see `queue_many`)."""
    return Outbox(
        team_id=target.team_id,
        key=key or f"update:{target.id}:{uuid.uuid4().hex}",
        kind="update",
        target_id=target.id,
        text=text,
        blocks=_dicts(blocks),
        ref=target.ref,
    )


def queue_update(
    session: Session,
    *,
    target: Outbox,
    text: str,
    blocks: Any = None,
    key: str | None = None,
) -> Outbox:
    """Queue a `chat.update` of a message queued earlier (sent or not yet)."""
    return _add(session, new_update(target=target, text=text, blocks=blocks, key=key))


def outcome(session: Session) -> list[Result]:
    """What delivery did with the posts a finished `Runtime.session()` queued."""
    return list(session.info.get("delivery", []))


def any_queued(results: list[Result]) -> bool:
    return any(r.status == "queued" for r in results)


def settled(rt: Runtime, ids: list[int], *, timeout: float = 10.0, poll: float = 0.1) -> list[Result]:
    """What became of these rows, read from the database: sent (with channel and ts), failed, or
    queued (waiting for a retry, an invite, or an earlier post into the same channel that waits for
    one). A row on its way right now — in another sender's hands (what `deliver` reports as
    "skipped"), or due behind posts that are going out — is waited for, up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        results, moving = _where_they_are(rt, ids)
        if not moving or time.monotonic() >= deadline:
            return results
        time.sleep(poll)


def delivered(rt: Runtime, ids: list[int], *, timeout: float = 10.0) -> list[Result]:
    """Have these rows sent (after the answer, in the background) and say what became of them, as
    `settled` does. Where the runtime's sender runs, it sends them (one sender per process: nothing
    races it for the rows) and this waits for it to say they settled; elsewhere (a job, a test
    without a sender) they are sent here, and what other processes do is read from the database."""
    sender = rt.sender
    if sender is not None and sender.running:
        return sender.settle(ids, timeout=timeout)
    deliver(rt, ids)
    return settled(rt, ids, timeout=timeout)


def where_they_are(rt: Runtime, ids: list[int]) -> tuple[list[Result], bool]:
    """What became of these rows (see `settled`), and whether any of them is still on its way."""
    return _where_they_are(rt, ids)


def _where_they_are(rt: Runtime, ids: list[int]) -> tuple[list[Result], bool]:
    t = now()
    with session_scope(rt.engine, read_only=True) as session:
        rows = {pk(r.id): r for r in session.exec(select(Outbox).where(col(Outbox.id).in_(ids))).all()} if ids else {}
        lanes = {(r.team_id, r.channel) for r in rows.values() if r.kind == "post" and r.status == PENDING}
        waiting = session.exec(select(col(Outbox.team_id), col(Outbox.channel), col(Outbox.id)).where(
            Outbox.kind == "post", Outbox.status == PENDING,
            or_(col(Outbox.last_error).is_not(None), col(Outbox.next_attempt_at) > t))).all() if lanes else []
    stuck: dict[tuple[str, str | None], int] = {}  # (team, channel) -> the first post there that waits
    for team_id, channel, waiting_id in waiting:  # for a retry or an invite
        stuck[(team_id, channel)] = min(pk(waiting_id), stuck.get((team_id, channel), pk(waiting_id)))
    results: list[Result] = []
    moving = False
    for row_id in ids:
        row = rows.get(row_id)
        if row is None:
            continue
        if row.status == SENT:
            results.append(Result(row_id, "sent", channel=row.posted_channel, ts=row.posted_ts))
        elif row.status in (FAILED, SUPERSEDED):
            results.append(Result(row_id, "failed" if row.status == FAILED else "skipped", row.last_error))
        else:
            due = row.last_error is None and aware(row.next_attempt_at) <= t
            blocked = stuck.get((row.team_id, row.channel), row_id + 1) < row_id
            moving = moving or row.status == SENDING or (due and not blocked)
            results.append(Result(row_id, "queued", row.last_error, channel=row.channel))
    return results, moving


# --- sending ---------------------------------------------------------------------------


_earlier = aliased(Outbox)


def _due(t: datetime | ColumnElement[Any]) -> ColumnElement[bool]:
    return or_(
        and_(col(Outbox.status) == PENDING, col(Outbox.next_attempt_at) <= t),
        # its sender died mid-way (a claim without a deadline would block its channel forever)
        and_(col(Outbox.status) == SENDING,
             or_(col(Outbox.claimed_until) < t, col(Outbox.claimed_until).is_(None))),
    )


def _behind_an_earlier_post() -> ColumnElement[bool]:
    """A post waits until every post queued before it into the same channel is sent (or failed):
    Slack shows them in the order they were queued, and a rate-limited channel waits as a whole."""
    return and_(col(Outbox.kind) == "post", exists().where(
        col(_earlier.team_id) == Outbox.team_id, col(_earlier.channel) == Outbox.channel, col(_earlier.kind) == "post",
        col(_earlier.id) < Outbox.id, col(_earlier.status).in_((PENDING, SENDING)),
    ))


def _claim(session: Session, row_id: int) -> _Attempt | None:
    """Take the row with a new token, counting the attempt (also one that will end without an
    outcome: a crash, an unexpected error). None when it is not due or another sender has it."""
    t, token = now(), uuid.uuid4().hex
    stmt = (
        update(Outbox)
        .where(col(Outbox.id) == row_id, _due(t), not_(_behind_an_earlier_post()))
        .values(status=SENDING, claimed_until=t + CLAIM_FOR, claim_token=token, attempts=col(Outbox.attempts) + 1)
        .execution_options(synchronize_session=False)
    )
    if session.exec(stmt).rowcount != 1:
        return None
    row = session.get_one(Outbox, row_id)
    return _Attempt(row_id, token, row.kind, row.team_id, row.key, row.channel, row.attempts,
                    aware(row.in_doubt_since), row.lookup_from)


class ClaimLost(Exception):
    """The attempt outlived its claim: another sender holds the row now, or finished it."""


def _owned(session: Session, attempt: _Attempt, **values: Any) -> Outbox:
    """The row, if this attempt still holds its claim: renewed for CLAIM_FOR (with `values`), and
    locked until the transaction ends, so what the caller writes is this attempt's. Else ClaimLost."""
    held = session.exec(
        update(Outbox)
        .where(col(Outbox.id) == attempt.row_id, col(Outbox.status) == SENDING,
               col(Outbox.claim_token) == attempt.token)
        .values(claimed_until=now() + CLAIM_FOR, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if held != 1:
        raise ClaimLost(attempt.row_id)
    return session.get_one(Outbox, attempt.row_id)


def _keep(rt: Runtime, attempt: _Attempt, **values: Any) -> None:
    """Before the next call to Slack: still ours (renewed), or ClaimLost."""
    with session_scope(rt.engine) as session:
        _owned(session, attempt, **values)


def deliver(rt: Runtime, ids: list[int]) -> list[Result]:
    """Send these outbox rows now, each once (rows taken elsewhere are skipped, rows behind an
    unsent post into the same channel stay queued). Posts queued behind one sent here, into the
    same channel, go out too, in order (perhaps queued by another process, which left them)."""
    done: dict[int, Result] = {}
    for row_id in ids:
        if row_id not in done:
            done.update((r.id, r) for r in deliver_lane(rt, row_id))
    return [done[row_id] for row_id in ids]


def deliver_lane(rt: Runtime, row_id: int) -> Iterator[Result]:
    """Send this row; then, as long as it left its channel free (sent, or failed for good), the
    channel's next due posts in order: whoever finishes a post sends the ones queued behind it."""
    next_id: int | None = row_id
    while next_id is not None:
        result = deliver_one(rt, next_id)
        yield result
        if result.status not in ("sent", "failed"):
            return
        next_id = _next_in_channel(rt, next_id)


def deliver_one(rt: Runtime, row_id: int) -> Result:
    try:
        return _deliver_one(rt, row_id)
    except Exception:  # one row's fault must not keep the others from going out
        log.exception("outbox row %s: unexpected failure while sending", row_id)
        return Result(row_id, "queued", "internal_error")


def kick(rt: Runtime) -> None:
    """Rows were made due outside `rt.session()` (e.g. Truce was invited to their channel): the
    sender sends them, in its lanes; where no sender runs, they are sent here and now."""
    sender = rt.sender
    if sender is not None and sender.running:
        sender.kick()
    else:
        deliver_due(rt)


def deliver_due(rt: Runtime, *, limit: int = 100) -> list[Result]:
    """Send whatever is due (or whose sender died mid-way), here and now: the safety net when no
    sender runs (bot/sender.py). In each channel, in order; a channel that must wait stops there."""
    with session_scope(rt.engine) as session:
        ids = session.exec(select(col(Outbox.id)).where(_due(now())).order_by(col(Outbox.id)).limit(limit)).all()
    return deliver(rt, [pk(row_id) for row_id in ids])


# --- what the sender asks ----------------------------------------------------------------


def _next_in_channel(rt: Runtime, row_id: int) -> int | None:
    """The next post into the channel of this (finished) post, if it is due now."""
    with session_scope(rt.engine) as session:
        done = session.get(Outbox, row_id)
        if done is None or done.kind != "post":
            return None
        return session.exec(
            select(col(Outbox.id))
            .where(Outbox.team_id == done.team_id, Outbox.channel == done.channel, Outbox.kind == "post",
                   _due(now()), not_(_behind_an_earlier_post()))
            .order_by(col(Outbox.id)).limit(1)
        ).first()


def next_due(rt: Runtime) -> datetime | None:
    """When the next row waiting for its time (a backoff, Retry-After) will be due."""
    with session_scope(rt.engine) as session:
        t = session.exec(_NEXT_DUE).one()
    return aware(t)


# built once: the sender asks after each claim that left room (bot/sender.py)
_NEXT_DUE = select(func.min(Outbox.next_attempt_at)).where(Outbox.status == PENDING, not_(_behind_an_earlier_post()))


def wake_channel(session: Session, *, team_id: str, channel: str) -> int:
    """The bot was invited to `channel`: retry what waited for it at once."""
    stmt = (
        update(Outbox)
        .where(
            col(Outbox.team_id) == team_id,
            col(Outbox.channel) == channel,
            col(Outbox.status) == PENDING,
            col(Outbox.last_error).in_(WAIT_FOR_INVITE),
        )
        .values(next_attempt_at=now())
        .execution_options(synchronize_session=False)
    )
    return session.exec(stmt).rowcount


@dataclass
class _Attempt:
    """One try at a claimed row, carried from the claim to the bookkeeping after Slack's answer."""

    row_id: int
    token: str  # the claim's: every write of this attempt is conditioned on it
    kind: str
    team_id: str
    key: str
    channel: str | None
    attempts: int  # this one included
    in_doubt_since: datetime | None
    lookup_from: str | None
    made_doubt: bool = False  # this attempt's own outcome was unknown until Slack answered
    in_flight_since: datetime | None = None  # its post went to Slack then, and Slack did not refuse it
    posted: tuple[str | None, str | None] | None = None  # (channel, ts) of the message that is the post


def client_without_retries(rt: Runtime, team_id: str) -> WebClient:
    """The workspace's client without slack_sdk's automatic retries: the outbox keeps its own account
    of attempts, and a blind retry of a post whose answer was lost would post it twice (LookupError when
    Truce is not installed there)."""
    base = rt.client_for(team_id)
    return WebClient(token=base.token, base_url=base.base_url, timeout=base.timeout, retry_handlers=[])


def _deliver_one(rt: Runtime, row_id: int) -> Result:
    with session_scope(rt.engine) as session:
        attempt = _claim(session, row_id)
        if attempt is None:
            row = session.get(Outbox, row_id)
            if row is not None and row.status == PENDING:  # not due yet, or behind an earlier post
                return Result(row_id, "queued", row.last_error or "waiting")
            return Result(row_id, "skipped")  # taken (or finished) by another sender
    return attempt_claimed(rt, attempt)


def attempt_claimed(rt: Runtime, attempt: _Attempt) -> Result:
    """One try at a row this sender claimed (`_claim`, or bot/outbox_batch.claim)."""
    return guarded(rt, attempt, lambda: _attempt(rt, attempt))


def guarded(rt: Runtime, attempt: _Attempt, step: Callable[[], _R]) -> _R | Result:
    """`step` of a claimed row's attempt: an attempt that outlived its claim hands over what it did
    (`_lost`); an unexpected failure is a failed attempt (a row that keeps failing fails for good)."""
    try:
        try:
            return step()
        except ClaimLost:
            raise
        except Exception:
            log.exception("outbox row %s: unexpected failure while sending", attempt.row_id)
            return _retry_later(rt, attempt, "internal_error", None)
    except ClaimLost:
        return _lost(rt, attempt)


def not_installed(rt: Runtime, attempt: _Attempt) -> Result:
    """The workspace uninstalled Truce: nothing can be sent there any more."""
    with session_scope(rt.engine) as session:
        return _finish(_owned(session, attempt), FAILED, "failed", "not_installed")


def _attempt(rt: Runtime, attempt: _Attempt) -> Result:
    """One try at a claimed row."""
    if attempt.attempts > MAX_ATTEMPTS and attempt.in_doubt_since is None:
        return _give_up(rt, attempt)
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        plan = _prepare(session, row)
        if isinstance(plan, Result):
            return plan
        method, kwargs = plan
    try:
        client = client_without_retries(rt, attempt.team_id)
    except LookupError:
        return not_installed(rt, attempt)
    if attempt.in_doubt_since is not None:
        already = _already_posted(rt, client, attempt, attempt.in_doubt_since, kwargs.get("thread_ts"))
        if already is not None:
            return already
        if attempt.attempts > MAX_ATTEMPTS:  # not in Slack: the row fails rather than posting again
            return _give_up(rt, attempt)
    if method == "chat_postMessage":
        _mark_in_doubt(rt, attempt)  # from here until Slack answers, the post may exist unknown to us
    else:
        _keep(rt, attempt)
    try:
        response = getattr(client, method)(**kwargs)
    except SlackApiError as exc:
        return _failed_call(rt, attempt, exc)
    except Exception as exc:  # network trouble or a timeout: Slack may be fine a moment later
        return _retry_later(rt, attempt, type(exc).__name__, None)
    return _sent(rt, attempt, response.get("channel"), response.get("ts"))


def _already_posted(rt: Runtime, client: WebClient, attempt: _Attempt, since: datetime,
                    thread_ts: str | None) -> Result | None:
    """An earlier attempt got no answer (since `since`): if Slack applied it, that message is the post
    (no second copy). The Result when the row is settled (found, or Slack cannot say yet), None to post it.
    The claim is renewed before each page, with how far the search got (a 429 resumes there)."""
    if attempt.channel is None:  # only a post is ever in doubt (an update is not looked for), and it has one
        raise ValueError(f"outbox row {attempt.row_id} is in doubt without a channel")
    try:
        found = outbox_history.find(client, key=attempt.key, channel=attempt.channel,
                                    since=since, thread_ts=thread_ts, resume=attempt.lookup_from,
                                    step=lambda checked: _keep(rt, attempt, lookup_from=checked))
    except ClaimLost:
        raise
    except SlackApiError as exc:
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if exc.response.status_code == 429 or exc.response.status_code >= 500 or error in WAIT_FOR_INVITE:
            return _failed_call(rt, attempt, exc)
        # Slack refuses to show the history (e.g. missing_scope): posting again is better than losing it.
        log.warning("outbox row %s: cannot look for an earlier copy (%s); posting", attempt.row_id, error)
        return None
    except Exception as exc:
        return _retry_later(rt, attempt, type(exc).__name__, None)
    if not found.ts:
        return None
    attempt.posted = (found.channel, found.ts[0])
    outbox_history.remove_extra(client, found, step=lambda: _keep(rt, attempt))
    log.info("outbox row %s: Slack had applied an unanswered post (%s); not posting again",
             attempt.row_id, found.ts[0])
    return _sent(rt, attempt, found.channel, found.ts[0])


def _mark_in_doubt(rt: Runtime, attempt: _Attempt) -> None:
    """Right before the post (the claim renewed): a copy may exist from now on; a search of the
    history for it starts afresh (a new copy would be newer than where an earlier search got)."""
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt, lookup_from=None)
        if row.in_doubt_since is None:
            row.in_doubt_since = now()
            attempt.made_doubt = True
    attempt.in_flight_since = now()


def _answered(row: Outbox, attempt: _Attempt) -> None:
    """Slack answered that nothing was posted: the doubt this attempt raised is gone (not an earlier one)."""
    if attempt.made_doubt:
        row.in_doubt_since = None


def _sent(rt: Runtime, attempt: _Attempt, channel: str | None, ts: str | None) -> Result:
    if attempt.in_flight_since is not None:
        attempt.posted = (channel, ts)
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        row.status, row.sent_at, row.last_error, row.claimed_until = SENT, now(), None, None
        row.posted_channel, row.posted_ts, row.in_doubt_since, row.lookup_from = channel, ts, None, None
        return Result(attempt.row_id, "sent", channel=channel, ts=ts)


def _prepare(session: Session, row: Outbox) -> tuple[str, dict[str, Any]] | Result:
    """The Slack call for a claimed row, or the Result when it cannot (yet) be sent."""
    payload: dict[str, Any] = {"text": row.text}
    if row.blocks:
        payload["blocks"] = row.blocks
    if row.kind == "post":
        if row.thread_parent_id is not None:
            parent = session.get_one(Outbox, row.thread_parent_id)
            if parent.status != SENT:
                return _wait_for(session, row, parent)
            payload["thread_ts"] = parent.posted_ts
        return post_call(key=row.key, channel=row.channel, text=row.text, blocks=row.blocks,
                         thread_ts=payload.get("thread_ts"))
    target = session.get_one(Outbox, row.target_id)
    newer = session.exec(
        select(col(Outbox.id)).where(
            Outbox.target_id == row.target_id, col(Outbox.id) > pk(row.id), Outbox.status != FAILED
        )
    ).first()
    if newer is not None:
        return _finish(row, SUPERSEDED, "skipped")
    if target.status == PENDING and target.in_doubt_since is None:
        # Not posted yet: post the newest content in the first place (if it is still unclaimed).
        # A post in doubt may be in Slack already, as it was; the history check takes that message
        # as it is, so the update waits for it and then changes that message.
        merged = session.exec(
            update(Outbox)
            .where(col(Outbox.id) == target.id, col(Outbox.status) == PENDING,
                   col(Outbox.in_doubt_since).is_(None))
            .values(text=row.text, blocks=row.blocks)
            .execution_options(synchronize_session=False)
        ).rowcount
        if merged == 1:
            return _finish(row, SUPERSEDED, "skipped")
        session.refresh(target)
    if target.status != SENT:
        return _wait_for(session, row, target)
    return "chat_update", {"channel": target.posted_channel, "ts": target.posted_ts, **payload}


def post_call(*, key: str, channel: str | None, text: str, blocks: list[dict[str, Any]] | None,
              thread_ts: str | None = None) -> tuple[str, dict[str, Any]]:
    """The Web API call that posts an outbox row: its key is stamped on the message (metadata), so
    a post whose answer was lost is found in the history (bot/outbox_history.py)."""
    kwargs: dict[str, Any] = {"channel": channel, "unfurl_links": False, "metadata": outbox_history.stamp(key),
                              "text": text}
    if blocks:
        kwargs["blocks"] = blocks
    if thread_ts is not None:
        kwargs["thread_ts"] = thread_ts
    return "chat_postMessage", kwargs


def _wait_for(session: Session, row: Outbox, other: Outbox) -> Result:
    if other.status in (FAILED, SUPERSEDED):
        return _finish(row, FAILED, "failed", f"depends on outbox row {other.id} ({other.status})")
    row.status, row.claimed_until = PENDING, None
    row.attempts -= 1  # waiting for another row is not a failed attempt
    row.next_attempt_at = max(aware(other.next_attempt_at), now()) + timedelta(seconds=1)
    return Result(pk(row.id), "queued", "waiting")


def _finish(row: Outbox, status: str, result: str, error: str | None = None) -> Result:
    row.status, row.claimed_until, row.last_error = status, None, error
    if status == FAILED:
        log.error("outbox row %s (%s) failed for good: %s", row.id, row.key, error)
    return Result(pk(row.id), result, error)


def _failed_call(rt: Runtime, attempt: _Attempt, exc: SlackApiError) -> Result:
    status = exc.response.status_code
    error = (exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else None
    if status < 500:  # Slack answered: nothing was posted
        attempt.in_flight_since = None
    if status == 429:
        return _rate_limited(rt, attempt, exc)
    if status >= 500:  # Slack may or may not have done it
        return _retry_later(rt, attempt, f"http_{status}", None)
    if error in WAIT_FOR_INVITE:
        return _wait_for_invite(rt, attempt, error)
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        _answered(row, attempt)
        return _finish(row, FAILED, "failed", error or f"http_{status}")


def _rate_limited(rt: Runtime, attempt: _Attempt, exc: SlackApiError) -> Result:
    """Slack asks to wait: not a failed attempt. The row (and the posts behind it into the same
    channel) goes out when Retry-After says."""
    wait = retry_after(exc.response.headers)
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        _answered(row, attempt)
        row.attempts -= 1
        row.status, row.claimed_until, row.last_error = PENDING, None, "ratelimited"
        row.next_attempt_at = now() + timedelta(seconds=wait)
        log.info("outbox row %s: rate limited in %s, sending in %ss", attempt.row_id, row.channel, wait)
        return Result(attempt.row_id, "queued", "ratelimited")


def _retry_later(rt: Runtime, attempt: _Attempt, error: str, delay: timedelta | None) -> Result:
    """No answer, or a 5xx: a failed attempt (MAX_ATTEMPTS of them fail the row), retried after a backoff."""
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        if attempt.attempts >= MAX_ATTEMPTS:
            return _finish(row, FAILED, "failed", f"{error} after {attempt.attempts} attempts")
        if delay is None:
            delay = min(timedelta(seconds=5 * 2 ** (attempt.attempts - 1)), MAX_BACKOFF)
        row.status, row.claimed_until, row.last_error = PENDING, None, error
        row.next_attempt_at = now() + delay
        log.warning("outbox row %s: %s, retrying in %ss", attempt.row_id, error, int(delay.total_seconds()))
        return Result(attempt.row_id, "queued", error)


def _wait_for_invite(rt: Runtime, attempt: _Attempt, error: str) -> Result:
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        _answered(row, attempt)
        if now() - aware(row.created_at) > WAIT_FOR_INVITE_FOR:
            return _finish(row, FAILED, "failed", error)
        row.status, row.claimed_until, row.last_error = PENDING, None, error
        row.next_attempt_at = now() + INVITE_RETRY
        row.attempts -= 1  # waiting for an invite is not a failed attempt
        log.warning("outbox row %s: %s in %s; kept until Truce is invited", attempt.row_id, error, row.channel)
        return Result(attempt.row_id, "queued", error, channel=row.channel)


def _give_up(rt: Runtime, attempt: _Attempt) -> Result:
    """MAX_ATTEMPTS attempts ended without an outcome (the process died, or could not record it):
    the row fails for good and its channel's later posts go on."""
    with session_scope(rt.engine) as session:
        row = _owned(session, attempt)
        row.attempts -= 1  # this claim tried nothing
        return _finish(row, FAILED, "failed", f"{row.last_error or 'no outcome'} after {row.attempts} attempts"[:255])


def lost(rt: Runtime, attempt: _Attempt) -> Result:
    """See `_lost` (for bot/outbox_batch)."""
    return _lost(rt, attempt)


def _lost(rt: Runtime, attempt: _Attempt) -> Result:
    """This attempt outlived its claim (its process stalled for longer than CLAIM_FOR): the row is
    another sender's now, or finished. Nothing of this attempt is written over that. A message it
    may have posted is handed over: a row not sent yet is made to look for it in the history first
    (and whoever holds the row loses its claim, so it cannot post without looking); a row sent as
    another message loses this copy; a row failed meanwhile is this message."""
    log.warning("outbox row %s: the claim expired mid-attempt; the row is another sender's now", attempt.row_id)
    if attempt.kind != "post" or (attempt.posted is None and attempt.in_flight_since is None):
        return Result(attempt.row_id, "skipped", "claim_lost")  # nothing of it is in Slack
    channel, ts = attempt.posted or (None, None)
    since = min(t for t in (attempt.in_doubt_since, attempt.in_flight_since) if t is not None)
    with session_scope(rt.engine) as session:
        handed = session.exec(
            update(Outbox)
            .where(col(Outbox.id) == attempt.row_id, col(Outbox.status).in_((PENDING, SENDING)))
            .values(status=PENDING, claim_token=None, claimed_until=None, lookup_from=None,
                    in_doubt_since=case((or_(col(Outbox.in_doubt_since).is_(None),
                                             col(Outbox.in_doubt_since) > since), since),
                                        else_=col(Outbox.in_doubt_since)))
            .execution_options(synchronize_session=False)
        ).rowcount
        if not handed and ts is not None:
            session.exec(
                update(Outbox).where(col(Outbox.id) == attempt.row_id, col(Outbox.status) == FAILED)
                .values(status=SENT, sent_at=now(), last_error=None, posted_channel=channel, posted_ts=ts)
                .execution_options(synchronize_session=False)
            )
        row = session.get_one(Outbox, attempt.row_id)
        kept = row.posted_ts if row.status == SENT else None
    if handed:
        log.warning("outbox row %s: handed over in doubt; it is looked for in Slack before it is posted",
                    attempt.row_id)
    elif channel is not None and ts is not None and kept != ts:
        try:
            outbox_history.delete(client_without_retries(rt, attempt.team_id), channel, ts)
        except LookupError:  # uninstalled meanwhile: the copy cannot be removed any more
            log.error("outbox row %s: could not delete the copy %s in %s", attempt.row_id, ts, channel)
    elif ts is None:
        log.warning("outbox row %s: sent as %s; an unanswered post of the lost attempt may be a copy",
                    attempt.row_id, kept)
    return Result(attempt.row_id, "skipped", "claim_lost")


# --- messages that are not kept ---------------------------------------------------------


def send_ephemeral(client: WebClient, *, channel: str, user: str, text: str, blocks: Any = None) -> bool:
    """An ephemeral note to one person; falls back to a DM when the channel refuses it."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=_dicts(blocks) or None)
        return True
    except SlackApiError as exc:
        log.info("ephemeral to %s in %s refused (%s); sending a DM", user, channel, exc.response.get("error"))
    try:
        client.chat_postMessage(channel=user, text=text, blocks=_dicts(blocks) or None)
        return True
    except SlackApiError as exc:
        log.error("could not reach %s at all: %s", user, exc.response.get("error"))
        return False
