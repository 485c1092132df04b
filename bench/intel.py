"""`python -m bench.intel` — the intel benchmarks, with the machine they ran on.

    python -m bench.intel                # both: ack latency and search
    python -m bench.intel ack            # /intel <text> ack latency, 20 concurrent senders, HTTP mode
    python -m bench.intel search         # /intel search over 100,000 shares, SQLite and PostgreSQL

PostgreSQL is used when BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) is
reachable: a fresh database is made on that server and dropped afterwards. Results are printed as
JSON lines; docs/intel.md keeps the figures of the last run worth writing down.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import intel_ack, intel_search
from bot import migrate
from bot.db import make_engine

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def machine() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}"}


class PostgresDatabase:
    """A throw-away database on the PostgreSQL server at `url` (None when it is not reachable)."""

    def __init__(self, url: str = PG_URL):
        self.url, self.name, self.test_url = url, f"truce_bench_{uuid.uuid4().hex[:8]}", None

    def __enter__(self) -> str | None:
        try:
            admin = make_engine(self.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
            admin.dispose()
        except Exception as exc:  # no server here: the PostgreSQL run is skipped, and said so
            print(json.dumps({"postgresql": f"skipped ({type(exc).__name__})"}))
            return None
        self.test_url = make_url(self.url).set(database=self.name).render_as_string(hide_password=False)
        return self.test_url

    def __exit__(self, *exc) -> None:
        if self.test_url is None:
            return
        admin = make_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


def bench_search(count: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(engine)
        results.append(intel_search.run(engine, count=count))
        engine.dispose()
    with PostgresDatabase() as url:
        if url:
            engine = make_engine(url)
            migrate.upgrade(engine)
            results.append(intel_search.run(engine, count=count))
            engine.dispose()
    return results


def bench_ack(senders: int, per_sender: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(intel_ack.run(f"sqlite:///{tmp}/ack.db", senders=senders, per_sender=per_sender))
    with PostgresDatabase() as url:
        if url:
            results.append(intel_ack.run(url, senders=senders, per_sender=per_sender))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.intel", description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=("all", "ack", "search"), default="all")
    parser.add_argument("--shares", type=int, default=100_000, help="shares stored for the search benchmark")
    parser.add_argument("--senders", type=int, default=20, help="concurrent /intel senders")
    parser.add_argument("--per-sender", type=int, default=40, help="commands each sender sends")
    args = parser.parse_args(argv)
    print(json.dumps({"machine": machine()}))
    if args.which in ("all", "ack"):
        for result in bench_ack(args.senders, args.per_sender):
            print(json.dumps({"ack": result}))
    if args.which in ("all", "search"):
        for result in bench_search(args.shares):
            print(json.dumps({"search": result}))


if __name__ == "__main__":
    main()
