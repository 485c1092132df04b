"""Accepted requests: a slash command or a click is stored as Slack sent it, answered at once, and run
right after the answer.

Slack waits at most 3 seconds for an answer, and under load an answer that does the work itself (the
share, its posts, Block Kit, the vote's tally) queues behind every other one. So for the two kinds
whose answer carries nothing Slack needs at once — a slash command (its message can come through its
`response_url`, as Slack's documentation recommends for anything slower than a moment) and a
`block_actions` click (Slack ignores the body of its answer) — the answer only stores the verified
body (one INSERT, committed: "accepted means stored") and is an empty 200. The same process then runs
the stored request through the app, exactly as if it were being answered (`bot.app.TruceApp.replay`):
the listeners are unchanged, and what a command's listener acknowledged with becomes the first message
of its response_url, before any follow-up. A form (`view_submission`) whose errors can all be found
without writing is checked in its answer and then run the same way (bot/accepted_forms.py). Other forms,
menus' options and events are still answered by their listeners, since their answers carry what Slack
needs (a form's errors, the options) or are handled once by their own means (bot/event_once.py).

Its work is done once: a request's row goes from pending to ran in the same transaction as the first thing its
run writes, and only once that commits (`bot.request_path.replaying`, `bot.db.session_scope`), and only while
the run still holds its claim; a run that lost its claim to a later one rolls that write back and says nothing.
Its answer is kept in the row until said (ran -> done). A request whose process died is claimed again when its
claim lapses (`run_stale`, every few seconds where the scheduler runs): run again if still pending, its answer
said if it ran. One handed to the worker process that died before it said it was done with it is taken up the
same way at once, by the web process (`take_over`, from bot/worker.py). Slack delivering the same request twice
(the same trigger_id) stores it once. Only a listener's first writing transaction is covered: listeners of
commands and clicks keep their writes in one. When storing fails, the request is answered the usual way (its
listener, a friendly note), unless on PostgreSQL, after a lost connection, a second try finds it stored after
all (the first INSERT committed and its answer was lost): then it runs once, as accepted.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltRequest, BoltResponse
from slack_sdk.http_retry import ConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient
from sqlalchemy import ColumnElement, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, col, select

from bot import accepted_forms, db_direct, delivery, request_path, slack_body
from bot.clock import aware, now
from bot.db import is_postgres, one_read, session_scope, table_of
from bot.errors import typed_back, typed_in
from bot.group_commit import GroupCommit
from bot.models import AcceptedRequest
from bot.request_path import Superseded

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

PENDING, RAN, DONE, FAILED = "pending", "ran", "done", "failed"
COMMAND, BLOCK_ACTIONS, VIEW = "command", "block_actions", "view_submission"
# A run takes milliseconds; a request still pending this long after its claim was given is run again
# (by any replica). A slow first run that then tries to write finds it taken and writes nothing.
CLAIM_FOR = timedelta(seconds=20)
MAX_ATTEMPTS = 5
# A click not run by then is dropped rather than run late: newer clicks of the same person have run since.
CLICK_MAX_AGE = timedelta(minutes=2)
KEEP_DONE = timedelta(days=1)  # rows kept after running: Slack's repeated delivery of one is still one
RESPONSE_TIMEOUT = 10  # seconds, as every other Slack call


def kind_of(rt: Runtime, request: BoltRequest) -> str | None:
    """COMMAND, BLOCK_ACTIONS or VIEW (a form with a check: bot/accepted_forms.py) when the request can be
    answered before it is run, else None: it is then
    answered the usual way, e.g. another workspace's request to a single-workspace Truce (refused at once,
    nothing stored), or a body a database's text cannot hold (a NUL character)."""
    body = request.body
    if rt.installations is None and request.context.get("team_id") != rt.team_id:
        return None
    if "\x00" in (request.raw_body or ""):
        return None
    if body.get("command") and body.get("trigger_id"):
        return COMMAND
    if body.get("type") == BLOCK_ACTIONS and isinstance(body.get("trigger_id"), str) and body["trigger_id"]:
        return BLOCK_ACTIONS
    if (body.get("type") == VIEW and isinstance(body.get("trigger_id"), str) and body["trigger_id"]
            and accepted_forms.accepts(rt, body)):
        return VIEW
    return None


