"""One listener for reaction_added / reaction_removed that hands each event to the features.

Bolt runs only the first matching listener for an event, so features do not listen to
reactions themselves: they put a handler in REACTIONS (in their register()), keyed by feature.
A handler returns True when the reaction was its business (then no later handler sees it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

log = logging.getLogger(__name__)

# feature -> handler(event=, context=, client=, removed=) -> bool. Tried in insertion order.
ReactionHandler = Callable[..., bool]
REACTIONS: dict[str, ReactionHandler] = {}


def register(app: App) -> None:
    app.event("reaction_added")(reaction_added)
    app.event("reaction_removed")(reaction_removed)


def _dispatch(event: dict, context, client: WebClient, removed: bool) -> None:
    if event.get("item", {}).get("type") != "message" or event.get("user") == context.get("bot_user_id"):
        return
    for name, handler in list(REACTIONS.items()):
        if handler(event=event, context=context, client=client, removed=removed):
            log.debug("reaction :%s: handled by %s", event.get("reaction"), name)
            return


def reaction_added(event: dict, context, client: WebClient) -> None:
    _dispatch(event, context, client, removed=False)


def reaction_removed(event: dict, context, client: WebClient) -> None:
    _dispatch(event, context, client, removed=True)
