"""Accepted means stored: the real server (`python -m bot serve`, a subprocess) is killed with
SIGKILL in the middle of a burst of commands, then started again. Every command it answered 200 —
shares and reports alike — exists afterwards, is posted exactly once, and its sender was told it
was saved; nothing it did not answer is half-done."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
from sqlmodel import Session, select

from bot import delivery
from bot.intel.models import IntelShare
from bot.models import Outbox
from bot.runtime import ACCEPTED_WORKERS
from bot.sandbox.driver import SlackDriver
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import ALERTS, BOT_TOKEN, MARK, MARKETING, SALES, SAM, seed_env, seed_state
from bot.unhappy.models import UnhappyReport

ROOT = Path(__file__).resolve().parent.parent
BURST = 60
KILL_AFTER = 20  # answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict[str, str], port: int, *, later: timedelta = timedelta(0)) -> subprocess.Popen:
    """`python -m bot serve`, its clock `later` ahead (bot.clock): a process started that much later."""
    # A session of its own: the kill takes the server and anything it started at once, as when the
    # machine or container dies.
    command = [sys.executable, "-c", "import runpy, sys; from datetime import timedelta; from bot import clock; "
               f"clock.advance(timedelta(seconds={later.total_seconds()})); sys.argv = ['bot', 'serve']; "
               "runpy.run_module('bot', run_name='__main__', alter_sys=True)"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("Truce did not start listening within 60 s")


def _still_to_send(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Outbox.id).where(Outbox.status.in_((delivery.PENDING, delivery.SENDING)))).all())


def _texts(messages) -> list[str]:
    return [m.text for m in messages]


def test_every_answered_command_survives_kill_9_and_is_posted_once(db, database_url):
    emulator = SlackEmulator(seed_state()).start()
    secret, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    env.update(seed_env(), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=emulator.api_url,
               DATABASE_URL=database_url, PORT=str(port), LOG_LEVEL="WARNING")
    # One driver per command: each reads its own command's answer (its response_url's first message).
    drivers = [SlackDriver(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=secret,
                           emulator=emulator, timeout=5) for _ in range(BURST)]
    server = _start(env, port)
    answered: list[tuple[str, str, SlackDriver]] = []  # (kind, the words sent, its driver) for every 200
    lock = threading.Lock()
    killed = threading.Event()
    try:
        def send(i: int) -> None:
            driver = drivers[i]
            kind = "report" if i % 3 == 0 else "share"
            words = f"Customer {i:03d}" if kind == "report" else f"Finding {i:03d}: rivals cut prices"
            try:
                if kind == "report":
                    response = driver.command(SAM, "/unhappy", f"{words}: billing is wrong !high", channel=SALES)
                else:
                    response = driver.command(MARK, "/intel", words, channel=MARKETING)
            except httpx.HTTPError:
                return  # the process died before answering: Slack would show the person an error
            if response.status_code == 200:
                with lock:
                    answered.append((kind, words, driver))
                    if len(answered) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        os.killpg(server.pid, signal.SIGKILL)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(BURST)]
        for i, t in enumerate(threads):
            t.start()
            if i % 8 == 7:
                time.sleep(0.05)
        for t in threads:
            t.join(timeout=30)
        server.wait(timeout=30)
        assert killed.is_set() and server.returncode == -signal.SIGKILL
        assert KILL_AFTER <= len(answered) < BURST, len(answered)

        # The deploy comes back once the posts the dead process had claimed are free to take again
        # (as they would be a minute later: its clock starts past their claims).
        server = _start(env, port, later=delivery.CLAIM_FOR + timedelta(seconds=1))
        shares = [w for k, w, _ in answered if k == "share"]
        reports = [w for k, w, _ in answered if k == "report"]
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            posted = "\n".join(_texts(emulator.state.messages(SALES)) + _texts(emulator.state.messages(ALERTS)))
            if all(w in posted for w in shares + reports):
                break
            time.sleep(0.1)
        while time.monotonic() < deadline and _still_to_send(db):  # anything that would post twice does so
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        emulator.stop()

    with Session(db) as session:
        stored_shares = {s.summary for s in session.exec(select(IntelShare)).all()}
        stored_reports = {r.customer for r in session.exec(select(UnhappyReport)).all()}
    assert set(shares) <= {s.split(" (")[0] for s in stored_shares} | stored_shares
    assert {w for w in reports} <= stored_reports
    in_sales = Counter(t for t in _texts(emulator.state.messages(SALES)) for w in shares if w in t)
    alerts = Counter(w for t in _texts(emulator.state.messages(ALERTS)) for w in reports if w in t)
    for words in shares:
        assert sum(n for t, n in in_sales.items() if words in t) == 1, f"{words!r} posted {in_sales}"
    for words in reports:
        assert alerts[words] == 1, f"{words!r} alerted {alerts[words]} times"
    every_text = _texts(emulator.state.messages(SALES)) + _texts(emulator.state.messages(ALERTS))
    assert len(every_text) == len(set(every_text)), "a post appeared twice"
    # Every sender was told it was saved: the command's answer, said through its response_url by whichever
    # process ran it (the one killed, or the next, which ran what the killed one had not, says the answers it
    # kept but had not said, and says "stored" for one killed between its write and keeping its answer). An
    # answer said in the instant before it was recorded as said is said once more: twice, never not at all.
    def told(text: str) -> bool:  # its answer, or the note for one stored in the instant before a kill
        return "Saved" in text or "Truce stored this" in text

    for _, words, driver in answered:
        said = [m.get("text", "") for m in driver.said()]
        assert said and told(said[0]), (words, said)
        assert sum(told(t) for t in said) in (1, 2), (words, said)
    told_twice = sum(sum(told(m.get("text", "")) for m in d.said()) == 2 for _, _, d in answered)
    in_flight = ACCEPTED_WORKERS + 1  # the pool's runs, and the retry job's
    assert told_twice <= in_flight, f"{told_twice} told twice: more than could be in flight at the kill"
