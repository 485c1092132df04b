"""One error handler: any exception becomes a short, friendly, ephemeral note with an error id
that is also in the log. What the person typed is echoed back so nothing is lost."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.delivery import send_ephemeral
from bot.slack_text import echo, typed

log = logging.getLogger("truce.errors")


def _typed(body: dict[str, Any]) -> str:
    if body.get("command"):
        return typed(body["command"], body.get("text"))
    return ""


def handle_error(error: Exception, body: dict[str, Any], context, client, respond=None) -> BoltResponse | None:
    error_id = uuid.uuid4().hex[:8]
    log.error("error %s while handling %s: %r", error_id, body.get("type") or body.get("command"), error,
              exc_info=error)
    text = f":warning: Sorry, something went wrong on Truce's side (error id `{error_id}`)."
    what = _typed(body)
    if what:
        text += " " + echo(what, "Here is what you typed, so you can try again:")
    else:
        text += " Please try again in a moment; if it keeps happening, tell your Slack admin this id."
    user_id = context.get("user_id")
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif user_id and context.get("channel_id"):
            send_ephemeral(client, channel=context["channel_id"], user=user_id, text=text)
        elif user_id:  # a modal or the Home tab: no channel to whisper in, so a DM
            client.chat_postMessage(channel=user_id, text=text)
    except (SlackApiError, OSError) as exc:  # the note itself failed: the log still has the id
        log.error("error %s: could not tell the user: %r", error_id, exc)
    if body.get("type") == "view_submission":
        # Keep the modal open with what was typed; Slack shows a general error for non-200.
        return BoltResponse(status=500, body="")
    return None
