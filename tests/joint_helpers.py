"""Shared steps for the joint meeting tests: time, the job, and finding what Truce posted."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from bot.ids import JointIds
from bot.models import Workspace
from bot.sandbox.seed import JOINT
from jobs import joint as joint_job

# With the default schedule (first Tuesday of the quarter, 10:00 UTC, prompt 7 days before):
MEETING = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)      # 2027-Q1
PROMPT_AT = datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
NEXT_MEETING = datetime(2027, 4, 6, 10, 0, tzinfo=UTC)  # 2027-Q2


def at(moment: datetime):
    """Travel to `moment`; the clock keeps ticking from there."""
    return time_machine.travel(moment, tick=True)


def run(stack) -> dict:
    return joint_job.run_due(stack.rt)


def set_workspace(stack, **fields) -> None:
    with stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
        for k, v in fields.items():
            setattr(ws, k, v)
        s.add(ws)


def prompts(stack, channel: str = JOINT):
    return [m for m in stack.state.messages(channel) if m.text.startswith("Joint sales & marketing meeting")]


def the_prompt(stack, channel: str = JOINT):
    found = prompts(stack, channel)
    assert len(found) == 1, [m.text for m in found]
    return found[0]


def block_texts(message) -> str:
    out = []
    for b in message.blocks:
        if b.get("text"):
            out.append(b["text"].get("text", ""))
        for el in b.get("elements", []) or []:
            if isinstance(el, dict) and el.get("type") in ("mrkdwn", "plain_text"):
                out.append(el.get("text", ""))
    return "\n".join(out)


def action_ids(message) -> list[str]:
    ids = []
    for b in message.blocks:
        for el in b.get("elements", []) or []:
            if isinstance(el, dict) and el.get("action_id"):
                ids.append(el["action_id"])
        if b.get("accessory"):
            ids.append(b["accessory"].get("action_id"))
    return ids


def meeting_value(message) -> str:
    for b in message.blocks:
        for el in b.get("elements", []) or []:
            if isinstance(el, dict) and el.get("action_id") == JointIds.ATTEND:
                return el["value"]
    raise AssertionError("no RSVP button on that message")
