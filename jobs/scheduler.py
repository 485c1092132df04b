"""APScheduler wiring: every feature's jobs (`Feature.jobs`, see bot/feature.py), each given the runtime.

APScheduler's FAQ: a job store must never be shared by processes. So every process keeps its
own in-memory store (which holds the runtime object itself as the jobs' argument), and jobs claim
due rows in the database atomically: two replicas never send the same thing twice, and a restart
never loses anything that was due.
"""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for feature in rt.features:
        for job in feature.jobs:
            first = {} if job.first_run_after is None else {"next_run_time": datetime.now(UTC) + job.first_run_after}
            scheduler.add_job(job.func, job.trigger, id=job.id, args=[rt], replace_existing=True, **job.every,
                              **first)
    return scheduler


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    """Build and start this process's scheduler; `rt.shutdown()` stops it without waiting for a job
    in progress (a job stuck on a slow Slack must not hold the stop: what it claimed is in the
    database, and is finished by the next run or the next process)."""
    scheduler = build_scheduler(rt)
    scheduler.start()
    rt.closers.append(lambda: scheduler.shutdown(wait=False))
    return scheduler
