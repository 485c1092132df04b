"""`python -m bench.acks` — how fast Truce answers Slack under load, beside a bare Bolt app on the same
server (its floor), measured in one run.

Three kinds of process, as in production: the Slack emulator (here, in this process, which does
nothing else while a load runs), the server — Truce as deployed (`python -m bot serve`: waitress,
its scheduler and outbox sender on) or the floor (bench/bare_bolt.py: the same slack_bolt and
waitress with the same threads, listeners that only `ack()`) — and closed-loop senders: N threads
spread over a few processes, each sending signed requests back to back on a new connection and
timing each until the whole answer is read. Per kind of request and number of senders, Truce and
then the floor get the very same requests (signed afresh), each after Slack has gone quiet (no
Web API call for a second: the background work of the load before is done).

Kinds: `/intel <text>` (a share: stored, then posted to two channels), `/unhappy <text>` (a report:
stored, then its alert), a button (Useful under a share, each click a new voter) and a view
submission (the /intel share modal, each with its own text). Each row gives p50/p99/max of the
answered requests, answers a second, and how many requests Slack would have shown as failed
(no 200 within 3 s: late, refused, or none within `--timeout`).

`--rate R` makes the load open instead: the senders together send R requests a second whatever the
answers take, as people do (a closed loop sends faster the faster it is answered, so an app that answers
before doing the work sees more load than it can do, and its work backs up).

Truce answers a slash command before running it (bot/accepted.py): its answer reaches the person through
the command's response_url a moment later. Each command row is then followed by when that answer was
shown (the emulator times each response_url message), beside the floor's HTTP answer.

    python -m bench.acks [--senders 20 100 200] [--requests 600] [--kinds intel unhappy button view] [--rate R]
                         [--databases sqlite postgresql] [--py-spy DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import random
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.measure import (
    bare_bolt,
    databases,
    emit,
    free_port,
    ms,
    pct,
    ratio,
    serve_env,
    stamp,
    truce,
)

SLACK_WAITS = 3.0  # seconds: past this Slack shows the person an error
KINDS = ("intel", "unhappy", "button", "view")
SHARES = 10  # shares the Useful clicks go to


# --- the senders (processes of their own) --------------------------------------------------------


def _sign(secret: str, ts: str, body: str) -> str:
    import hashlib
    import hmac

    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()


# What an answer that refuses the request says (a form's errors, the notes of a command it could not take).
REFUSALS = (b'"response_action": "errors"', b'"response_action":"errors"', b":warning:", b":thinking_face:")


Result = tuple[float | None, int, bool, float, str]


def send(url: str, secret: str, body: str, timeout: float) -> Result:
    """POST one signed request on a new connection: (seconds until the answer was read, status,
    whether the answer refused it, the wall-clock time it was sent, its response_url); the first three
    (None, 0, False) when none came within `timeout` or the connection failed."""
    response_url = (parse_qs(body).get("response_url") or [""])[0]
    sent_at = time.time()
    parts = urlsplit(url)
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": _sign(secret, ts, body), "Connection": "close"}
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    began = time.perf_counter()
    try:
        conn.request("POST", parts.path, body=body.encode(), headers=headers)
        response = conn.getresponse()
        answer = response.read()
        return time.perf_counter() - began, response.status, any(r in answer for r in REFUSALS), sent_at, response_url
    except OSError:
        return None, 0, False, sent_at, response_url
    finally:
        conn.close()


def _sender_process(conn, url: str, secret: str, threads: int, bodies: list[str], start_at: float,
                    timeout: float, interval: float | None = None) -> None:
    results: list[Result] = []
    lock = threading.Lock()

    def one_sender(mine: list[str]) -> None:
        if interval is None:  # closed loop: the next request as soon as the answer is read
            out = [send(url, secret, body, timeout) for body in mine]
        else:  # open loop: one request every `interval` seconds, whenever the answers come
            out, first = [], time.monotonic() + random.uniform(0, interval)
            for k, body in enumerate(mine):
                time.sleep(max(0.0, first + k * interval - time.monotonic()))
                out.append(send(url, secret, body, timeout))
        with lock:
            results.extend(out)

    workers = [threading.Thread(target=one_sender, args=(bodies[n::threads],)) for n in range(threads)]
    time.sleep(max(start_at - time.time(), 0))
    began = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    conn.send((results, time.perf_counter() - began))


def blast(url: str, secret: str, bodies: list[str], senders: int, *, timeout: float, processes: int = 4,
          rate: float | None = None) -> dict:
    """`senders` closed-loop senders share `bodies` (each sends its part back to back); with `rate`, open
    loop instead: together they send `rate` requests a second, whatever the answers take."""
    ctx = mp.get_context("spawn")
    procs = max(1, min(processes, senders))
    start_at = time.time() + 1.5  # every process up before the first request
    pipes, children = [], []
    for n in range(procs):
        threads = senders // procs + (1 if n < senders % procs else 0)
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_sender_process, daemon=True,
                           args=(child, url, secret, threads, bodies[n::procs], start_at, timeout,
                                 senders / rate if rate else None))
        proc.start()
        pipes.append(parent)
        children.append(proc)
    results: list[Result] = []
    elapsed = 0.0
    for parent in pipes:
        got, took = parent.recv()
        results += got
        elapsed = max(elapsed, took)
    for proc in children:
        proc.join(10)
    answered = [t for t, status, *_ in results if t is not None and status == 200]
    return {
        "sent": [(sent_at, url) for t, status, _, sent_at, url in results if t is not None and status == 200 and url],
        "requests": len(results), "answered": len(answered),
        "p50_ms": ms(pct(answered, 0.5)), "p99_ms": ms(pct(answered, 0.99)),
        "max_ms": ms(max(answered)) if answered else None,
        "per_second": round(len(answered) / elapsed, 1) if elapsed else None,
        "unanswered_in_3s": sum(1 for t, status, *_ in results if t is None or status != 200 or t > SLACK_WAITS),
        "not_200": sum(1 for t, status, *_ in results if t is not None and status != 200),
        "refused": sum(1 for _, _, refused, *_ in results if refused),
        "seconds": round(elapsed, 2),
    }


# --- what Slack sends ----------------------------------------------------------------------------


class Requests:
    """Bodies of the four kinds, as Slack sends them, against the emulator `emu` (in this process)."""

    def __init__(self, emu, voters: list[str]):
        from bot.sandbox.seed import MARIA, MARK, MARKETING, SALES, SALLY, SAM

        self.emu, self.voters = emu, voters
        self.sharers = [(MARK, MARKETING), (MARIA, MARKETING), (SAM, SALES), (SALLY, SALES)]
        self.reporters = [(SAM, SALES), (SALLY, SALES)]
        self.serial = 0
        self.clicks = 0  # Useful clicks so far: each is a (share, voter) pair not clicked before
        self.shares: list = []  # posts in #sales with a Useful button
        self.view: dict | None = None  # the /intel share modal as Slack shows it

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def command(self, user: str, channel: str, command: str, text: str) -> str:
        st = self.emu.primary
        return urlencode({
            "token": "unused", "team_id": st.team_id, "team_domain": st.domain, "channel_id": channel,
            "channel_name": st.channels[channel].name, "user_id": user, "user_name": st.users[user].name,
            "command": command, "text": text, "api_app_id": "A0TRUCE", "is_enterprise_install": "false",
            "response_url": self.emu.issue_response_url(user=user, channel=channel),
            "trigger_id": self.emu.issue_trigger(user),
        })

    def _payload(self, payload: dict) -> str:
        return urlencode({"payload": json.dumps(payload)})

    def _who(self, user: str) -> dict:
        st = self.emu.primary
        return {"id": user, "username": st.users[user].name, "name": st.users[user].name, "team_id": st.team_id}

    def intel(self) -> str:
        n = self._next()
        user, channel = self.sharers[n % len(self.sharers)]
        return self.command(user, channel, "/intel", f"#pricing Rival{n} cut list prices by {n % 40 + 5}% vs:Acme")

    def unhappy(self) -> str:
        n = self._next()
        user, channel = self.reporters[n % len(self.reporters)]
        return self.command(user, channel, "/unhappy", f"Customer{n}: invoices are wrong again !high")

    def button(self) -> str:
        """Useful under one of the shares, by a voter who has not voted on it yet."""
        from bench import product
        from bot.sandbox.driver import SlackDriver
        from bot.sandbox.driver_views import action_of

        n, self.clicks = self.clicks, self.clicks + 1
        message = self.shares[n % len(self.shares)]
        voter = self.voters[(n // len(self.shares)) % len(self.voters)]
        block, element = SlackDriver._find_element(message.blocks, product.useful_action_id(), None)
        st = self.emu.primary
        return self._payload({
            "type": "block_actions", "team": {"id": st.team_id, "domain": st.domain}, "user": self._who(voter),
            "api_app_id": "A0TRUCE", "token": "unused", "trigger_id": self.emu.issue_trigger(voter),
            "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel,
                          "is_ephemeral": False},
            "channel": {"id": message.channel, "name": st.channels[message.channel].name},
            "message": message.to_api(), "actions": [action_of(block, element)],
            "response_url": self.emu.issue_response_url(user=voter, channel=message.channel, message_ts=message.ts),
        })

    def view_submission(self) -> str:
        from bench import product
        from bot.sandbox.driver import SlackDriver
        from bot.sandbox.seed import MARK

        n = self._next()
        values = product.intel_modal_values(f"Rival{n} now bundles onboarding for free in every enterprise deal")
        st = self.emu.primary
        view = {**self.view, "state": {"values": SlackDriver._state(self.view, values)}}
        return self._payload({"type": "view_submission", "team": {"id": st.team_id, "domain": st.domain},
                              "user": self._who(MARK), "api_app_id": "A0TRUCE", "token": "unused",
                              "trigger_id": self.emu.issue_trigger(MARK), "view": view, "response_urls": []})

    def marketers_share(self, count: int) -> list[str]:
        """Shares by marketers: posted in #sales, where the Useful clicks come from."""
        from bot.sandbox.seed import MARIA, MARK, MARKETING

        return [self.command((MARK, MARIA)[n % 2], MARKETING, "/intel", f"#competitor Rival{n} hired a new VP of sales")
                for n in range(count)]

    def make(self, kind: str, count: int) -> list[str]:
        make = {"intel": self.intel, "unhappy": self.unhappy, "button": self.button, "view": self.view_submission}
        return [make[kind]() for _ in range(count)]

    def prepare(self, app_url: str, secret: str, shares: int = SHARES) -> None:
        """What the button and the view need from a running Truce: shares posted in #sales (their
        Useful buttons), and the share modal /intel opens."""
        from bench import product
        from bot.sandbox.seed import MARK, MARKETING, SALES

        for body in self.marketers_share(shares):
            send(app_url, secret, body, 10)
        useful = product.useful_action_id()
        wait_until(lambda: len(self._useful_posts(SALES, useful)) >= shares, 60)
        self.shares = self._useful_posts(SALES, useful)[-shares:]
        opened = len(self.emu.primary.views)
        send(app_url, secret, self.command(MARK, MARKETING, "/intel", ""), 10)
        wait_until(lambda: len(self.emu.primary.views) > opened, 30)
        with self.emu.primary.lock:
            self.view = list(self.emu.primary.views.values())[-1].view

    def _useful_posts(self, channel: str, useful: str) -> list:
        return [m for m in self.emu.primary.messages(channel)
                if any(e.get("action_id") == useful for b in m.blocks for e in b.get("elements", []))]


