"""`python -m bench.anatomy` — what one request costs Truce, counted rather than timed under load.

Truce's runtime and app (bot.runtime, bot.app.build_app, its WSGI app) run in this process, its
outbox sender on, against the Slack emulator; requests of each kind (bench.acks.Requests: `/intel`,
`/unhappy`, a Useful click, the /intel modal's submission) are handed to the WSGI app one at a time,
as waitress would hand them, each after the last one's background work is done. Per request: the
time until the answer (unloaded: one request at a time), the transactions and SQL statements on the
thread that answers, those run afterwards (background work, the outbox), and the Web API calls it
led to. The bare Bolt app (bench/bare_bolt.py) answers the same requests the same way: the floor.

    python -m bench.anatomy [--requests 20] [--databases sqlite postgresql]
"""

from __future__ import annotations

import argparse
import io
import statistics
import threading
import time
from collections import Counter

from sqlalchemy import event

from bench.acks import KINDS, Requests, _sign, quiet
from bench.measure import databases, emit, ms, ratio, stamp


class Counts:
    """Transactions and statements, on the answering thread and elsewhere."""

    def __init__(self, engine):
        self.answering: int | None = None
        self.tally: Counter[str] = Counter()
        self.lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", lambda conn: self._add("commit"))
        event.listen(engine, "rollback", lambda conn: self._add("rollback"))
        _direct(self)

    def _add(self, what: str) -> None:
        where = "answering" if threading.get_ident() == self.answering else "after"
        with self.lock:
            self.tally[f"{where}_{what}"] += 1

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._add("statements")
        if statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT")):
            self._add(statement.split()[0].lower())

    def take(self) -> Counter[str]:
        with self.lock:
            taken, self.tally = self.tally, Counter()
        return taken


def _direct(counts: Counts) -> None:
    """Count bot.db_direct's statements too (the accepted request's INSERT: one statement, its own
    transaction), which run on the driver's connection where the engine's events do not see them."""
    from bot import db_direct

    insert_new = getattr(db_direct.insert_new, "__wrapped__", db_direct.insert_new)

    def counted(*args, **kwargs):
        counts._add("statements")
        counts._add("commit")
        return insert_new(*args, **kwargs)

    counted.__wrapped__ = insert_new  # type: ignore[attr-defined]
    db_direct.insert_new = counted


def call(wsgi, secret: str, body: str) -> tuple[float, str, bytes]:
    """Hand one signed request to a WSGI app as a server would; seconds until the answer is built."""
    ts = str(int(time.time()))
    raw = body.encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "", "SERVER_NAME": "bench",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(raw), "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "CONTENT_LENGTH": str(len(raw)), "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
               "HTTP_X_SLACK_SIGNATURE": _sign(secret, ts, body), "HTTP_HOST": "bench"}
    status: list[str] = []
    began = time.perf_counter()
    result = wsgi(environ, lambda s, headers, exc_info=None: status.append(s))
    answer = b"".join(result)
    took = time.perf_counter() - began
    if hasattr(result, "close"):
        result.close()  # the response is sent: the work handed over starts
    return took, status[0], answer


def run(name: str, url: str, count: int, kinds: list[str]) -> list[dict]:
    from bench import bare_bolt, product
    from bot.app import build_app
    from bot.runtime import build_runtime
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import BOT_TOKEN, seed_env, seed_state
    from bot.sandbox.state import User

    state = seed_state()
    voters = [f"UV{n:05d}" for n in range(count + 10)]
    for v in voters:
        state.add_user(User(v, f"voter{v[2:]}", f"Voter {v[2:]}"))
    emu = SlackEmulator(state).start()
    secret = "bench-anatomy"
    product_settings = product.settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret,
                                        SLACK_API_URL=emu.api_url, SLACK_APP_TOKEN=None, DATABASE_URL=url,
                                        TRUCE_RUN_SCHEDULER="false", LOG_LEVEL="WARNING",
                                        **{k: v for k, v in seed_env().items()})
    from bot.db import make_engine

    engine = make_engine(url)
    product.migrate(engine)
    engine.dispose()
    rt = build_runtime(product_settings, name=f"bench-anatomy-{name}")
    rows = []
    try:
        product.bootstrap(rt)
        rt.start_sender()
        wsgi = product.wsgi(rt, build_app(rt))
        floor = bare_bolt.build(BOT_TOKEN, secret, emu.api_url)
        counts = Counts(rt.engine)
        requests = Requests(emu, voters)
        _prepare(requests, wsgi, secret, emu, counts)
        for kind in kinds:
            seen: list[dict] = []
            for body in requests.make(kind, count):
                quiet(emu, still=0.3)
                counts.take()
                calls_before = len(emu.primary.calls)
                counts.answering = threading.get_ident()
                took, status, _ = call(wsgi, secret, body)
                quiet(emu, still=0.3)
                tally = counts.take()
                methods = Counter(m for m, _ in emu.primary.calls[calls_before:])
                seen.append({"took": took, "status": status, "tally": tally, "methods": methods})
            floor_took = [call(floor, secret, body)[0] for body in requests.make(kind, count)]
            rows.append(emit("anatomy", _row(name, kind, seen, floor_took)))
    finally:
        rt.shutdown(timeout=10)
        rt.engine.dispose()
        emu.stop()
    return rows


def _prepare(requests: Requests, wsgi, secret: str, emu, counts: Counts) -> None:
    """The shares to click Useful on and the modal to submit, made through the WSGI app."""
    from bench import product
    from bench.acks import SHARES, wait_until
    from bot.sandbox.seed import MARK, MARKETING, SALES

    for body in requests.marketers_share(SHARES):
        call(wsgi, secret, body)
    useful = product.useful_action_id()
    wait_until(lambda: len(requests._useful_posts(SALES, useful)) >= SHARES, 60)
    requests.shares = requests._useful_posts(SALES, useful)[-SHARES:]
    opened = len(emu.primary.views)
    call(wsgi, secret, requests.command(MARK, MARKETING, "/intel", ""))
    wait_until(lambda: len(emu.primary.views) > opened, 30)
    requests.view = list(emu.primary.views.values())[-1].view
    quiet(emu, still=0.5)
    counts.take()


def _row(name: str, kind: str, seen: list[dict], floor_took: list[float]) -> dict:
    def mean(key: str) -> float:
        return round(statistics.mean(s["tally"][key] for s in seen), 1)

    methods: Counter[str] = Counter()
    for s in seen:
        methods.update(s["methods"])
    took = [s["took"] for s in seen]
    return {
        "database": name, "kind": kind, "requests": len(seen), "statuses": sorted({s["status"] for s in seen}),
        "answer_median_ms": ms(statistics.median(took), 2),
        "floor_answer_median_ms": ms(statistics.median(floor_took), 2),
        "ratio": ratio(statistics.median(took), statistics.median(floor_took), 1),
        "answering": {"transactions": mean("answering_commit") + mean("answering_rollback"),
                      "statements": mean("answering_statements"), "savepoints": mean("answering_savepoint")},
        "after": {"transactions": mean("after_commit") + mean("after_rollback"),
                  "statements": mean("after_statements")},
        "web_api_calls": {m: round(n / len(seen), 1) for m, n in methods.most_common()},
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.anatomy", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests of each kind")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    args = parser.parse_args(argv)
    emit("run", stamp())
    rows: list[dict] = []
    with databases(args.databases, args.postgres_url) as each:
        for name, url in each:
            rows += run(name, url, args.requests, args.kinds)
    return rows


if __name__ == "__main__":
    main()
