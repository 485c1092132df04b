"""`python -m bench.schedules` — what a scheduler tick costs with many workspaces, against the SQL that
finds what is due.

A fresh database (SQLite, then a scratch PostgreSQL database) gets `--workspaces` workspaces, inserted
in SQL (channels set, a few timezones, created now: no digest or prompt is due), with the `schedule_due`
rows creating a workspace writes (every job due at once: bench.product.new_workspaces_due). Up to
`--catch-up` workspaces, the first tick of each job is that catch-up (it runs each workspace once and
writes its next due time); above, the rows are set to what the jobs' own next-due code computes
(bench.product.next_due_times) for one workspace of each timezone, the only input in which the seeded
workspaces differ. Then each scheduled job that runs more often than hourly (bench.product.tick_jobs)
runs `--ticks` times in a row, in a process of its own, as the scheduler would call it; a tick still
running after `--cap` seconds is stopped and reported as over the cap. The Web API is the emulator.

`--prompt-workspaces N` then measures the quarterly prompt: N new workspaces, the clock moved (in each
process, bot.clock.advance) to when every one's prompt is due, and `--replicas` processes each running
the joint tick at once: the seconds until every prompt is claimed and queued in the outbox, and a check
that each workspace got exactly one prompt (occurrences, outbox rows, and what the replicas said they
posted). Its floor: the same claims (schedule_due, batches of 500) and as many rows written, by plain
INSERTs into scratch tables, in one process.

The floor is what a tick must at least do to learn that nothing is due: one indexed query over a
"next due" column. The benchmark makes that column itself, in a table of its own
(`bench_next_due(team_id, job, due_at)`, indexed on (job, due_at), one row per workspace and job,
all in the future), and times `SELECT … WHERE job = ? AND due_at <= now ORDER BY due_at LIMIT 100`.
For scale it also times the scan each job starts with today (every workspace's id, in order).

    python -m bench.schedules [--workspaces 1001 100000] [--ticks 2] [--cap 600] [--databases sqlite postgresql]
        [--catch-up 2000] [--prompt-workspaces 10000] [--replicas 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, Table, insert, select, text, update

from bench.measure import databases, emit, migrate, ms, ratio, stamp
from bench.slack_fake import SlackFake

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney"]
BATCH = 5000
# The ticks that read schedule_due, with their rows' job (the other ticks have due rows of their own).
PER_WORKSPACE = {"joint.run_due": "joint", "scorecard.run_due": "scorecard-chart", "intel.post_digests": "intel-digest",
                 "competitors.send_weekly_news": "intel-feedback", "unhappy.send_csat_digests": "csat-digest"}
DUE_BATCH = 1000  # workspaces per statement writing schedule_due rows


def seed(url: str, count: int) -> float:
    """`count` workspaces (and the floor's next-due rows); seconds taken."""
    from bench import product
    from bot.db import make_engine

    began = time.perf_counter()
    engine = make_engine(url)
    workspace = Table("workspace", MetaData(), autoload_with=engine)
    jobs = list(product.tick_jobs())
    t = datetime.now(UTC)
    rng = random.Random(5)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_next_due (team_id VARCHAR(32) NOT NULL, job VARCHAR(64) NOT NULL, "
                          "due_at TIMESTAMP NOT NULL)"))
    for start in range(0, count, BATCH):
        rows, due = [], []
        for n in range(start, min(start + BATCH, count)):
            team = f"TB{n:07d}"
            rows.append({"team_id": team, "name": f"Bench {n}", "bot_user_id": "U0TRUCEBOT",
                         "sales_channel": "CSALES1", "marketing_channel": "CMKTG01", "joint_channel": "CJOINT1",
                         "alerts_channel": "CALERTS", "timezone": ZONES[n % len(ZONES)], "lead_user_ids": [],
                         "prefs": {}, "created_at": t, "updated_at": t})
            due += [{"team_id": team, "job": job, "due_at": (t + timedelta(minutes=rng.randint(10, 90 * 24 * 60)))
                     .replace(tzinfo=None)} for job in jobs]
        with engine.begin() as conn:
            conn.execute(insert(workspace), rows)
            conn.execute(text("INSERT INTO bench_next_due (team_id, job, due_at) VALUES (:team_id, :job, :due_at)"),
                         due)
        for first in range(0, len(rows), DUE_BATCH):
            product.new_workspaces_due(engine, [r["team_id"] for r in rows[first:first + DUE_BATCH]])
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_bench_next_due ON bench_next_due (job, due_at)"))
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - began


