"""What the floor benchmarks share: percentiles and ratios, the machine, processes serving HTTP
(Truce's `python -m bot serve` or the bare Bolt floor), their start-up and memory, scratch databases."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


# --- numbers --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(seconds: float | None, digits: int = 1) -> float | None:
    return None if seconds is None else round(seconds * 1000, digits)


def ratio(value: float | None, floor: float | None, digits: int = 2) -> float | None:
    """value / floor: how many times the floor (None when either is missing or the floor is 0)."""
    if value is None or not floor:
        return None
    return round(value / floor, digits)


def load() -> float | None:
    """The machine's load average over the last minute (others' work on it shows here)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def emit(kind: str, row: dict) -> dict:
    """Print a measurement as a JSON line (with the machine's load as it ends) and return it."""
    row["load_1min"] = load()
    print(json.dumps({kind: row}, default=str), flush=True)
    return row


def stamp() -> dict:
    from bench.intel import machine

    return {"machine": machine(), "at": datetime.now(UTC).isoformat(timespec="seconds")}


# --- databases ------------------------------------------------------------------------------------


@contextlib.contextmanager
def databases(which: list[str], postgres_url: str | None = None) -> Iterator[Iterator[tuple[str, str]]]:
    """(name, url) of a fresh scratch database for each of `which` ("sqlite", "postgresql"); a
    PostgreSQL that cannot be reached is skipped (and said so)."""
    from bench.intel import PG_URL, PostgresDatabase

    def each() -> Iterator[tuple[str, str]]:
        for name in which:
            if name == "sqlite":
                with tempfile.TemporaryDirectory(prefix="truce-bench-") as tmp:
                    yield name, f"sqlite:///{tmp}/bench.db"
            else:
                with PostgresDatabase(postgres_url or PG_URL) as url:
                    if url:
                        yield name, url

    yield each()


def migrate(url: str) -> None:
    """`python -m bot migrate` on `url`, as a deploy runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=ROOT, env={**env, "DATABASE_URL": url,
                   "LOG_LEVEL": "WARNING"}, check=True, stdout=subprocess.DEVNULL)


def unfinished(engine) -> int:
    """What a served Truce still has to do: outbox rows not sent yet, and accepted requests not run (or their
    answer not said) yet. A benchmark's backlog has drained when this is 0."""
    from sqlmodel import Session, func, select

    from bot.models import AcceptedRequest, Outbox

    with Session(engine) as session:
        posts = session.exec(select(func.count()).select_from(Outbox)
                             .where(Outbox.status.in_(("pending", "sending")))).one()  # type: ignore[attr-defined]
        runs = session.exec(select(func.count()).select_from(AcceptedRequest)
                            .where(AcceptedRequest.status.in_(("pending", "ran")))).one()  # type: ignore[attr-defined]
    return posts + runs


# --- processes serving HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    """The child processes of `pid`, from every thread's list (Truce's worker process is started again by a
    thread of its own: bot/worker.py)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def rss_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


class Served:
    """A process serving HTTP on `port` (GET /healthz answers 200 once it serves), started with
    `argv`; `started_in` is the seconds from its start until /healthz first answered."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path):
        self.argv, self.env, self.port, self.log = argv, env, port, log
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self, within: float = 120) -> Served:
        began = time.perf_counter()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                         start_new_session=True)
        with httpx.Client(timeout=1) as http:
            while time.perf_counter() - began < within:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{' '.join(self.argv)} exited ({self.proc.returncode}); see {self.log}")
                try:
                    if http.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200:
                        self.started_in = time.perf_counter() - began
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{' '.join(self.argv)} did not serve within {within:.0f} s; see {self.log}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def serve_env(*, api_url: str, secret: str, port: int, database_url: str, token: str,
              extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `python -m bot serve` runs with in the benchmarks (quiet logs)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL", "LOG_LEVEL", "PORT"))}
    env.update(SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url, PORT=str(port),
               DATABASE_URL=database_url, LOG_LEVEL="WARNING", **(extra or {}))
    return env


def truce(env: dict[str, str], workdir: Path, name: str = "truce") -> Served:
    return Served([sys.executable, "-m", "bot", "serve"], env, int(env["PORT"]), workdir / f"{name}.log")


def bare_bolt(env: dict[str, str], workdir: Path, threads: int) -> Served:
    return Served([sys.executable, "-m", "bench.bare_bolt", "--threads", str(threads)], env, int(env["PORT"]),
                  workdir / "bare-bolt.log")
