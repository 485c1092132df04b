"""The outbox's safety net: every 15 seconds, whatever is due goes out.

The runtime's sender (bot/sender.py) sends rows as soon as they are due; this job only kicks it
(and waits until it is idle, so its count is what went out). Where no sender runs, or its thread
died, the job sends the due rows itself.
"""

from __future__ import annotations

import logging

from bot import delivery
from bot.runtime import Runtime
from jobs import ids

log = logging.getLogger(__name__)
JOB_ID = ids.OUTBOX_RETRY
IDLE_WAIT = 60  # seconds; a sender still busy after that is left to it


def retry_due(rt: Runtime) -> int:
    """Make sure what is due now goes out; how many rows were sent."""
    sender = rt.sender
    if sender is not None and sender.running:
        before = sender.sent
        sender.kick()
        if not sender.wait_idle(timeout=IDLE_WAIT):
            log.info("outbox retry: the sender is still busy after %ss", IDLE_WAIT)
        sent = sender.sent - before
    else:
        sent = sum(1 for r in delivery.deliver_due(rt) if r.status == "sent")
    if sent:
        log.info("outbox retry: %d sent", sent)
    return sent
