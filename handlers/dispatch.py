"""One listener each for reaction_added / reaction_removed and for `message` events, handing each event
to the features that care (Feature.reactions, Feature.messages), in the order of the features.

Bolt runs only the first matching listener for an event, so features do not listen to these events
themselves. A handler returns True when the event was its business (then no later feature sees it).
Truce does not read ordinary conversation: features act on a few kinds of message event (an edit or a
deletion of a message they keep track of); everything else is acknowledged and dropped quietly.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from handlers.common import rt_of

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("reaction_added")(reaction_added)
    app.event("reaction_removed")(reaction_removed)
    app.event("message")(message_event)


def _reaction(event: dict, context, client: WebClient, removed: bool) -> None:
    if event.get("item", {}).get("type") != "message" or event.get("user") == context.get("bot_user_id"):
        return
    for feature in rt_of(context).features:
        if feature.reactions and feature.reactions(event=event, context=context, client=client, removed=removed):
            log.debug("reaction :%s: handled by %s", event.get("reaction"), feature.name)
            return


def reaction_added(event: dict, context, client: WebClient) -> None:
    _reaction(event, context, client, removed=False)


def reaction_removed(event: dict, context, client: WebClient) -> None:
    _reaction(event, context, client, removed=True)


def message_event(event: dict, context, client: WebClient) -> None:
    for feature in rt_of(context).features:
        if feature.messages and feature.messages(event=event, context=context, client=client):
            log.debug("message event (%s) handled by %s", event.get("subtype") or "message", feature.name)
            return
