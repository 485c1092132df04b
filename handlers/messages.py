"""One listener for every `message` event, handing each to the features that care.

Truce does not read ordinary conversation: features act on a few kinds of message event (an edit
or a deletion of a message they keep track of). Everything else is acknowledged and dropped
quietly. Features put a handler in MESSAGES (in their register()), keyed by feature; a handler
returns True when the event was its business (then no later handler sees it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

log = logging.getLogger(__name__)

# feature -> handler(event=, context=, client=) -> bool. Tried in insertion order.
MessageHandler = Callable[..., bool]
MESSAGES: dict[str, MessageHandler] = {}


def register(app: App) -> None:
    app.event("message")(message_event)


def message_event(event: dict, context, client: WebClient) -> None:
    for name, handler in list(MESSAGES.items()):
        if handler(event=event, context=context, client=client):
            log.debug("message event (%s) handled by %s", event.get("subtype") or "message", name)
            return
