"""APScheduler wiring. Each job family's module has register(scheduler, runtime_name).

APScheduler's FAQ: a job store must never be shared by processes. So every process keeps its
own in-memory store, and jobs claim due rows in the database atomically: two replicas never
send the same thing twice, and a restart never loses anything that was due.
"""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime
from jobs import housekeeping, intel, joint, members, outbox, tasks
from jobs import unhappy as unhappy_jobs

FAMILIES = [outbox, tasks, members, housekeeping, joint, unhappy_jobs, intel]


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for family in FAMILIES:
        family.register(scheduler, rt.name)
    return scheduler


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    """Build and start this process's scheduler; `rt.shutdown()` stops it without waiting for a job
    in progress (a job stuck on a slow Slack must not hold the stop: what it claimed is in the
    database, and is finished by the next run or the next process)."""
    scheduler = build_scheduler(rt)
    scheduler.start()
    rt.closers.append(lambda: scheduler.shutdown(wait=False))
    return scheduler