def accept(rt: Runtime, request: BoltRequest, kind: str, content_type: str) -> tuple[int, str] | None:
    """Store the request (committed before this returns, with the others arriving meanwhile: one
    transaction for all, `bot.group_commit`). (id, claim token) to run it with, or None when Slack
    delivered this very request before (it is stored, and runs once)."""
    team_id = str(request.context.get("team_id") or "")
    token = uuid.uuid4().hex
    t = now()
    row = {"key": f"{team_id}:{kind}:{request.body['trigger_id']}"[:255], "team_id": team_id[:32], "kind": kind,
           "content_type": content_type[:64], "body": request.raw_body, "status": PENDING, "attempts": 1,
           "claim_token": token, "claimed_until": t + CLAIM_FOR, "received_at": t}
    try:
        stored = _storer(rt.engine).submit(row)
    except Exception as failed:
        # SQLite's statement commits in this process: failed means not stored. On PostgreSQL only a lost
        # connection can leave it stored unbeknown (any other error: not stored, answered the usual way).
        if not is_postgres(rt.engine) or not _disconnected(rt.engine, failed):
            raise
        try:
            stored = _store_again(rt.engine, row)
        except Exception:
            log.warning("storing accepted request %s again failed too", row["key"], exc_info=True)
            raise failed from None
    return (stored, token) if stored is not None else None


def _disconnected(engine: Engine, error: Exception) -> bool:
    """A connection lost (or not made): SQLAlchemy's errors, or the driver's own (bot/db_direct.py runs on it)."""
    dbapi = engine.dialect.loaded_dbapi
    return isinstance(error, (OperationalError, InterfaceError, dbapi.OperationalError, dbapi.InterfaceError))


def _store_again(engine: Engine, row: dict[str, Any]) -> int | None:
    """PostgreSQL: the INSERT failed, or it committed and its answer was lost (the connection dropped at the
    commit) — answering the usual way then would run the request twice, once there and once when its stored
    row's claim lapses. So it is stored once more, on another connection: a row the first attempt stored, or
    is still storing (PostgreSQL makes the second wait for the first to end), is a conflict and nothing is
    added; its claim token then says whose it is — this answer's (its id: run as accepted) or an earlier
    delivery's (None: it runs once, there)."""
    [stored] = _store(engine, [row])
    if stored is not None:
        return stored
    # Its key is stored. Whose it is cannot be found out: it runs from its row once its claim lapses
    # (`run_stale`), never also here.
    try:
        with session_scope(engine, read_only=True) as session:
            found = session.exec(select(AcceptedRequest.id, AcceptedRequest.claim_token)
                                 .where(AcceptedRequest.key == row["key"])).first()
    except Exception:
        log.warning("accepted request %s is stored; whose, unknown: run when its claim lapses", row["key"],
                    exc_info=True)
        return None
    if found is None or found[1] != row["claim_token"]:
        return None
    log.warning("accepted request %s was stored although storing it failed (its answer was lost)", row["key"])
    return found[0]


_storers: weakref.WeakKeyDictionary[Engine, GroupCommit[dict[str, Any], int | None]] = weakref.WeakKeyDictionary()
_storers_lock = threading.Lock()


def _storer(engine: Engine) -> GroupCommit[dict[str, Any], int | None]:
    """The engine's group commit. It holds its engine weakly: a value of a WeakKeyDictionary that held its key
    would keep it (and its pool) for ever."""
    with _storers_lock:
        storer = _storers.get(engine)
        if storer is None:
            ref = weakref.ref(engine)
            storer = _storers[engine] = GroupCommit(lambda rows: _store(_alive(ref), rows))
        return storer


def _alive(ref: weakref.ReferenceType[Engine]) -> Engine:
    engine = ref()
    if engine is None:  # not while anyone stores with it: `accept` holds the runtime, which holds the engine
        raise RuntimeError("the engine of an accepted request is gone")
    return engine


def _store(engine: Engine, rows: Sequence[dict[str, Any]]) -> list[int | None]:
    """One INSERT of the requests, each skipped when its key is stored already; the id of each one stored
    (None for the others, and for a second copy of one key in the same batch: Slack's retry of a request
    arriving beside it). On the driver's connection, a statement of its own (bot/db_direct.py): this is
    the one write every answer waits for."""
    stored = {key: row_id for row_id, key in db_direct.insert_new(engine, table_of(AcceptedRequest), rows,
                                                                   unique=("key",), returning=("id", "key"))}
    return [stored.pop(row["key"], None) for row in rows]


