"""How much memory one Truce process needs, and whether it keeps growing under steady use.

Truce runs exactly as in production (`python -m bot serve`, its scheduler on) against the Slack
emulator; a mixed workload of signed requests (help, intel shares and searches, unhappiness reports
and claims, agenda items, Home tabs) is sent in rounds, and the resident memory (VmRSS) of the process
serving them (the one `python -m bot serve` process) is read from /proc after each round; its peak
(VmHWM) at the end. On PostgreSQL that process starts a worker process (bot/worker.py), which runs the
requests it answered, the outbox and the schedules: its memory is read the same way and reported beside
(`worker`), and the growth goal is the same for it. A closed loop sends faster than the runs go (they step
aside while answers are in flight), so a backlog of requests to run builds up during the load; memory is read
once more after it has drained (`rss_after_drain_mb`, and `drain_s`).

Goals: peak resident memory under 250 MB; between the end of the first half and the end of the
run, growth under 10 % (no leak per request). A run sends rounds until at least `--requests`
(10,000 by default) were sent, or exactly `rounds` rounds when given.

    python -m bench.memory [rounds] [--requests N] [--postgres-url URL]   (SQLite, then a scratch PostgreSQL database)
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.measure import child_pids, unfinished
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import ALERTS, BOT_TOKEN, LEE, MARIA, MARK, SAM, seed_env, seed_state

ROOT = Path(__file__).resolve().parent.parent
PEAK_GOAL_MB = 250
DRAIN_WITHIN = 900  # seconds the backlog (runs, posts) gets after the load, before memory is read again
GROWTH_GOAL = 0.10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drain(database_url: str, within: float) -> float | None:
    """Seconds until no accepted request waits to be run (or its answer said) and no post waits to be sent;
    None when that did not happen within `within` seconds."""
    from bot.db import make_engine

    engine = make_engine(database_url)
    began = time.monotonic()
    try:
        while time.monotonic() - began < within:
            if not unfinished(engine):
                return round(time.monotonic() - began, 1)
            time.sleep(1)
        return None
    finally:
        engine.dispose()


def _worker_status(web: int) -> dict[str, float]:
    """The worker process's memory ({} when the web process has none: SQLite, or between two workers)."""
    for child in child_pids(web):
        try:
            return _status(child)
        except OSError:  # it exited just now (a worker started again)
            continue
    return {}


def _status(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # MB
    return values


def _round(driver: SlackDriver, emu: SlackEmulator, n: int) -> int:
    """One round of what a busy team does; returns how many requests it sent."""
    sent = 0
    for who, cmd, text in [
        (SAM, "/truce", "help"),
        (MARK, "/intel", f"#pricing Acme cut prices by {n % 40}% vs:Acme https://example.com/p/{n}"),
        (SAM, "/intel", f"search Acme prices {n % 7}"),
        (MARIA, "/unhappy", f"Customer {n % 25}: onboarding call was missed again !high"),
        (LEE, "/joint", f"agenda Review churn drivers, round {n}"),
        (SAM, "/unhappy", "list"),
    ]:
        driver.command(who, cmd, text)
        sent += 1
    alert = next((m for m in reversed(emu.state.messages(ALERTS)) if m.blocks), None)
    if alert is not None:
        for who, action in ((SAM, "unhappy_claim_sales"), (MARK, "unhappy_claim_marketing")):
            try:
                driver.click(who, alert, action)
                sent += 1
            except AssertionError:  # the button is gone once claimed
                pass
    driver.open_home(SAM)
    return sent + 1


def run(rounds: int | None, database_url: str | None, at_least: int = 0) -> dict:
    """`rounds` rounds, or (None) as many as it takes to send `at_least` requests."""
    emu = SlackEmulator(seed_state()).start()
    port, secret = _free_port(), "bench-secret"
    tmp = tempfile.TemporaryDirectory()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=emu.api_url, PORT=str(port),
               DATABASE_URL=database_url or f"sqlite:///{tmp.name}/bench.db", LOG_LEVEL="WARNING", **seed_env())
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        driver = SlackDriver(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=secret, emulator=emu)
        web = proc.pid  # the web process; on PostgreSQL its worker process is its child (bot/worker.py)
        start, worker_start = _status(web)["VmRSS"], _worker_status(web).get("VmRSS")
        samples, worker_samples, requests, t0 = [], [], 0, time.monotonic()
        n = 0
        while (n < rounds) if rounds is not None else (requests < at_least):
            requests += _round(driver, emu, n)
            samples.append(_status(web)["VmRSS"])
            worker_samples.append(_worker_status(web).get("VmRSS"))
            n += 1
        rounds = n
        elapsed = time.monotonic() - t0
        time.sleep(2)  # let deliveries finish
        end, worker_end = _status(web), _worker_status(web)
        # What is left to run and post then (the runs lag a closed loop): once it is done, memory again
        drain_s = _drain(env["DATABASE_URL"], DRAIN_WITHIN)
        drained, worker_drained = _status(web), _worker_status(web)
    finally:
        proc.terminate()  # Truce takes up to 20 s to stop (bot/server.STOP), more on a loaded machine
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        emu.stop()
        tmp.cleanup()
    half = samples[len(samples) // 2 - 1]
    growth = (samples[-1] - half) / half
    out = {
        "database": "postgresql" if database_url and database_url.startswith("postgres") else "sqlite",
        "rounds": rounds, "requests": requests, "seconds": round(elapsed, 1),
        "rss_after_start_mb": round(start, 1), "rss_at_half_mb": round(half, 1),
        "rss_at_end_mb": round(samples[-1], 1), "peak_rss_mb": round(end["VmHWM"], 1),
        "growth_second_half": f"{growth:.1%}",
        "peak_goal_met": end["VmHWM"] < PEAK_GOAL_MB, "growth_goal_met": growth < GROWTH_GOAL,
        "drain_s": drain_s, "rss_after_drain_mb": round(drained["VmRSS"], 1),
    }
    worker_half, worker_last = worker_samples[len(worker_samples) // 2 - 1], worker_samples[-1]
    if worker_half and worker_last and worker_end:
        worker_growth = (worker_last - worker_half) / worker_half
        out["worker"] = {
            "rss_after_start_mb": round(worker_start, 1) if worker_start else None,
            "rss_at_half_mb": round(worker_half, 1), "rss_at_end_mb": round(worker_last, 1),
            "peak_rss_mb": round(worker_end["VmHWM"], 1), "growth_second_half": f"{worker_growth:.1%}",
            "peak_goal_met": worker_end["VmHWM"] < PEAK_GOAL_MB, "growth_goal_met": worker_growth < GROWTH_GOAL,
            "rss_after_drain_mb": round(worker_drained["VmRSS"], 1) if worker_drained else None,
        }
    return out


def main(argv: list[str] | None = None) -> None:
    from bench.intel import PG_URL, PostgresDatabase

    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("rounds", nargs="?", type=int, default=None, help="rounds (default: until --requests)")
    parser.add_argument("--requests", type=int, default=10_000, help="send at least this many requests")
    parser.add_argument("--postgres-url", default=PG_URL, help="server for the PostgreSQL run (a scratch database)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    if "sqlite" in args.databases:
        print(json.dumps({"memory": run(args.rounds, None, args.requests)}), flush=True)
    if "postgresql" in args.databases:
        with PostgresDatabase(args.postgres_url) as url:
            if url:
                print(json.dumps({"memory": run(args.rounds, url, args.requests)}), flush=True)


if __name__ == "__main__":
    main()
