"""Small helpers the listeners share."""

from __future__ import annotations

from typing import Any

from bot.runtime import Runtime


def rt_of(context) -> Runtime:
    return context["rt"]


def first_word(text: str | None) -> tuple[str, str]:
    """("setup", "rest of it") from "setup rest of it"; lower-cases the word."""
    text = (text or "").strip()
    if not text:
        return "", ""
    word, _, rest = text.partition(" ")
    return word.lower(), rest.strip()


def input_value(values: dict[str, Any], block_id: str, action_id: str) -> Any:
    """The submitted value of one input, whatever its element type (None when empty)."""
    state = values.get(block_id, {}).get(action_id, {})
    for key in ("value", "selected_conversation", "selected_channel", "selected_user", "selected_date",
                "selected_time", "selected_date_time"):
        if key in state:
            return state[key]
    if "selected_option" in state:
        return (state["selected_option"] or {}).get("value")
    if "selected_options" in state:
        return [o["value"] for o in state["selected_options"] or []]
    if "selected_users" in state:
        return list(state["selected_users"] or [])
    if "selected_conversations" in state:
        return list(state["selected_conversations"] or [])
    return None