class _Run:
    """One run of an accepted request, as its claim's holder (`bot.request_path.Consume`)."""

    def __init__(self, accepted_id: int, token: str) -> None:
        self.id, self.token = accepted_id, token
        self.consumed = self.superseded = self.broke = False

    def claim(self, session: Session) -> None:
        if not _mark(session, self.id, self.token, PENDING, RAN):
            self.superseded = True
            raise Superseded(f"accepted request {self.id} is run by a later claim")

    def committed(self) -> None:
        self.consumed = True

    def failed(self) -> None:
        self.broke = True


def _mark(session: Session, accepted_id: int, token: str, was: str, status: str, **values: Any) -> bool:
    """Move the request from `was` to `status` while `token` holds its claim, renewing the claim (once it
    is over its body and answer are dropped: what was typed is not kept)."""
    if status in (DONE, FAILED):
        values.update(body="", answer=None, done_at=now())
    result = session.exec(
        update(AcceptedRequest)
        .where(col(AcceptedRequest.id) == accepted_id, col(AcceptedRequest.claim_token) == token,
               col(AcceptedRequest.status) == was)
        .values(status=status, claimed_until=now() + CLAIM_FOR, **values))
    return bool(result.rowcount)


def _finish(rt: Runtime, accepted_id: int, token: str, was: str, status: str = DONE, **values: Any) -> bool:
    with _bookkeeping(rt) as session:
        return _mark(session, accepted_id, token, was, status, **values)


def _finish_telling(rt: Runtime, accepted_id: int, token: str, was: str, status: str, team_id: str,
                    body: dict[str, Any], text: str) -> bool:
    """`_finish`, with `text` queued in the same transaction as a DM to whoever sent the form: the outbox
    posts it once (Slack limiting, failing or answering late included), and a run taken up again after a
    crash queues the same post, not a second one."""
    user_id = accepted_forms.sender_of(body)
    with rt.session() as session:  # committed, then the outbox sends it
        if not _mark(session, accepted_id, token, was, status):
            return False
        if user_id is not None:
            delivery.queue_post(session, team_id=team_id, channel=user_id, text=text, key=f"accepted:{accepted_id}")
    return True


@contextmanager
def _bookkeeping(rt: Runtime) -> Iterator[Session]:
    """A unit of work that only records how far a run got. On PostgreSQL its commit does not wait for the
    disk: lost in a database crash, the row is only found one step behind (its claim lapsing, its answer
    said once more, or the note that it was stored), never its work undone or done twice (the work's own
    transaction, with the request's first write, is committed durably)."""
    with session_scope(rt.engine) as session:
        if rt.engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql("SET LOCAL synchronous_commit TO off")
        yield session


def run(rt: Runtime, accepted_id: int, token: str) -> None:
    """Run an accepted request through the app, as its claim's holder; then say its answer.

    pending -> (its first write, in that write's transaction) ran -> (its answer kept, then said) done. A
    request that writes nothing (help, a refusal, an error already said) goes from pending to done once its
    answer is said: run again after a crash, it only says it again. An answer that cannot be said yet (its
    response_url failing) is left for `run_stale` to say again."""
    mine = (col(AcceptedRequest.id) == accepted_id, col(AcceptedRequest.claim_token) == token,
            col(AcceptedRequest.status) == PENDING)
    with one_read(rt.engine) as session:
        row = session.exec(select(AcceptedRequest).where(*mine)).first()
    if row is None:
        return  # run already, or claimed since by another run
    if aware(row.claimed_until) - now() < CLAIM_FOR / 2:  # it waited in the queue: its claim renewed before it runs
        with _bookkeeping(rt) as session:
            if not session.exec(update(AcceptedRequest).where(*mine).values(claimed_until=now() + CLAIM_FOR)
                                ).rowcount:
                return
    if rt.replay is None:
        raise RuntimeError("no app to run accepted requests with (build_app sets rt.replay)")
    kind, content_type, raw, team_id = row.kind, row.content_type, row.body, row.team_id
    request = slack_body.bolt_request({"CONTENT_TYPE": content_type}, raw.encode("utf-8"))
    this = _Run(accepted_id, token)
    response, after = rt.replay(request, this)
    said, note = True, None
    try:
        if this.superseded:
            return
        if kind == VIEW and this.broke and not this.consumed:
            # Closed as if saved, so not given back with a "try again": run again once its claim lapses
            # (`run_stale`), and after MAX_ATTEMPTS the person gets what they typed.
            said = False
        elif kind == VIEW:  # a form closed by its answer: what its run could not show in it, said in a DM
            note = accepted_forms.note_of(request.body, response)
        elif (answer := answer_of(request.body, response) if kind == COMMAND else None) is not None:
            if this.consumed:  # kept until said: a process dying now leaves it to be said by the next
                _finish(rt, accepted_id, token, RAN, RAN, answer=json.dumps(answer))
            said = _post(request.body.get("response_url"), answer)
    finally:  # what it handed over starts once its answer is said, whatever happened to that answer
        request_path.run_all(after)
    if note is not None:
        _finish_telling(rt, accepted_id, token, RAN if this.consumed else PENDING, DONE, team_id, request.body, note)
    elif said:
        _finish(rt, accepted_id, token, RAN if this.consumed else PENDING)


