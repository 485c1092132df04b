"""Runs durable tasks whose first run did not finish (a crash, a Slack outage), see bot/tasks.py; and accepted
requests whose process died before running them, see bot/accepted.py."""

from __future__ import annotations

import logging

from bot import accepted, tasks
from bot.runtime import Runtime
from jobs import ids

log = logging.getLogger(__name__)
JOB_ID = ids.TASKS_RETRY
ACCEPTED_JOB_ID = ids.ACCEPTED_RETRY


def run_due(rt: Runtime) -> int:
    done = tasks.run_due(rt, rt.task_functions)
    if done:
        log.info("tasks: %d finished", done)
    return done


def run_accepted(rt: Runtime) -> int:
    ran = accepted.run_stale(rt)
    if ran:
        log.info("accepted requests: %d run after their claim lapsed", ran)
    return ran
