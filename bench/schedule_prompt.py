"""The quarterly prompt for many workspaces at once (`python -m bench.schedules --prompt-workspaces N`).

N new workspaces (as bench.schedules seeds them: every job due at once, as creating them leaves it); each of
`replicas` processes builds a runtime as `python -m bot serve` does, moves its clock (bot.clock.advance) to
when every one of those prompts is due, starts its outbox sender, and on the word runs the joint tick
(jobs.joint.run_due) once. Timed: the longest replica's tick (`all_queued_s`: every prompt claimed and queued
in the outbox; the senders post meanwhile) and, from the word, until the last sender is idle (`all_sent_s`:
every post in Slack, at the pace the Slack fake allows). Checked: each workspace has exactly one
prompt occurrence and one prompt post in the outbox, and the replicas together said they posted each prompt
once. The floor: the same batches of claims (bot.schedule_due.claim_due, 500 at a time) with as many rows
written per workspace as the prompt writes (1 occurrence, 1 meeting, 3 posts) by plain INSERTs into scratch
tables, in one process.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench.measure import emit, migrate, ms, ratio

FLOOR_JOB = "bench-floor"


def _replica(conn: Any, url: str, api_url: str, delta: float) -> None:
    import logging

    from bench import product
    from bot import clock
    from bot.runtime import build_runtime
    from bot.sandbox.seed import BOT_TOKEN
    from jobs import joint

    logging.basicConfig(level=logging.ERROR)
    settings = product.settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="bench", SLACK_API_URL=api_url,
                                SLACK_APP_TOKEN=None, DATABASE_URL=url, TRUCE_RUN_SCHEDULER="false")
    rt = build_runtime(settings, name=f"bench-replica-{mp.current_process().pid}")
    clock.advance(timedelta(seconds=delta))
    rt.start_sender()  # as `python -m bot serve` runs: the tick queues, the sender posts
    rt.jobs_post_through_sender = True
    conn.send("ready")
    conn.recv()
    began = time.perf_counter()
    done = joint.run_due(rt)
    took = time.perf_counter() - began
    assert rt.sender is not None
    idle = rt.sender.wait_idle(timeout=3600)
    sent = time.perf_counter() - began
    conn.send((took, sorted(t for t, steps in done.items() if any(s.startswith("prompt") for s in steps)),
               sent if idle else None))
    rt.shutdown(timeout=5)
    rt.engine.dispose()


def floor(url: str, count: int) -> float:
    """Seconds for the claims and the rows the prompt writes, at their least."""
    from bot import schedule_due
    from bot.clock import now
    from bot.db import make_engine, session_scope

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_floor_occurrence (team_id VARCHAR(32), quarter VARCHAR(7), "
                          "kind VARCHAR(64), claimed_by VARCHAR(64))"))
        conn.execute(text("CREATE TABLE bench_floor_meeting (team_id VARCHAR(32), quarter VARCHAR(7), "
                          "starts_at VARCHAR(40))"))
        conn.execute(text("CREATE TABLE bench_floor_post (team_id VARCHAR(32), channel VARCHAR(32), "
                          "key VARCHAR(200), text TEXT)"))
        teams = [r[0] for r in conn.execute(text("SELECT team_id FROM workspace")).all()]
    with session_scope(engine) as session:
        for first in range(0, len(teams), 1000):
            for team in teams[first:first + 1000]:
                schedule_due.set_due(session, team, FLOOR_JOB, schedule_due.ASAP)
    began = time.perf_counter()
    while True:
        with session_scope(engine) as session:
            claims = schedule_due.claim_due(session, FLOOR_JOB, now(), 500)
            if claims:
                conn_ = session.connection()
                conn_.execute(text("INSERT INTO bench_floor_occurrence VALUES (:t, '2027-Q1', 'prompt', 'floor')"),
                              [{"t": c.team_id} for c in claims])
                conn_.execute(text("INSERT INTO bench_floor_meeting VALUES (:t, '2027-Q1', '2027-01-05')"),
                              [{"t": c.team_id} for c in claims])
                conn_.execute(text("INSERT INTO bench_floor_post VALUES (:t, :c, :k, 'Joint meeting prompt')"),
                              [{"t": c.team_id, "c": ch, "k": f"joint:{c.team_id}:{ch}"} for c in claims
                               for ch in ("CJOINT1", "CSALES1", "CMKTG01")])
        if len(claims) < 500:
            break
    took = time.perf_counter() - began
    engine.dispose()
    return took


def _counts(url: str) -> dict[str, int]:
    from bot.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        one = conn.execute(text(
            "SELECT COUNT(*), COUNT(DISTINCT team_id) FROM joint_occurrence WHERE kind = 'prompt'")).one()
        posts = conn.execute(text(
            "SELECT COUNT(*), COUNT(DISTINCT team_id) FROM outbox WHERE key LIKE 'joint:%:prompt:%'")).one()
        status = dict(conn.execute(text("SELECT status, COUNT(*) FROM outbox GROUP BY status")).all())
    engine.dispose()
    return {"occurrences": one[0], "occurrence_teams": one[1], "prompt_posts": posts[0], "post_teams": posts[1],
            **{f"outbox_{k}": v for k, v in status.items()}}


def run_prompt(name: str, url: str, api_url: str, count: int, replicas: int, cap: float) -> dict:
    from bench import product
    from bench.schedules import seed, zone_teams
    from bot.db import make_engine

    migrate(url)
    seed(url, count)
    engine = make_engine(url)
    start = datetime.now(UTC)
    due = product.joint_prompts_due_at(engine, list(zone_teams(engine).values()), start)
    engine.dispose()
    if due is None:
        return emit("schedules_prompt", {"database": name, "workspaces": count, "error": "no common prompt time"})
    delta = (due + timedelta(minutes=1) - start).total_seconds()
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for _ in range(replicas):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_replica, args=(child, url, api_url, delta), daemon=True)
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    for parent in pipes:
        parent.recv()
    began = time.perf_counter()
    for parent in pipes:
        parent.send("go")
    answers = [parent.recv() if parent.poll(cap) else None for parent in pipes]
    took = max((a[0] for a in answers if a is not None), default=time.perf_counter() - began)
    for proc in procs:
        proc.join(30)
    said = [t for a in answers if a is not None for t in a[1]]
    counts = _counts(url)
    floor_s = floor(url, count)
    once = (len(said) == len(set(said)) == count and counts["occurrences"] == counts["occurrence_teams"] == count
            and counts["prompt_posts"] == counts["post_teams"] == count)
    return emit("schedules_prompt", {
        "database": name, "workspaces": count, "replicas": replicas, "clock_moved_to": due.isoformat(),
        "all_queued_s": round(took, 2), "per_replica_s": [round(a[0], 2) if a else None for a in answers],
        "all_sent_s": max((a[2] for a in answers if a and a[2] is not None), default=None),
        "prompts_per_replica": [len(a[1]) if a else None for a in answers], "exactly_once": once, **counts,
        "floor_s": round(floor_s, 3), "ratio": ratio(took, floor_s, 1),
        "floor_ms_per_workspace": ms(floor_s / count, 3),
    })