def answer_of(body: dict[str, Any], response: BoltResponse) -> dict[str, Any] | None:
    """What the command's listener acknowledged with, as its response_url's first message (Slack shows
    a plain-text or JSON ack the same way); None when it said nothing. An answer that is not a 200
    becomes a friendly note with what was typed."""
    if response.status == 200:
        if not response.body:
            return None
        ctype = (response.headers.get("content-type") or [""])[0]
        payload = json.loads(response.body) if ctype.startswith("application/json") else {"text": response.body}
        if not (payload.get("text") or payload.get("blocks")):
            return None
    else:
        log.error("command %s answered %s: %s", body.get("command"), response.status, response.body[:200])
        payload = {"text": ":warning: Sorry, Truce could not handle that just now. Please try again in a moment."
                           + typed_back(typed_in(body))}
    payload.setdefault("response_type", "ephemeral")
    return payload


def _post(response_url: str | None, payload: dict[str, Any]) -> bool:
    """POST to a response_url (a dropped connection or a 5xx tried once more). False when it failed (a 429
    included: said again at the next claim, rather than a thread held for whatever Retry-After says)."""
    if not response_url:
        return True
    try:
        sent = WebhookClient(response_url, timeout=RESPONSE_TIMEOUT, retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1), ServerErrorRetryHandler(max_retry_count=1)]
        ).send_dict(payload)
    except Exception as exc:
        log.warning("response_url failed: %r", exc)
        return False
    if sent.status_code >= 500 or sent.status_code == 429:
        log.warning("response_url answered %s: %s", sent.status_code, (sent.body or "")[:200])
        return False
    if sent.status_code != 200:  # Slack refuses it for good (expired, used up): saying it again would not help
        log.warning("response_url answered %s: %s", sent.status_code, (sent.body or "")[:200])
    return True


def run_stale(rt: Runtime, *, limit: int = 100) -> int:
    """The accepted requests whose claim lapsed (their process died, or was held up), each claimed afresh
    so that at most one run writes: one still pending is run again; one that ran (its work is stored) but
    whose answer was not said gets it said — the answer kept from its run, or a note that it was stored.
    A click older than CLICK_MAX_AGE is not run any more (the person has moved on; newer clicks ran), and a
    command is given up after MAX_ATTEMPTS claims, the person told with what they typed. Returns how many
    were taken up. Runs where the scheduler runs (`TRUCE_RUN_SCHEDULER`), every few seconds."""
    t = now()
    with session_scope(rt.engine, read_only=True) as session:
        ids = [i for i in session.exec(select(AcceptedRequest.id).where(
            col(AcceptedRequest.status).in_((PENDING, RAN)), col(AcceptedRequest.claimed_until) < t)
            .order_by(col(AcceptedRequest.claimed_until)).limit(limit)) if i is not None]
    return sum(_take_up(rt, accepted_id, col(AcceptedRequest.claimed_until) < t) for accepted_id in ids)


def take_over(rt: Runtime, accepted_id: int, token: str) -> bool:
    """Take up a request at once from a run known to be gone — the worker process it was handed to with
    `token` died before saying it was done with it (bot/worker.py) — rather than when its claim lapses: claimed
    afresh only if `token` still holds it (so never from a run still alive elsewhere, and never twice), then
    handled as `run_stale` handles it. False when it was not that token's any more (run, or taken up)."""
    return _take_up(rt, accepted_id, col(AcceptedRequest.claim_token) == token)


def take_over_all(rt: Runtime, handed: Sequence[tuple[int, str]]) -> None:
    """`take_over` each (id, token), in this process's pool for accepted requests."""
    for accepted_id, token in handed:
        rt.run_accepted(take_over, rt, accepted_id, token)