def zone_teams(engine) -> dict[str, str]:
    """One seeded workspace of each timezone."""
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT timezone, MIN(team_id) FROM workspace GROUP BY timezone")).all())


def computed_due(url: str) -> dict[str, dict[str, datetime]]:
    """Each job's next due time, by timezone, as the jobs compute it after a run now."""
    from bench import product
    from bot.db import make_engine

    engine = make_engine(url)
    at = datetime.now(UTC)
    out = {zone: product.next_due_times(engine, team, at) for zone, team in zone_teams(engine).items()}
    engine.dispose()
    return out


def set_computed_due(url: str) -> float:
    """schedule_due as the catch-up tick would leave it (computed per timezone); seconds taken."""
    from bot.db import make_engine

    began = time.perf_counter()
    engine = make_engine(url)
    due = Table("schedule_due", MetaData(), autoload_with=engine)
    ws = Table("workspace", MetaData(), autoload_with=engine)
    computed = computed_due(url)  # before the writing transaction (on SQLite it holds the write lock)
    with engine.begin() as conn:
        for zone, jobs in computed.items():
            teams = select(ws.c.team_id).where(ws.c.timezone == zone).scalar_subquery()
            for job, at in jobs.items():
                conn.execute(update(due).where(due.c.job == job, due.c.team_id.in_(teams)).values(due_at=at))
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - began


