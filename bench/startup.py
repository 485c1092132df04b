"""`python -m bench.startup` — start-up to listening, and memory at rest, beside a bare Bolt app.

Truce starts as deployed (`python -m bot serve`: its checks of the database and of Slack, the
migrations, the workspace's set-up, the scheduler and the outbox's sender) against the Slack
emulator (in a process of its own), on a database already at the latest migration (a first start
migrates it, untimed). The floor is bench/bare_bolt.py (the same slack_bolt and waitress, listeners
that only ack). Each starts `--starts` times; each time: seconds from the process's start until
GET /healthz first answers 200 (polled every 10 ms), then its resident memory (VmRSS) after
`--idle` seconds of nothing. Medians are reported.

Both run as deployed, with their bytecode cached: each is started once untimed first, writing its
compiled modules to a cache of the run's own (PYTHONPYCACHEPREFIX), even where the environment says
PYTHONDONTWRITEBYTECODE (as this project's sessions do: every start would otherwise compile Truce's
two hundred modules from source, about a second, while the floor's libraries come compiled).
`--no-bytecode-cache` measures starts from source instead.

    python -m bench.startup [--starts 3] [--idle 5] [--databases sqlite postgresql]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.measure import (
    bare_bolt,
    child_pids,
    databases,
    emit,
    free_port,
    ratio,
    rss_mb,
    serve_env,
    stamp,
    truce,
)
from bench.slack_fake import SlackFake


def _starts(make, starts: int, idle: float) -> dict:
    seconds, rss, worker_rss = [], [], []
    for _ in range(starts):
        served = make().start()
        try:
            seconds.append(served.started_in)
            time.sleep(idle)
            rss.append(rss_mb(served.pid)["VmRSS"])
            worker_rss.append(sum(rss_mb(child).get("VmRSS", 0.0) for child in child_pids(served.pid)))
        finally:
            served.stop()
    out = {"start_s": round(statistics.median(seconds), 2), "rss_mb": round(statistics.median(rss), 1),
           "starts": [round(s, 2) for s in seconds]}
    if any(worker_rss):  # the web process's figure stays `rss_mb`; its worker's beside it
        out["worker_rss_mb"] = round(statistics.median(worker_rss), 1)
    return out


def run(name: str, url: str, api_url: str, starts: int, idle: float, threads: int, workdir: Path,
        bytecode_cache: bool = True) -> dict:
    from bot.sandbox.seed import BOT_TOKEN, seed_env

    def env(database_url: str) -> dict[str, str]:
        extra = {**seed_env(), "TRUCE_WEB_THREADS": str(threads)}
        values = serve_env(api_url=api_url, secret="bench", port=free_port(), database_url=database_url,
                           token=BOT_TOKEN, extra=extra)
        if bytecode_cache:
            values.pop("PYTHONDONTWRITEBYTECODE", None)
            values["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        return values

    first = truce(env(url), workdir, f"truce-{name}").start()  # migrates the empty database (and compiles)
    first.stop()
    bare_bolt(env("unused"), workdir, threads).start().stop()  # the floor compiled the same way
    mine = _starts(lambda: truce(env(url), workdir, f"truce-{name}"), starts, idle)
    base = _starts(lambda: bare_bolt(env("unused"), workdir, threads), starts, idle)
    return emit("startup", {
        "database": name, "truce": mine, "floor": base,
        "bytecode_cache": bytecode_cache,
        "ratio_start": ratio(mine["start_s"], base["start_s"]), "ratio_rss": ratio(mine["rss_mb"], base["rss_mb"]),
    })


def main(argv: list[str] | None = None) -> list[dict]:
    from bench import product

    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds at rest before memory is read")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="every start compiles from source")
    args = parser.parse_args(argv)
    emit("run", stamp())
    workdir = Path(tempfile.mkdtemp(prefix="truce-startup-"))
    rows = []
    try:
        with SlackFake() as slack, databases(args.databases, args.postgres_url) as each:
            for name, url in each:
                rows.append(run(name, url, slack.api_url, args.starts, args.idle, product.web_threads_default(),
                                workdir, bytecode_cache=not args.no_bytecode_cache))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