def _take_up(rt: Runtime, accepted_id: int, held: ColumnElement[bool]) -> bool:
    """Claim one pending or ran request afresh where `held` (its claim lapsed, or held by a run that is gone),
    then run it again if pending, or say its answer if it ran. True when it was claimed here."""
    t = now()
    token = uuid.uuid4().hex
    with session_scope(rt.engine) as session:
        claimed = session.exec(
            update(AcceptedRequest)
            .where(col(AcceptedRequest.id) == accepted_id, col(AcceptedRequest.status).in_((PENDING, RAN)), held)
            .values(claim_token=token, claimed_until=now() + CLAIM_FOR, attempts=col(AcceptedRequest.attempts) + 1)
            .returning(col(AcceptedRequest.status), col(AcceptedRequest.attempts), col(AcceptedRequest.kind),
                       col(AcceptedRequest.received_at), col(AcceptedRequest.body),
                       col(AcceptedRequest.answer), col(AcceptedRequest.team_id))).first()
    if claimed is None:
        return False  # another replica or run took it, or it is done
    status, attempts, kind, received_at, raw, answer, team_id = claimed
    try:
        if status == RAN:
            _say_late(rt, accepted_id, token, raw, answer, last=attempts > MAX_ATTEMPTS)
        elif kind == BLOCK_ACTIONS and aware(received_at) < t - CLICK_MAX_AGE:
            _finish(rt, accepted_id, token, PENDING, FAILED)
            log.warning("accepted click %s not run: %s old", accepted_id, t - received_at)
        elif attempts > MAX_ATTEMPTS:
            _give_up(rt, accepted_id, token, raw, team_id)
        else:
            run(rt, accepted_id, token)
    except Exception:
        log.exception("accepted request %s failed (attempt %s); tried again in %s s", accepted_id, attempts,
                      CLAIM_FOR.total_seconds())
    return True


def _body_of(raw: str) -> dict[str, Any]:
    """The stored body as Bolt reads it ({} for one that no longer reads)."""
    try:
        return slack_body.bolt_request({"CONTENT_TYPE": "application/x-www-form-urlencoded"}, raw.encode()).body
    except Exception:
        return {}


def _command_of(raw: str) -> dict[str, Any]:
    """The stored body's slash command fields ({} for anything else)."""
    body = _body_of(raw)
    return body if body.get("command") else {}


def _say_late(rt: Runtime, accepted_id: int, token: str, raw: str, answer: str | None, *, last: bool) -> None:
    """Its work is stored but its answer was not said (its process stopped, or its response_url failed):
    say it now — the answer its run kept, or, when the process stopped before keeping it, that it was
    stored. Done once said, or after MAX_ATTEMPTS."""
    body = _command_of(raw)
    if body:
        payload = json.loads(answer) if answer else {"response_type": "ephemeral", "text": (
            ":inbox_tray: Truce stored this, then restarted before it could confirm it. Check that it did "
            "what you expected." + typed_back(typed_in(body), intro="What you typed:"))}
        if not _post(body.get("response_url"), payload) and not last:
            return  # said again at the next claim
    _finish(rt, accepted_id, token, RAN)


def _give_up(rt: Runtime, accepted_id: int, token: str, raw: str, team_id: str) -> None:
    body = _body_of(raw)
    if body.get("type") == VIEW:  # nothing typed is lost: the form's fields come back in a DM
        if _finish_telling(rt, accepted_id, token, PENDING, FAILED, team_id, body, accepted_forms.given_up(body)):
            log.error("accepted form %s given up after %s attempts", accepted_id, MAX_ATTEMPTS)
        return
    if not _finish(rt, accepted_id, token, PENDING, FAILED):
        return
    log.error("accepted request %s given up after %s attempts", accepted_id, MAX_ATTEMPTS)
    if body.get("command"):
        _post(body.get("response_url"), {"response_type": "ephemeral", "text": (
            ":warning: Sorry, Truce could not handle that: it failed several times on its side. Please try again "
            "later; if it keeps happening, tell your Slack admin." + typed_back(typed_in(body)))})


def forget_done(rt: Runtime) -> int:
    """Remove requests run more than KEEP_DONE ago."""
    with session_scope(rt.engine) as session:
        result = session.exec(delete(AcceptedRequest).where(
            col(AcceptedRequest.status).in_((DONE, FAILED)), col(AcceptedRequest.received_at) < now() - KEEP_DONE))
    return int(result.rowcount or 0)
