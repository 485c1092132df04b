"""A signed body, checked to be what Slack sends before Bolt parses it (anything else is a 400):
UTF-8; JSON (the Events API) or a form (slash commands, and interactivity as a JSON object in its
`payload` field); one JSON object; and the fields Bolt routes on of the types Slack gives them."""

from __future__ import annotations

import re
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
# What Slack always sends, per payload type, that Bolt reads without a fallback (a missing one made Bolt
# raise before any listener ran: a 500), or that every listener of that type starts from. A path is a
# list of keys; "*" is every item of a list. ID: text that is never empty (an ID, a URL): Bolt leaves
# an empty user_id out of the context, and listeners then fail. A body missing one is not Slack's.
Path = tuple[str, ...]
Kind = type | tuple[type, ...] | str
ID = "non-empty text"
_USER: list[tuple[Path, Kind]] = [(("user",), dict), (("user", "id"), ID)]
REQUIRED: dict[str, list[tuple[Path, Kind]]] = {
    # slack_bolt.request.payload_utils.is_workflow_step_save reads view["type"]; views are matched on
    # view["callback_id"]; listeners answer with view["id"] and read view["state"]["values"].
    "view_submission": [*_USER, (("view", "id"), ID), (("view", "type"), ID), (("view", "callback_id"), str),
                        (("view", "state"), dict), (("view", "state", "values"), dict)],
    "view_closed": [*_USER, (("view", "id"), ID), (("view", "callback_id"), str)],
    # builtins._block_action reads actions[0]["action_id"].
    "block_actions": [*_USER, (("actions", "*", "action_id"), ID)],
    "shortcut": [*_USER, (("callback_id",), ID), (("trigger_id",), ID)],
    "message_action": [*_USER, (("callback_id",), ID), (("trigger_id",), ID), (("channel",), dict),
                       (("channel", "id"), ID), (("message",), dict), (("message", "ts"), ID)],
    # builtins._block_suggestion reads body["action_id"].
    "block_suggestion": [*_USER, (("action_id",), ID), (("block_id",), str), (("value",), str)],
    # Every event_callback is matched on event["type"].
    "event_callback": [(("event",), dict), (("event", "type"), ID)],
    "url_verification": [(("challenge",), str)],
}
# A slash command (a form with a `command` field): what every command listener starts from.
COMMAND: list[tuple[Path, Kind]] = [(("command",), ID), (("text",), str), (("user_id",), ID), (("channel_id",), ID),
                                    (("team_id",), ID), (("trigger_id",), ID), (("response_url",), ID)]
# Not always there, but of this kind when they are (what listeners take apart).
OPTIONAL: list[tuple[Path, Kind]] = [
    (("actions", "*", "block_id"), str), (("actions", "*", "value"), str), (("actions", "*", "type"), str),
    (("actions", "*", "selected_option"), (dict, NoneType)), (("view", "private_metadata"), str),
    (("view", "hash"), str), (("message", "ts"), str), (("message", "text"), str), (("container", "type"), str),
]
URL = re.compile(r"https?://[^\s]+")
SLACK_ID = re.compile(r"[A-Z0-9]{1,40}")
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
    required = COMMAND if "command" in data else REQUIRED.get(data.get("type") or "", [])
    for path, kind in required:
        if not all(_fits(value, kind) for value in _values(data, path)):
            raise _bad(f"The field {_name(path)} is missing or not what Slack sends.")
    for path, kind in OPTIONAL:
        if not all(value is _MISSING or _fits(value, kind) for value in _values(data, path)):
            raise _bad(f"The field {_name(path)} is not what Slack sends.")
    response_url = data.get("response_url")
    if response_url is not None and not URL.fullmatch(response_url):
        raise _bad("The field response_url is not a URL.")


_MISSING = object()


def _fits(value: Any, kind: Kind) -> bool:
    if isinstance(kind, str):  # ID, the one kind named by text
        return isinstance(value, str) and value != ""
    return isinstance(value, kind)


def _name(path: Path) -> str:
    return ".".join(p for p in path if p != "*")


def _values(data: Any, path: Path) -> list[Any]:
    """What is at `path` in `data` (one value; one per item at a "*"); _MISSING where nothing is."""
    values = [data]
    for key in path:
        if key == "*":
            values = [item for v in values for item in (v if isinstance(v, list) else [_MISSING])]
        else:
            values = [v.get(key, _MISSING) if isinstance(v, dict) else _MISSING for v in values]
    return values


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
        # The body is parsed once, here: Bolt takes any form with the word "payload" in it for
        # interactivity, finds no payload field and reads nothing (`/intel new payload pricing` would
        # vanish), so it gets the body as parsed here, and the raw text beside it.
        request = BoltRequest(body="", query=environ.get("QUERY_STRING", ""), headers=headers)
        request.raw_body = text
        request.body = data
        request.context = build_context(BoltContext({}), data)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        raise _bad("The body's fields are not what Slack sends.") from None
    for key in CONTEXT_IDS:  # Slack's IDs (T…, U…, C…, E…): what listeners store and mention
        value = request.context.get(key)
        if value is not None and not (isinstance(value, str) and SLACK_ID.fullmatch(value)):
            raise _bad(f"The body's {key} is not what Slack sends.")
    return request
