"""Runs durable tasks whose first run did not finish (a crash, a Slack outage); see bot/tasks.py."""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from bot import runtime, tasks

log = logging.getLogger(__name__)
JOB_ID = "tasks-retry"


def run_due(runtime_name: str) -> int:
    rt = runtime.get(runtime_name)
    done = tasks.run_due(rt, rt.task_functions)
    if done:
        log.info("tasks: %d finished", done)
    return done


def register(scheduler: BaseScheduler, runtime_name: str) -> None:
    scheduler.add_job(run_due, "interval", seconds=15, id=JOB_ID, args=[runtime_name], replace_existing=True)
