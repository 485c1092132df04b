"""bench/soak_tally.py: a share stored but not posted yet is "queued" while its post waits in the outbox (a channel
paced at Slack's one post a second when the soak's drain window closed), "lost" otherwise; a command answered and
not run yet (its process killed first) is queued, not refused."""

from __future__ import annotations

from bench.soak_load import Request
from bench.soak_tally import tally
from bot import delivery
from bot.db import session_scope
from bot.intel.models import IntelShare
from bot.sandbox.seed import SALES

WORDS = "soak01x00001"


def _share(engine, team_id: str) -> None:
    with session_scope(engine) as s:
        s.add(IntelShare(team_id=team_id, sharer_id="U1", from_team="marketing", via="command",
                       summary=f"Rival bundles {WORDS}"))


def _intel(stack) -> dict:
    request = Request("intel", WORDS, status=200, latency=0.01, accepted=True)
    [row, *_] = tally([request], stack.rt.engine, stack.state)
    return {"stored": row.stored, "posted": row.posted, "queued": row.queued, "lost": row.lost,
            "refused": row.refused}


def test_a_stored_share_whose_post_waits_in_the_outbox_is_queued_not_lost(stack):
    _share(stack.rt.engine, stack.team_id)
    assert _intel(stack) == {"stored": 1, "posted": 0, "queued": 0, "lost": 1, "refused": 0}
    with session_scope(stack.rt.engine) as s:
        delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text=f"New intel: Rival bundles {WORDS}")
    assert _intel(stack) == {"stored": 1, "posted": 0, "queued": 1, "lost": 0, "refused": 0}


def test_a_command_answered_and_not_run_yet_is_queued_not_refused(stack):
    from bot.clock import now
    from bot.models import AcceptedRequest

    request = Request("intel", WORDS, status=200, latency=0.01, accepted=False)  # no "Saved" said yet
    [row, *_] = tally([request], stack.rt.engine, stack.state)
    assert (row.refused, row.queued) == (1, 0)
    with session_scope(stack.rt.engine) as s:
        s.add(AcceptedRequest(key="k", team_id=stack.team_id, kind="command", content_type="x", status="pending",
                              body=f"command=%2Fintel&text=Rival+bundles+{WORDS}", attempts=1, received_at=now(),
                              claim_token="t" * 32, claimed_until=now()))
    [row, *_] = tally([request], stack.rt.engine, stack.state)
    assert (row.refused, row.queued, row.lost) == (0, 1, 0)
