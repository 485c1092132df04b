"""One error handler: any exception becomes a short, friendly note with an error id that is also
in the log. What the person typed is echoed back (escaped) so nothing is lost.

It runs on the thread that answers Slack, so it never calls Slack there: a slash command gets the
note as its answer, a form keeps its values and shows the note under its first field, and anything
else (a button, a shortcut, an event) is answered at once and told afterwards, from the runtime's
background pool. It only ever sees requests whose signature was verified (bot/web.py). A UserError
(bot/user_error.py) that a listener did not answer itself is no failure: it is said as it is, next to its
field in a form, with no error id.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import request_path
from bot.delivery import send_ephemeral
from bot.slack_text import echo, typed
from bot.user_error import UserError

log = logging.getLogger("truce.errors")


def typed_back(what: str, *, intro: str = "Here is what you typed, so you can try again:") -> str:
    """`intro` and what the person typed, escaped, in a code block (empty when nothing was typed)."""
    return "\n" + echo(what.strip(), intro) if what and what.strip() else ""


def typed_in(body: dict[str, Any]) -> str:
    """What the person typed, for a slash command's body (empty for anything else)."""
    if body.get("command"):
        return typed(body["command"], body.get("text"))
    return ""


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return block["block_id"]
    return None


def _json(data: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(data), headers={"content-type": ["application/json"]})


def make_error_handler(rt):
    """Bolt's `@app.error` for this runtime."""

    def handle_error(error: Exception, body: dict[str, Any], context) -> BoltResponse:
        if isinstance(error, request_path.Superseded):  # another run of this request does it and says so
            return BoltResponse(status=200, body="")
        if isinstance(error, UserError):
            return _user_error(rt, error, body, context)
        request_path.fail()  # a request answered before it ran may be run again (bot/accepted.py)
        error_id = uuid.uuid4().hex[:8]
        log.error("error %s while handling %s: %r", error_id, body.get("type") or body.get("command"), error,
                  exc_info=error)
        text = f":warning: Sorry, something went wrong on Truce's side (error id `{error_id}`)."
        what = typed_in(body)
        if what:
            return _json({"response_type": "ephemeral", "text": text + typed_back(what)})
        if body.get("type") == "event_callback":  # Slack retries it; bot/event_once.py lets the retry in
            return BoltResponse(status=500, body="")
        if body.get("type") == "view_submission":
            block_id = _first_input_block(body)
            if block_id:  # the form stays open with everything typed, and says what happened
                return _json({"response_action": "errors", "errors": {
                    block_id: f"Sorry, something went wrong on Truce's side (error id {error_id}). "
                              "Please submit again; if it keeps happening, tell your Slack admin this id."}})
        text += " Please try again in a moment; if it keeps happening, tell your Slack admin this id."
        if context.get("user_id"):
            rt.defer(_tell, context.get("client"), body, context.get("channel_id"), context["user_id"], text,
                     error_id)
        return BoltResponse(status=200, body="")

    return handle_error


def _user_error(rt, error: UserError, body: dict[str, Any], context) -> BoltResponse:
    """A UserError no listener answered: said next to its field in a form, or with what was typed for a
    command; anything else is acknowledged and told afterwards."""
    what = typed_in(body)
    if what:
        return _json({"response_type": "ephemeral", "text": f":warning: {error}" + typed_back(what)})
    if body.get("type") == "view_submission":
        blocks = {b.get("block_id") for b in (body.get("view") or {}).get("blocks") or [] if isinstance(b, dict)}
        block_id = error.field if error.field in blocks else _first_input_block(body)
        if block_id:
            return _json({"response_action": "errors", "errors": {block_id: str(error)}})
    if context.get("user_id") and body.get("type") != "event_callback":
        rt.defer(_tell, context.get("client"), body, context.get("channel_id"), context["user_id"],
                 f":warning: {error}", "-")
    return BoltResponse(status=200, body="")


def _tell(client, body: dict[str, Any], channel_id: str | None, user_id: str, text: str, error_id: str) -> None:
    try:
        if body.get("response_url"):
            WebhookClient(body["response_url"], timeout=5).send_dict(
                {"text": text, "response_type": "ephemeral", "replace_original": False})
        elif channel_id:
            send_ephemeral(client, channel=channel_id, user=user_id, text=text)
        else:  # a modal or the Home tab: no channel to whisper in, so a DM
            client.chat_postMessage(channel=user_id, text=text)
    except (SlackApiError, OSError) as exc:  # the note itself failed: the log still has the id
        log.error("error %s: could not tell the user: %r", error_id, exc)
