"""A signed body, checked to be what Slack sends before Bolt parses it (anything else is a 400):
UTF-8; JSON (the Events API) or a form (slash commands, and interactivity as a JSON object in its
`payload` field); one JSON object; and the fields Bolt routes on of the types Slack gives them."""

from __future__ import annotations

from types import NoneType
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context

from bot.web_input import HttpError, json_object, media_type

JSON, FORM = "application/json", "application/x-www-form-urlencoded"

# What Bolt's matchers and Truce's middleware read before any listener runs, as Slack sends it.
SHAPES: dict[str, type | tuple[type, ...]] = {
    "type": str, "command": str, "text": str, "callback_id": str, "trigger_id": str, "response_url": str,
    "team_id": str, "user_id": str, "channel_id": str, "event_id": str, "api_app_id": str,
    "event": dict, "view": dict, "container": dict, "message": dict, "actions": list, "response_urls": list,
    "authorizations": list, "user": (dict, str), "channel": (dict, str), "team": (dict, str, NoneType),
    "enterprise": (dict, str, NoneType),
}
CONTEXT_IDS = ("team_id", "enterprise_id", "user_id", "channel_id", "actor_team_id", "actor_enterprise_id",
               "actor_user_id")


def _bad(reason: str) -> HttpError:
    return HttpError("400 Bad Request", reason)


def _data(text: str, media: str) -> dict[str, Any]:
    if media == JSON:
        return json_object(text, storable_only=False)
    if media != FORM:
        raise _bad(f"Content-Type {media or '(none)'} is not one Slack sends ({JSON} or {FORM}).")
    if text.startswith("{"):  # Bolt would read it as JSON; Slack never sends a form like that
        raise _bad("A form body must not be JSON.")
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return json_object(form["payload"], "The payload field", storable_only=False)
    return form


def _check_shape(data: dict[str, Any]) -> None:
    for key, kinds in SHAPES.items():
        if key in data and not isinstance(data[key], kinds):
            raise _bad(f"The field {key} is not what Slack sends.")
    actions = data.get("actions")
    if actions is not None and (not actions or not all(isinstance(a, dict) for a in actions)):
        raise _bad("The field actions is not what Slack sends.")
    event = data.get("event")
    if event is not None and not isinstance(event.get("type"), str):
        raise _bad("The field event has no type.")


def bolt_request(environ: dict[str, Any], body: bytes) -> BoltRequest:
    """The request Bolt dispatches, or HttpError 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("The body is not UTF-8.") from None
    media = media_type(environ)
    data = _data(text, media)
    if not data:
        raise _bad("The body is empty.")
    _check_shape(data)
    headers = {k[5:].lower().replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    headers["content-type"] = media
    try:
        request = BoltRequest(body=text, query=environ.get("QUERY_STRING", ""), headers=headers)
        # Bolt takes any form with the word "payload" in it for interactivity, finds no payload field and
        # reads nothing: `/intel new payload pricing` would vanish. It gets the body as parsed here.
        request.body = data
        request.context = build_context(BoltContext({}), data)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        raise _bad("The body's fields are not what Slack sends.") from None
    for key in CONTEXT_IDS:
        if not isinstance(request.context.get(key), str | NoneType):
            raise _bad(f"The body's {key} is not what Slack sends.")
    return request
