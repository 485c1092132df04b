"""Helpers shared by the customer-unhappiness tests (not a test module)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import select

from bot.sandbox.seed import ALERTS, SAM
from bot.sandbox.state import Message
from bot.unhappy.models import CorrectiveAction, UnhappyReport, UnhappyStage

# A Monday, in working hours (the demo workspace is on UTC, Mon-Fri 09:00-18:00).
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def report(stack, user: str = SAM, text: str = "Acme Corp: invoice was wrong twice !high") -> Message:
    """Report with /unhappy and return the alert as the alerts channel shows it."""
    before = len(stack.messages(ALERTS))
    stack.driver.command(user, "/unhappy", text)
    messages = stack.messages(ALERTS)
    assert len(messages) == before + 1, f"no alert posted; ephemerals: {stack.state.ephemerals_for(user)}"
    return messages[-1]


def text_of(message) -> str:
    """Everything a message shows: its fallback text and every text in its blocks."""
    found: list[str] = [message.text]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.blocks)
    return "\n".join(found)


def thread(stack, alert: Message) -> list[str]:
    return [m.text for m in stack.state.replies(ALERTS, alert.ts)]


def last_note(stack, user: str) -> str:
    notes = stack.state.ephemerals_for(user)
    assert notes, f"{user} got no ephemeral note"
    return notes[-1].text


def row(stack, report_id: int | None = None) -> UnhappyReport:
    with stack.rt.session() as s:
        stmt = select(UnhappyReport).order_by(UnhappyReport.id.desc())
        if report_id is not None:
            stmt = select(UnhappyReport).where(UnhappyReport.id == report_id)
        return s.exec(stmt).first()


def rows(stack) -> list[UnhappyReport]:
    with stack.rt.session() as s:
        return list(s.exec(select(UnhappyReport).order_by(UnhappyReport.id)).all())


def stages(stack) -> list[tuple[int, str]]:
    with stack.rt.session() as s:
        return sorted(s.exec(select(UnhappyStage.report_id, UnhappyStage.stage)).all())


def actions(stack) -> list[CorrectiveAction]:
    with stack.rt.session() as s:
        return list(s.exec(select(CorrectiveAction).order_by(CorrectiveAction.id)).all())


def button_ids(message: Message) -> list[str]:
    ids = []
    for block in message.blocks:
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            ids.append(el.get("action_id"))
    return ids


def overflow_values(message: Message) -> list[str]:
    for block in message.blocks:
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el.get("type") == "overflow":
                return [o["value"].split(":")[0] for o in el["options"]]
    return []


def dumps(message) -> str:
    return json.dumps(message.blocks)
