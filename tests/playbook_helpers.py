"""Shared steps of the playbook tests (strategies and the win/loss log)."""

from __future__ import annotations

from bot.ids import PlaybookIds as Ids
from bot.sandbox.seed import MARK
from bot.sandbox.state import Ephemeral
from tests.message_text import all_text

V = Ids.VALUE


def field(block_id: str) -> str:
    """The driver's "block_id.action_id" key of a modal input."""
    return f"{block_id}.{V}"


def note(stack, user: str) -> Ephemeral:
    """The last ephemeral message `user` was shown."""
    notes = stack.state.ephemerals_for(user)
    assert notes, f"{user} was shown nothing"
    return notes[-1]


def add(stack, text: str, user: str = MARK) -> str:
    """`/truce strategy add <text>`; returns what the person was told."""
    stack.driver.command(user, "/truce", f"strategy add {text}")
    return note(stack, user).text


def home_text(stack, user: str) -> str:
    """Everything written on `user`'s Home tab, opened fresh."""
    stack.driver.open_home(user)
    return all_text(stack.state.home[user])


def input_initial(view: dict, block_id: str):
    """What a modal input shows when it opens."""
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    el = block["element"]
    for key in ("initial_value", "initial_date"):
        if key in el:
            return el[key]
    if "initial_option" in el:
        return el["initial_option"]["value"]
    return None
