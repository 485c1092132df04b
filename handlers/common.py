"""Small helpers the listeners share."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.runtime import Runtime


def rt_of(context) -> Runtime:
    return context["rt"]


def admins_only(what: str) -> str:
    """The refusal for something only Slack admins and Truce leads may do."""
    return f"Only a Slack admin or a Truce lead can {what}."


def first_word(text: str | None) -> tuple[str, str]:
    """("setup", "rest of it") from "setup rest of it"; lower-cases the word."""
    text = (text or "").strip()
    if not text:
        return "", ""
    word, _, rest = text.partition(" ")
    return word.lower(), rest.strip()


def view_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A view's private_metadata as a dict (empty when missing or not a JSON object)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


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


def later(context, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
    """Run `fn` after Slack has its answer, in the runtime's background pool: every Web API call a
    listener makes goes here (or to the outbox), never on the thread that answers Slack."""
    rt_of(context).defer(fn, *args, **kwargs)


def tell_later(context, respond, text: str, *, blocks: Any = None, replace_original: bool = False) -> None:
    """An ephemeral note to the person who clicked or submitted, sent after the answer."""
    later(context, respond, text=text, blocks=blocks, response_type="ephemeral", replace_original=replace_original)
