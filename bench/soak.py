"""`python -m bench.soak` — signed requests into the real server while Slack fails 20 % of calls, and
a `kill -9` midway: does every request Truce accepted end up stored and posted exactly once?

The Slack emulator runs in this process with random faults on every Web API call
(`state.chaos`): a 429 with a Retry-After of 1-2 s, a 503, a hang (nothing done, no answer) and a
late answer (done, answered after the client gave up), evenly. Hangs and late answers last longer
than Truce's Web API time-out (`bot.runtime.SLACK_TIMEOUT`, 10 s). Truce runs as deployed,
`python -m bot serve` (waitress, its scheduler and outbox sender on), in a process group of its own.

Closed-loop senders (bench/soak_load.py) send `/intel`, `/unhappy` and Useful clicks, each with
unique words. Faults start once Truce is up; midway its whole process group is killed with
SIGKILL and started again (while the faults go on; a start that fails its checks, e.g. because
`auth.test` met a fault, is retried as a supervisor would). At the end the faults stop, and the
outbox is given time to drain (no pending or sending rows). Then each request is followed into the
database and the emulator's channels (bench/soak_tally.py). Exit code 1 when anything accepted
was lost, anything was posted twice, or anything was refused (every request comes from the bot
token's workspace, well formed), or when the outbox did not drain in time (posts still queued are
counted apart from lost ones: a channel the faults' 429s had paced goes at Slack's one a second).

    python -m bench.soak [--seconds 120] [--senders 4] [--rate 0.2]
    python -m bench.soak --database-url postgresql://postgres@127.0.0.1:5432/test   (a scratch database)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from bench.measure import unfinished
from bench.soak_load import Load, said_saved
from bench.soak_tally import table, tally
from bot.db import make_engine
from bot.models import Outbox
from bot.runtime import SLACK_TIMEOUT
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import ALERTS, BOT_TOKEN, JOINT, SALES, seed_env, seed_state

ROOT = Path(__file__).resolve().parent.parent
# What the server's log says the outbox did (bot/delivery.py, bot/outbox_history.py).
LOG_MARKS = {"found_after_doubt": "not posting again", "duplicates_deleted": "deleted a duplicate outbox post",
             "failed_for_good": "failed for good", "retried": "retrying in", "rate_limited": "rate limited in",
             "background_work_failed": "background work", "tracebacks": "Traceback"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m bot serve` in a process group of its own (so SIGKILL takes everything it started too)."""

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen | None = None
        self.failed_starts: list[str] = []  # why each start that did not get to serve stopped (its last log line)

    def start(self, within: float = 180) -> float:
        """Start it and wait until /healthz answers; a start that exits first is tried again. Seconds taken."""
        began = time.monotonic()
        while time.monotonic() - began < within:
            offset = self.log.stat().st_size if self.log.exists() else 0
            with self.log.open("a") as log:
                self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=self.env,
                                             stdout=log, stderr=log, start_new_session=True)
            while self.proc.poll() is None and time.monotonic() - began < within:
                try:
                    if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                        return time.monotonic() - began
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            self.failed_starts.append(self._last_line(offset))
            time.sleep(1)
        self.kill()
        raise RuntimeError(f"Truce did not start within {within:.0f} s; see {self.log}")

    def _last_line(self, offset: int) -> str:
        with self.log.open("rb") as log:
            log.seek(offset)
            lines = [ln.strip() for ln in log.read().decode(errors="replace").splitlines() if ln.strip()]
        said = [ln for ln in lines if "cannot start" in ln or "Error" in ln.split(":")[0] or ln.startswith(
            ("slack_bolt.error", "TimeoutError", "RuntimeError", "slack_sdk.errors"))]
        return (said or lines or ["(nothing logged)"])[-1][:200]

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        """SIGTERM, as a deploy stops it; SIGKILL if it has not exited after 60 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.kill()


def _outbox_states(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all())


def run(database_url: str, *, seconds: float, senders: int, rate: float, seed: int, pause: float,
        kill_at: float, drain_within: float, workdir: Path) -> dict:
    emulator = SlackEmulator(seed_state()).start()
    secret, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL", "LOG_LEVEL", "PORT"))}
    env.update(seed_env(), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=emulator.api_url,
               DATABASE_URL=database_url, PORT=str(port), LOG_LEVEL="INFO")
    server = Server(env, port, workdir / "truce.log")
    engine = None
    try:
        server.start()
        engine = make_engine(database_url)
        beyond = SLACK_TIMEOUT + 2  # a hang or a late answer outlasts the client's time-out
        emulator.state.chaos(rate, seed=seed, retry_after=(1, 2), hang=beyond, late=beyond)
        calls_before = len(emulator.state.calls)
        load = Load(app_url=f"http://127.0.0.1:{port}/slack/events", secret=secret, emulator=emulator,
                    senders=senders, pause=pause, seed=seed).start()
        began = time.monotonic()
        time.sleep(seconds * kill_at)
        server.kill()  # kill -9, the worker with it
        killed_at = time.monotonic() - began
        restart_seconds = server.start()
        time.sleep(max(seconds - (time.monotonic() - began), 0))
        load.stop()
        emulator.state.chaos(0)
        faults = sum(emulator.state.chaos_counts.values())
        calls_under_faults = len(emulator.state.calls) - calls_before
        posted_under_faults = sum(len(emulator.state.messages(c)) for c in (SALES, JOINT, ALERTS))
        unsent_when_faults_stopped = unfinished(engine)
        drain_began = time.monotonic()
        while unfinished(engine) and time.monotonic() - drain_began < drain_within:
            time.sleep(0.5)
        drained = unfinished(engine) == 0
        drain_seconds = time.monotonic() - drain_began
        time.sleep(2)  # anything that would still post has had its chance
        server.stop()
        said_saved(load.requests, emulator)
        rows = tally(load.requests, engine, emulator.state)
        outbox = _outbox_states(engine)
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()
        if engine is not None:
            engine.dispose()
        emulator.stop()
    log = server.log.read_text(errors="replace")
    kinds: dict[str, int] = {}
    for (_, kind), n in emulator.state.chaos_counts.items():
        kinds[kind] = kinds.get(kind, 0) + n
    return {
        "database": database_url.split(":", 1)[0].split("+")[0], "seconds": seconds, "senders": senders,
        "fault_rate": rate, "seed": seed, "pause": pause,
        "rows": [dataclasses.asdict(r) for r in rows],
        "web_api_calls": len(emulator.state.calls), "calls_under_faults": calls_under_faults, "faults": faults,
        "faults_by_kind": kinds, "posts_under_faults": posted_under_faults,
        "unsent_when_faults_stopped": unsent_when_faults_stopped,
        "killed_at_s": round(killed_at, 1), "restart_s": round(restart_seconds, 1),
        "failed_starts": server.failed_starts, "drained": drained, "drain_s": round(drain_seconds, 1),
        "outbox": outbox, "log": {k: log.count(mark) for k, mark in LOG_MARKS.items()},
    }


def summary(r: dict) -> str:
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(r["faults_by_kind"].items()))
    return (f"{r['faults']} faults in {r['calls_under_faults']} Web API calls ({kinds}); "
            f"kill -9 at {r['killed_at_s']} s, serving again {r['restart_s']} s later "
            f"({len(r['failed_starts'])} failed starts); {r['posts_under_faults']} posts out while faults lasted, "
            f"{r['unsent_when_faults_stopped']} outbox rows and unrun requests left then, drained in {r['drain_s']} s "
            f"({'done' if r['drained'] else 'NOT drained'}).")


def main(argv: list[str] | None = None) -> None:
    from bench.intel import PostgresDatabase, machine
    from bench.soak_tally import Row

    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="how long the senders send (default 120)")
    parser.add_argument("--senders", type=int, default=4, help="closed-loop senders (default 4)")
    parser.add_argument("--pause", type=float, default=0.2, help="each sender's pause between requests, s")
    parser.add_argument("--rate", type=float, default=0.2, help="share of Web API calls that meet a fault")
    parser.add_argument("--seed", type=int, default=1, help="seed of the faults and of the votes")
    parser.add_argument("--kill-at", type=float, default=0.5, help="when to kill -9, as a share of --seconds")
    parser.add_argument("--drain-seconds", type=float, default=300, help="most time the outbox gets to drain")
    parser.add_argument("--database-url", help="postgresql://…: a scratch database on that server "
                                               "(made and dropped); default: SQLite in a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the folder with Truce's log (and SQLite file)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="truce-soak-"))
    options = dict(seconds=args.seconds, senders=args.senders, rate=args.rate, seed=args.seed, pause=args.pause,
                   kill_at=args.kill_at, drain_within=args.drain_seconds, workdir=workdir)
    print(json.dumps({"machine": machine(), "at": datetime.now(UTC).isoformat(timespec="seconds")}), flush=True)
    try:
        if args.database_url and not args.database_url.startswith("sqlite"):
            with PostgresDatabase(args.database_url) as url:
                if url is None:
                    raise SystemExit(f"cannot make a scratch database at {args.database_url}")
                result = run(url, **options)
        else:
            result = run(args.database_url or f"sqlite:///{workdir}/soak.db", **options)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table([Row(**r) for r in result["rows"]]))
    print(summary(result))
    print(json.dumps({"soak": result}), flush=True)
    if args.keep:
        print(f"Truce's log: {workdir / 'truce.log'}")
    bad = sum(r["lost"] + r["duplicated"] + r["refused"] for r in result["rows"])
    if bad or not result["drained"]:
        raise SystemExit(f"soak failed: {bad} lost, duplicated or refused; outbox drained: {result['drained']}")


if __name__ == "__main__":
    main()
