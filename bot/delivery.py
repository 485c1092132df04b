"""The outbox: durable, idempotent, rate-limit-aware posting to Slack.

A post is queued in the same transaction as the data that caused it (`queue_post`,
`queue_update`), sent right after commit (`deliver`), and retried by the scheduled job
(`deliver_due`) when Slack answered 429, 5xx or did not answer. A row is claimed
atomically before it is sent, so two processes never send the same row twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.clock import aware, now
from bot.db import session_scope
from bot.models import Outbox

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPERSEDED = "pending", "sending", "sent", "failed", "superseded"
CLAIM_FOR = timedelta(seconds=60)
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


def _dicts(blocks: Any) -> list[dict[str, Any]]:
    if not blocks:
        return []
    return [b if isinstance(b, dict) else b.to_dict() for b in blocks]


def _add(session: Session, row: Outbox) -> Outbox:
    existing = session.exec(select(Outbox).where(Outbox.team_id == row.team_id, Outbox.key == row.key)).first()
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another transaction queued the same key first: one post, not two
        existing = session.exec(
            select(Outbox).where(Outbox.team_id == row.team_id, Outbox.key == row.key)
        ).one()
        return existing
    session.info.setdefault("outbox_ids", []).append(row.id)
    return row


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
    return _add(
        session,
        Outbox(
            team_id=team_id,
            key=key or f"post:{uuid.uuid4().hex}",
            kind="post",
            channel=channel,
            text=text,
            blocks=_dicts(blocks),
            thread_parent_id=thread_parent.id if thread_parent else None,
            ref=ref,
        ),
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
    return _add(
        session,
        Outbox(
            team_id=target.team_id,
            key=key or f"update:{target.id}:{uuid.uuid4().hex}",
            kind="update",
            target_id=target.id,
            text=text,
            blocks=_dicts(blocks),
            ref=target.ref,
        ),
    )


def outcome(session: Session) -> list[Result]:
    """What delivery did with the posts a finished `Runtime.session()` queued."""
    return list(session.info.get("delivery", []))


def any_queued(results: list[Result]) -> bool:
    return any(r.status == "queued" for r in results)


# --- sending ---------------------------------------------------------------------------


def _claim(session: Session, row_id: int) -> bool:
    t = now()
    stmt = (
        update(Outbox)
        .where(
            Outbox.id == row_id,
            or_(
                and_(Outbox.status == PENDING, Outbox.next_attempt_at <= t),
                and_(Outbox.status == SENDING, Outbox.claimed_until < t),
            ),
        )
        .values(status=SENDING, claimed_until=t + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    return session.exec(stmt).rowcount == 1


def deliver(rt, ids: list[int]) -> list[Result]:
    """Send these outbox rows now, each once; rows already taken elsewhere are skipped."""
    results = []
    for row_id in ids:
        try:
            results.append(_deliver_one(rt, row_id))
        except Exception:  # one row's fault must not keep the others from going out
            log.exception("outbox row %s: unexpected failure while sending", row_id)
            results.append(Result(row_id, "queued", "internal_error"))
    return results


def deliver_due(rt, *, limit: int = 100) -> list[Result]:
    """The retry job: send whatever is due (or whose sender died mid-way)."""
    t = now()
    with session_scope(rt.engine) as session:
        ids = session.exec(
            select(Outbox.id)
            .where(
                or_(
                    and_(Outbox.status == PENDING, Outbox.next_attempt_at <= t),
                    and_(Outbox.status == SENDING, Outbox.claimed_until < t),
                )
            )
            .order_by(Outbox.id)
            .limit(limit)
        ).all()
    return deliver(rt, list(ids))


def wake_channel(session: Session, *, team_id: str, channel: str) -> int:
    """The bot was invited to `channel`: retry what waited for it at once."""
    stmt = (
        update(Outbox)
        .where(
            Outbox.team_id == team_id,
            Outbox.channel == channel,
            Outbox.status == PENDING,
            Outbox.last_error.in_(WAIT_FOR_INVITE),
        )
        .values(next_attempt_at=now())
        .execution_options(synchronize_session=False)
    )
    return session.exec(stmt).rowcount


def _deliver_one(rt, row_id: int) -> Result:
    with session_scope(rt.engine) as session:
        if not _claim(session, row_id):
            return Result(row_id, "skipped")
    with session_scope(rt.engine) as session:
        row = session.get(Outbox, row_id)
        plan = _prepare(session, row)
        if isinstance(plan, Result):
            return plan
        method, kwargs = plan
        row.attempts += 1
        attempts, team_id = row.attempts, row.team_id
    try:
        client = rt.client_for(team_id)
    except LookupError:  # the workspace uninstalled Truce: nothing can be sent there any more
        with session_scope(rt.engine) as session:
            return _finish(session.get(Outbox, row_id), FAILED, "failed", "not_installed")
    try:
        response = getattr(client, method)(**kwargs)
    except SlackApiError as exc:
        return _failed_call(rt, row_id, exc, attempts)
    except Exception as exc:  # network trouble or a timeout: Slack may be fine a moment later
        return _retry_later(rt, row_id, type(exc).__name__, attempts, None)
    with session_scope(rt.engine) as session:
        row = session.get(Outbox, row_id)
        row.status, row.sent_at, row.last_error, row.claimed_until = SENT, now(), None, None
        row.posted_channel = response.get("channel")
        row.posted_ts = response.get("ts")
        return Result(row_id, "sent", channel=row.posted_channel, ts=row.posted_ts)


def _prepare(session: Session, row: Outbox) -> tuple[str, dict[str, Any]] | Result:
    """The Slack call for a claimed row, or the Result when it cannot (yet) be sent."""
    payload: dict[str, Any] = {"text": row.text}
    if row.blocks:
        payload["blocks"] = row.blocks
    if row.kind == "post":
        if row.thread_parent_id is not None:
            parent = session.get(Outbox, row.thread_parent_id)
            if parent.status != SENT:
                return _wait_for(session, row, parent)
            payload["thread_ts"] = parent.posted_ts
        return "chat_postMessage", {"channel": row.channel, "unfurl_links": False, **payload}
    target = session.get(Outbox, row.target_id)
    newer = session.exec(
        select(Outbox.id).where(
            Outbox.target_id == row.target_id, Outbox.id > row.id, Outbox.status != FAILED
        )
    ).first()
    if newer is not None:
        return _finish(row, SUPERSEDED, "skipped")
    if target.status == PENDING:
        # Not posted yet: post the newest content in the first place (if it is still unclaimed).
        merged = session.exec(
            update(Outbox)
            .where(Outbox.id == target.id, Outbox.status == PENDING)
            .values(text=row.text, blocks=row.blocks)
            .execution_options(synchronize_session=False)
        ).rowcount
        if merged == 1:
            return _finish(row, SUPERSEDED, "skipped")
        session.refresh(target)
    if target.status != SENT:
        return _wait_for(session, row, target)
    return "chat_update", {"channel": target.posted_channel, "ts": target.posted_ts, **payload}


def _wait_for(session: Session, row: Outbox, other: Outbox) -> Result:
    if other.status in (FAILED, SUPERSEDED):
        return _finish(row, FAILED, "failed", f"depends on outbox row {other.id} ({other.status})")
    row.status, row.claimed_until = PENDING, None
    row.next_attempt_at = max(aware(other.next_attempt_at) or now(), now()) + timedelta(seconds=1)
    return Result(row.id, "queued", "waiting")


def _finish(row: Outbox, status: str, result: str, error: str | None = None) -> Result:
    row.status, row.claimed_until, row.last_error = status, None, error
    if status == FAILED:
        log.error("outbox row %s (%s) failed for good: %s", row.id, row.key, error)
    return Result(row.id, result, error)


def _failed_call(rt, row_id: int, exc: SlackApiError, attempts: int) -> Result:
    status = exc.response.status_code
    error = (exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else None
    if status == 429:
        retry_after = int(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)))
        return _retry_later(rt, row_id, "ratelimited", attempts, timedelta(seconds=retry_after))
    if status >= 500:
        return _retry_later(rt, row_id, f"http_{status}", attempts, None)
    if error in WAIT_FOR_INVITE:
        return _wait_for_invite(rt, row_id, error)
    with session_scope(rt.engine) as session:
        return _finish(session.get(Outbox, row_id), FAILED, "failed", error or f"http_{status}")


def _retry_later(rt, row_id: int, error: str, attempts: int, delay: timedelta | None) -> Result:
    with session_scope(rt.engine) as session:
        row = session.get(Outbox, row_id)
        if attempts >= MAX_ATTEMPTS:
            return _finish(row, FAILED, "failed", f"{error} after {attempts} attempts")
        if delay is None:
            delay = min(timedelta(seconds=5 * 2 ** (attempts - 1)), MAX_BACKOFF)
        row.status, row.claimed_until, row.last_error = PENDING, None, error
        row.next_attempt_at = now() + delay
        log.warning("outbox row %s: %s, retrying in %ss", row_id, error, int(delay.total_seconds()))
        return Result(row_id, "queued", error)


def _wait_for_invite(rt, row_id: int, error: str) -> Result:
    with session_scope(rt.engine) as session:
        row = session.get(Outbox, row_id)
        if now() - aware(row.created_at) > WAIT_FOR_INVITE_FOR:
            return _finish(row, FAILED, "failed", error)
        row.status, row.claimed_until, row.last_error = PENDING, None, error
        row.next_attempt_at = now() + INVITE_RETRY
        row.attempts -= 1  # waiting for an invite is not a failed attempt
        log.warning("outbox row %s: %s in %s; kept until Truce is invited", row_id, error, row.channel)
        return Result(row_id, "queued", error, channel=row.channel)


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
