"""Small helpers the listeners share."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltContext
from slack_sdk.webhook import WebhookClient

from bot.user_error import UserError

log = logging.getLogger(__name__)
RESPONSE_TIMEOUT = 10  # seconds, as for every other Slack call


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


def route(subcommands: Mapping[str, Callable[..., None]], word: str, **kwargs: Any) -> bool:
    """Run the sub-command `word` names in `subcommands` with `kwargs` (the Bolt arguments and `rest`).
    False when there is no such sub-command (nothing ran)."""
    handler = subcommands.get(word)
    if handler is None:
        return False
    handler(**kwargs)
    return True


MAX_ID = 2**31 - 1  # the largest id the databases' integer keys hold


def record_id(raw: object, what: str) -> int:
    """The number of the record (a report, a meeting, an entry) that a button or menu option carries.
    Truce writes these values itself, so one that is not a number is an old or damaged message: a UserError
    (the error handler tells the person), never a crash."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise UserError(f"This button belongs to an old or damaged message, so I can't tell which {what} it "
                        f"is about. Open the {what} from its latest message (or App Home) and try again.")
    return int(text)


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


def later(context: BoltContext, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
    """Run `fn` once Slack has its answer: every Web API call a listener makes goes here (or to the
    outbox), never on the thread that answers Slack. For short calls a person is waiting for —
    opening a form (its trigger lasts 3 seconds), a note; slow work goes `in_background`."""
    context["rt"].defer_urgent(fn, *args, **kwargs)


def in_background(context: BoltContext, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
    """Like `later`, for slow work (posting and reporting where it landed, reading messages, refreshing
    teams), so it never delays the short calls."""
    context["rt"].defer(fn, *args, **kwargs)


def tell_later(context: BoltContext, respond, text: str, *, blocks: Any = None, replace_original: bool = False) -> None:
    """An ephemeral note to the person who clicked or typed, sent (through the response_url) after the answer."""
    later(context, send_response, respond.response_url, text=text, blocks=blocks, replace_original=replace_original)


def replace_answer(respond, text: str, *, blocks: Any = None) -> None:
    """Replace the command's own ephemeral answer (e.g. "Saved …") with `text`: one note, not two."""
    send_response(respond.response_url, text=text, blocks=blocks, replace_original=True)


def send_response(response_url: str | None, *, text: str, blocks: Any = None, replace_original: bool = False) -> None:
    """POST an ephemeral message to a response_url with a bounded timeout (Bolt's `respond` waits up to
    30 s). Failures are logged: the note is a courtesy, what it reports is already stored."""
    if not response_url:
        log.warning("no response_url to tell the person: %s", text[:80])
        return
    payload: dict[str, Any] = {"text": text, "response_type": "ephemeral", "replace_original": replace_original}
    if blocks:
        payload["blocks"] = [b if isinstance(b, dict) else b.to_dict() for b in blocks]
    try:
        response = WebhookClient(response_url, timeout=RESPONSE_TIMEOUT).send_dict(payload)
    except OSError as exc:
        log.warning("response_url failed: %r", exc)
        return
    if response.status_code != 200:
        log.warning("response_url answered %s %s", response.status_code, response.body[:80])