def wait_until(condition, within: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def quiet(emu, *, still: float = 1.0, within: float = 300) -> float:
    """Wait until Slack has had no Web API call for `still` seconds; seconds waited."""
    began = time.monotonic()
    last, since = len(emu.primary.calls), time.monotonic()
    while time.monotonic() - began < within:
        time.sleep(0.1)
        now_calls = len(emu.primary.calls)
        if now_calls != last:
            last, since = now_calls, time.monotonic()
        elif time.monotonic() - since >= still:
            break
    return time.monotonic() - began


# --- py-spy ------------------------------------------------------------------------------------


class Spy:
    """py-spy recording a process (all threads, idle ones too, raw stacks) until stopped."""

    def __init__(self, pid: int, out: Path, rate: int = 250):
        exe = shutil.which("py-spy") or str(Path(__import__("sys").executable).parent / "py-spy")
        self.out = out
        self.proc = subprocess.Popen([exe, "record", "-p", str(pid), "-o", str(out), "--format", "raw",
                                      "--threads", "--idle", "--rate", str(rate), "--nonblocking"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- the run -----------------------------------------------------------------------------------


def run(args) -> list[dict]:
    from bench import product
    from bot.sandbox.emulator import SlackEmulator
    from bot.sandbox.seed import BOT_TOKEN, seed_env, seed_state
    from bot.sandbox.state import User

    emit("run", stamp())
    state = seed_state()
    voters = [f"UV{n:05d}" for n in range(args.requests * len(args.senders) // SHARES + 10)]
    for v in voters:
        state.add_user(User(v, f"voter{v[2:]}", f"Voter {v[2:]}"))
    emu = SlackEmulator(state).start()
    threads = args.threads or product.web_threads_default()
    secret = secrets.token_hex(16)
    workdir = Path(tempfile.mkdtemp(prefix="truce-acks-"))
    floor_env = serve_env(api_url=emu.api_url, secret=secret, port=free_port(), database_url="unused",
                          token=BOT_TOKEN)
    floor = bare_bolt(floor_env, workdir, threads).start()
    rows: list[dict] = []
    try:
        with databases(args.databases, args.postgres_url) as each:
            for name, url in each:
                env = serve_env(api_url=emu.api_url, secret=secret, port=free_port(), database_url=url,
                                token=BOT_TOKEN, extra={**seed_env(), "TRUCE_WEB_THREADS": str(threads)})
                server = truce(env, workdir, f"truce-{name}").start()
                try:
                    requests = Requests(emu, voters)
                    requests.prepare(server.url, secret)
                    for body in requests.make("intel", args.warmup):  # warm caches and pools
                        send(server.url, secret, body, args.timeout)
                    for kind in args.kinds:
                        for senders in args.senders:
                            rows.append(_cell(args, emu, requests, server, floor, secret, name, kind, senders))
                finally:
                    server.stop()
    finally:
        floor.stop()
        emu.stop()
        if args.keep:
            print(f"logs in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return rows


def _cell(args, emu, requests: Requests, server, floor, secret: str, name: str, kind: str, senders: int) -> dict:
    per_sender = max(1, args.requests // senders)
    bodies = requests.make(kind, senders * per_sender)
    quiet(emu, still=args.still)
    spy = None
    if args.py_spy and kind in args.profile_kinds and senders in args.profile_senders:
        args.py_spy.mkdir(parents=True, exist_ok=True)
        spy = Spy(server.pid, args.py_spy / f"acks-{name}-{kind}-{senders}.txt")
    said_before = _said(emu)
    try:
        mine = blast(server.url, secret, bodies, senders, timeout=args.timeout, rate=args.rate)
    finally:
        if spy is not None:
            spy.stop()
    drained = quiet(emu, still=args.still)
    # Truce answers a command before running it (bot/accepted.py): its answer then reaches the person
    # through the response_url, after the HTTP answer. Counted here, refusals included.
    said_after = _said(emu)
    mine["said_through_response_url"] = said_after[0] - said_before[0]
    mine["refused"] += said_after[1] - said_before[1]
    mine.update(_shown(emu, mine.pop("sent")))
    base = blast(floor.url, secret, bodies, senders, timeout=args.timeout, rate=args.rate)
    if base.pop("sent"):  # the floor's answer is its HTTP answer, shown as it arrives
        base.update(shown_p50_ms=base["p50_ms"], shown_p99_ms=base["p99_ms"], never_shown=0)
    return emit("acks", {
        "database": name, "kind": kind, "senders": senders, "requests": mine["requests"], "rate": args.rate,
        "truce": mine, "floor": base,
        "ratio_p50": ratio(mine["p50_ms"], base["p50_ms"]), "ratio_p99": ratio(mine["p99_ms"], base["p99_ms"]),
        "ratio_per_second": ratio(base["per_second"], mine["per_second"]),
        "ratio_shown_p99": ratio(mine.get("shown_p99_ms"), base.get("shown_p99_ms")),
        "background_done_after_s": round(drained, 1),
    })


def _shown(emu, sent: list[tuple[float, str]]) -> dict:
    """When each command's answer was first shown to its person: its HTTP answer, or (Truce answers a
    command before running it: bot/accepted.py) the first message its response_url received, whichever
    came first; p50/p99 of seconds from sending, and how many commands were never shown an answer."""
    if not sent:
        return {}
    contexts = {key: ctx for st in emu.workspaces.values() for key, ctx in list(st.responses.items())}
    shown = []
    for sent_at, url in sent:
        at = (contexts.get(url.rsplit("/", 1)[-1]) or {}).get("said_at") or []
        shown.append(at[0] - sent_at if at else None)
    seen = [s for s in shown if s is not None]
    return {"shown_p50_ms": ms(pct(seen, 0.5)), "shown_p99_ms": ms(pct(seen, 0.99)),
            "never_shown": sum(1 for s in shown if s is None)}


def _said(emu) -> tuple[int, int]:
    """(messages every response_url received so far, how many of them refused the request)."""
    said = [body for st in emu.workspaces.values() for ctx in list(st.responses.values())
            for body in ctx.get("said", [])]
    refused = sum(1 for body in said if any(r.decode() in json.dumps(body) for r in REFUSALS))
    return len(said), refused


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.acks", description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, nargs="+", default=[20, 100, 200])
    parser.add_argument("--requests", type=int, default=600, help="requests per kind and load (shared by the senders)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--rate", type=float, help="open loop: requests a second from all senders together (default: "
                        "closed loop, each sender's next request as soon as its answer is read)")
    parser.add_argument("--warmup", type=int, default=20, help="/intel shares sent first (untimed)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds a sender waits for an answer")
    parser.add_argument("--still", type=float, default=1.0,
                        help="seconds without a Web API call that count as Slack gone quiet")
    parser.add_argument("--threads", type=int, help="the servers' request threads (default: Truce's TRUCE_WEB_THREADS)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    parser.add_argument("--py-spy", type=Path, help="record Truce with py-spy (raw stacks) into this folder")
    parser.add_argument("--profile-kinds", nargs="+", default=["intel", "unhappy"])
    parser.add_argument("--profile-senders", type=int, nargs="+", default=[20])
    parser.add_argument("--keep", action="store_true", help="keep the servers' logs")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
