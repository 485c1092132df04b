"""How fast `/intel <text>` is acknowledged with many people sharing at once, in HTTP mode.

Separate processes, as in production: the Slack emulator (Slack), Truce serving HTTP (its runtime and
app built as `python -m bot serve` builds them, served by the standard library's server of the tests,
not waitress), and the senders: N of them (threads spread over a few processes),
each sending signed slash commands one after the other (a closed loop, no pause) and timing each
until Slack would have its answer (the HTTP response to the slash command).
After the last command, the time until every share's posts are in Slack is measured too."""

from __future__ import annotations

import http.client
import multiprocessing as mp
import random
import secrets
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

from bot.sandbox.driver import sign
from bot.sandbox.seed import MARIA, MARK, SALLY, SAM

SENDERS = {SAM: "CSALES1", SALLY: "CSALES1", MARK: "CMKTG01", MARIA: "CMKTG01"}
TEXTS = ["#pricing Acme cut list prices by 20% for new logos vs:Acme",
         "#competitor Globex hired our former VP of sales vs:Globex",
         "#customer Hooli's CFO wants quarterly billing",
         "#trend Buyers ask for usage-based pricing in every deal",
         "Initech is bundling onboarding for free vs:Initech"]


def _emulator(conn, count: int) -> None:
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import seed_state

    emu = SlackEmulator(seed_state()).start()
    people = list(SENDERS)
    urls = [(people[n % len(people)], emu.issue_response_url(user=people[n % len(people)],
                                                             channel=SENDERS[people[n % len(people)]]))
            for n in range(count)]
    conn.send({"api_url": emu.api_url, "responses": urls})
    conn.recv()
    with emu.state.lock:
        posted = {c.name: len(c.messages) for c in emu.state.channels.values() if not c.is_im}
        ephemerals = len(emu.state.ephemerals)
    conn.send({"posted": posted, "ephemerals": ephemerals})
    emu.stop()


def _app(conn, api_url: str, database_url: str, secret: str) -> None:
    import logging

    from sqlmodel import func, select

    from bot import migrate
    from bot.app import build_app
    from bot.bootstrap import bootstrap
    from bot.config import load_settings
    from bot.db import session_scope
    from bot.http_server import HttpServer
    from bot.models import Outbox
    from bot.runtime import build_runtime
    from bot.sandbox.seed import BOT_TOKEN, seed_env

    logging.basicConfig(level=logging.ERROR)
    settings = load_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url,
                             SLACK_APP_TOKEN=None, DATABASE_URL=database_url, TRUCE_RUN_SCHEDULER="false",
                             **seed_env())
    rt = build_runtime(settings, name="bench")
    migrate.upgrade(rt.engine)
    server = HttpServer(rt, build_app(rt), host="127.0.0.1", port=0).start()
    bootstrap(rt)
    conn.send(server.url + "/slack/events")
    expected = conn.recv()  # the senders are done: wait until every post is in Slack
    began = time.perf_counter()
    while True:
        with session_scope(rt.engine) as session:
            sent = session.exec(select(func.count()).select_from(Outbox).where(
                Outbox.status == "sent", Outbox.kind == "post", Outbox.ref.is_not(None))).one()
        if sent >= expected or time.perf_counter() - began > 600:
            break
        time.sleep(0.05)
    conn.send({"sent_posts": sent, "drain_seconds": round(time.perf_counter() - began, 2)})
    server.stop()


def _command(conn: http.client.HTTPConnection, path: str, secret: str, user: str, response_url: str,
             text: str) -> float:
    body = urlencode({
        "token": "unused", "team_id": "T0TRUCE", "team_domain": "truce-demo", "channel_id": SENDERS[user],
        "channel_name": "team", "user_id": user, "user_name": user.lower(), "command": "/intel", "text": text,
        "api_app_id": "A0TRUCE", "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": f"{random.randint(10**12, 10**13)}.{secrets.token_hex(6)}",
    })
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": sign(secret, ts, body), "Connection": "close"}
    began = time.perf_counter()
    conn.request("POST", path, body=body.encode(), headers=headers)
    response = conn.getresponse()
    response.read()
    took = time.perf_counter() - began
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"/intel answered {response.status}")
    return took


def _senders(conn, url: str, secret: str, threads: int, work: list[tuple[str, str]], start_at: float) -> None:
    """One sender process: `threads` senders, each sending its share of `work` back to back."""
    parts = urlsplit(url)
    per = [work[n::threads] for n in range(threads)]
    latencies: list[float] = []
    lock = threading.Lock()

    def sender(mine: list[tuple[str, str]]) -> None:
        out = []
        for user, response_url in mine:
            conn_ = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            out.append(_command(conn_, parts.path, secret, user, response_url, random.choice(TEXTS)))
        with lock:
            latencies.extend(out)

    workers = [threading.Thread(target=sender, args=(mine,)) for mine in per]
    time.sleep(max(start_at - time.time(), 0))
    began = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    conn.send((latencies, time.perf_counter() - began))


def run(database_url: str, *, senders: int = 20, per_sender: int = 40, warmup: int = 20,
        processes: int = 4) -> dict:
    ctx = mp.get_context("spawn")
    total = senders * per_sender + warmup
    emu_conn, emu_child = ctx.Pipe()
    emu_proc = ctx.Process(target=_emulator, args=(emu_child, total), daemon=True)
    emu_proc.start()
    setup = emu_conn.recv()
    secret = secrets.token_hex(16)
    app_conn, app_child = ctx.Pipe()
    app_proc = ctx.Process(target=_app, args=(app_child, setup["api_url"], database_url, secret), daemon=True)
    app_proc.start()
    url = app_conn.recv()
    responses = list(setup["responses"])
    warm, work = responses[:warmup], responses[warmup:]
    parts = urlsplit(url)
    for user, response_url in warm:
        _command(http.client.HTTPConnection(parts.hostname, parts.port, timeout=30), parts.path, secret, user,
                 response_url, random.choice(TEXTS))
    # The senders live in processes of their own (a few threads each), as Slack's requests come
    # from elsewhere: their own work must not slow the app down in its process.
    procs = max(1, min(processes, senders))
    start_at = time.time() + 2.0
    pipes, children = [], []
    for n in range(procs):
        threads = senders // procs + (1 if n < senders % procs else 0)
        mine = work[n::procs]
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_senders, args=(child, url, secret, threads, mine, start_at), daemon=True)
        proc.start()
        pipes.append(parent)
        children.append(proc)
    latencies: list[float] = []
    elapsed = 0.0
    for parent in pipes:
        got, took = parent.recv()
        latencies.extend(got)
        elapsed = max(elapsed, took)
    for proc in children:
        proc.join(10)
    posts_expected = 2 * total  # each sender is on one team: the other team's channel and the joint one
    app_conn.send(posts_expected)
    drained = app_conn.recv()
    emu_conn.send("stop")
    slack = emu_conn.recv()
    app_proc.join(10)
    emu_proc.join(10)
    latencies.sort()
    n = len(latencies)
    return {
        "database": database_url.split(":", 1)[0], "senders": senders, "commands": n,
        "acks_per_second": round(n / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p90_ms": round(latencies[int(n * 0.90) - 1] * 1000, 1),
        "p99_ms": round(latencies[int(n * 0.99) - 1] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "posts_delivered": drained["sent_posts"], "posts_expected": posts_expected,
        "all_posted_seconds_after_last_ack": drained["drain_seconds"],
        "ephemeral_confirmations": slack["ephemerals"],
    }
