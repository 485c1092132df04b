"""Admin/lead-only actions all refuse with the one message (handlers.common.lead_refusal) and change nothing."""

from __future__ import annotations

import pytest

from bot.models import Workspace
from bot.sandbox.seed import OLIVE, SAM

REFUSAL = "Only a Slack admin or a Truce lead can "

LEAD_ONLY = [
    ("/truce", "setup", "change the setup"),
    ("/truce", f"team <@{OLIVE}> sales", "put people on teams by hand"),
    ("/truce", "csat token", "see the satisfaction webhook's token"),
    ("/joint", "schedule last fri 9am", "change the joint meeting schedule"),
    ("/joint", "announce", "post the prompt early"),
    ("/joint", "plan token", "create the export token"),
    ("/intel", "emoji :rocket:", "change the share emoji"),
    ("/intel", "digest off", "change the digest"),
    ("/unhappy", "settings", "change how customer alerts behave"),
]


@pytest.mark.parametrize(("command", "text", "what"), LEAD_ONLY, ids=[f"{c} {t}" for c, t, _ in LEAD_ONLY])
def test_non_lead_is_refused_with_the_one_message(stack, command, text, what):
    with stack.rt.session() as s:
        before = s.get(Workspace, stack.team_id).model_dump()
    response = stack.driver.command(SAM, command, text)
    assert response.status_code == 200
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert note.startswith(f"{REFUSAL}{what}.")
    assert stack.state.open_views(SAM) == []
    with stack.rt.session() as s:
        assert s.get(Workspace, stack.team_id).model_dump() == before