def agrees_with_product(url: str, job: str, tolerance: timedelta = timedelta(minutes=15)) -> bool:
    """Whether every workspace's due time of `job` (as its tick left it) is what the job's code computes."""
    from bot.clock import aware
    from bot.db import make_engine

    engine = make_engine(url)
    expected = computed_due(url)
    due = Table("schedule_due", MetaData(), autoload_with=engine)
    ws = Table("workspace", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(select(ws.c.timezone, due.c.job, due.c.due_at).join(ws, ws.c.team_id == due.c.team_id)
                            .where(due.c.job == job)).all()
    engine.dispose()
    return bool(rows) and all(abs(aware(at) - expected[zone][job]) <= tolerance for zone, job, at in rows)


def floor(url: str, jobs: list[str], repeat: int = 30) -> dict[str, dict[str, float]]:
    """Median seconds of the indexed "what is due" query per job, and of today's workspace scan."""
    from bot.db import make_engine

    engine = make_engine(url)
    due = text("SELECT team_id FROM bench_next_due WHERE job = :job AND due_at <= :now ORDER BY due_at LIMIT 100")
    scan = text("SELECT team_id FROM workspace ORDER BY team_id")
    out: dict[str, dict[str, float]] = {}
    with engine.connect() as conn:
        for job in jobs:
            probe, found = [], 0
            for _ in range(repeat):
                began = time.perf_counter()
                found = len(conn.execute(due, {"job": job, "now": datetime.now(UTC).replace(tzinfo=None)}).all())
                probe.append(time.perf_counter() - began)
            out[job] = {"due_query": statistics.median(probe), "due_found": found}
        scans = []
        for _ in range(max(3, repeat // 5)):
            began = time.perf_counter()
            conn.execute(scan).all()
            scans.append(time.perf_counter() - began)
    engine.dispose()
    out["*"] = {"workspace_scan": statistics.median(scans)}
    return out


def _ticks(conn, url: str, api_url: str, job: str, ticks: int) -> None:
    """In a process of its own: a runtime as `python -m bot serve` builds it (no scheduler, no
    sender), then the job `ticks` times; each tick's seconds are sent as soon as it ends."""
    import logging

    from bench import product
    from bot.runtime import build_runtime
    from bot.sandbox.seed import BOT_TOKEN

    logging.basicConfig(level=logging.ERROR)
    settings = product.settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="bench", SLACK_API_URL=api_url,
                                SLACK_APP_TOKEN=None, DATABASE_URL=url, TRUCE_RUN_SCHEDULER="false")
    rt = build_runtime(settings, name="bench-ticks")
    _, run = product.tick_jobs()[job]
    for _ in range(ticks):
        began = time.perf_counter()
        run(rt)
        conn.send(time.perf_counter() - began)
    rt.shutdown(timeout=5)
    rt.engine.dispose()
    conn.send(None)


def _answered(parent: Any, proc: Any, cap: float) -> bool:
    """Whether the job's process sent something within `cap` seconds (False at once if it died)."""
    deadline = time.perf_counter() + cap
    while time.perf_counter() < deadline:
        if parent.poll(0.2):
            return True
        if not proc.is_alive():
            return parent.poll(0)
    return False


def time_job(url: str, api_url: str, job: str, ticks: int, cap: float) -> list[float | None]:
    """Seconds of each tick; None for a tick stopped at the cap (and the ticks after it)."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_ticks, args=(child, url, api_url, job, ticks), daemon=True)
    proc.start()
    took: list[float | None] = []
    while len(took) < ticks:
        if not _answered(parent, proc, cap):
            proc.kill()
            break
        value = parent.recv()
        if value is None:
            break
        took.append(value)
    proc.join(30)
    return took + [None] * (ticks - len(took))


def run(name: str, url: str, api_url: str, count: int, ticks: int, cap: float, only: list[str] | None,
        catch_up: int) -> list[dict]:
    from bench import product

    migrate(url)
    seeded = seed(url, count)
    computed = count > catch_up
    if computed:
        seeded += set_computed_due(url)
    jobs = {k: v for k, v in product.tick_jobs().items() if not only or k in only}
    floors = floor(url, list(jobs))
    rows = []
    for job, (every, _) in jobs.items():
        took = time_job(url, api_url, job, ticks, cap)
        idle = took[-1]
        rows.append(emit("schedules", {
            "database": name, "workspaces": count, "job": job, "every": every,
            "first_tick": "idle (due times computed per timezone)" if computed else "catch-up (every workspace due)",
            "per_workspace_job": job in PER_WORKSPACE,
            "due_rows_as_the_job_computes": agrees_with_product(url, PER_WORKSPACE[job]) if job in PER_WORKSPACE
            else None,
            "ticks_ms": [ms(t) if t is not None else f">{cap:.0f} s" for t in took],
            "idle_tick_ms": ms(idle) if idle is not None else None, "capped": idle is None,
            "floor_due_query_ms": ms(floors[job]["due_query"], 3), "floor_due_found": floors[job]["due_found"],
            "workspace_scan_ms": ms(floors["*"]["workspace_scan"], 2),
            "ratio": ratio(idle, floors[job]["due_query"], 0) if idle is not None else None, "cap_s": cap,
            "seed_seconds": round(seeded, 1),
        }))
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.schedules", description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, nargs="*", default=[1001, 100_000])
    parser.add_argument("--ticks", type=int, default=2, help="ticks of each job in a row (the last one is reported)")
    parser.add_argument("--cap", type=float, default=600, help="seconds a tick may take before it is stopped")
    parser.add_argument("--jobs", nargs="*", help="only these jobs (names as bench.product.tick_jobs has them)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    parser.add_argument("--catch-up", type=int, default=2000,
                        help="up to this many workspaces, the first tick catches up (above, due times computed)")
    parser.add_argument("--prompt-workspaces", type=int, default=0, help="the quarterly prompt for this many")
    parser.add_argument("--replicas", type=int, default=2, help="processes running the prompt's tick at once")
    args = parser.parse_args(argv)
    emit("run", stamp())
    rows: list[dict] = []
    with SlackFake() as slack:
        for count in args.workspaces:
            with databases(args.databases, args.postgres_url) as each:
                for name, url in each:
                    rows += run(name, url, slack.api_url, count, args.ticks, args.cap, args.jobs, args.catch_up)
        if args.prompt_workspaces:
            from bench.schedule_prompt import run_prompt

            with databases(args.databases, args.postgres_url) as each:
                for name, url in each:
                    rows.append(run_prompt(name, url, slack.api_url, args.prompt_workspaces, args.replicas,
                                           args.cap))
    return rows


if __name__ == "__main__":
    main()
