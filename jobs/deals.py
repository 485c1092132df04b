"""The one reminder about a closed deal: two working days after its owner (or the sales lead) was asked
and has not answered, the question is asked again, once (claimed on the deal row), through the outbox."""

from __future__ import annotations

import logging

from bot.clock import now
from bot.deals import messages
from bot.runtime import Runtime
from jobs import ids

log = logging.getLogger(__name__)
JOB_ID = ids.DEAL_REMINDERS


def send_reminders(rt: Runtime) -> int:
    with rt.session() as session:
        sent = messages.remind(session=session, at=now())
    if sent:
        log.info("deal reminders: %d sent", sent)
    return sent
