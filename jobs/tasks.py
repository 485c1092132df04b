"""Runs durable tasks whose first run did not finish (a crash, a Slack outage); see bot/tasks.py."""

from __future__ import annotations

import logging

from bot import tasks
from bot.feature import Job
from bot.runtime import Runtime

log = logging.getLogger(__name__)
JOB_ID = "tasks-retry"


def run_due(rt: Runtime) -> int:
    done = tasks.run_due(rt, rt.task_functions)
    if done:
        log.info("tasks: %d finished", done)
    return done


JOBS = (Job(run_due, "interval", JOB_ID, {"seconds": 15}),)
