"""Retries what Slack refused for a while (429, 5xx, time-outs, not yet invited)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from bot import delivery, runtime

log = logging.getLogger(__name__)
JOB_ID = "outbox-retry"


def retry_due(runtime_name: str) -> int:
    rt = runtime.get(runtime_name)
    results = delivery.deliver_due(rt)
    sent = sum(1 for r in results if r.status == "sent")
    if results:
        log.info("outbox retry: %d due, %d sent", len(results), sent)
    return sent


def register(scheduler: BaseScheduler, runtime_name: str) -> None:
    scheduler.add_job(retry_due, "interval", seconds=15, id=JOB_ID, args=[runtime_name], replace_existing=True)
