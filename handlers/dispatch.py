"""One listener each for reaction_added / reaction_removed and for `message` events, handing each event
to the features that care (Feature.reactions, Feature.messages), in the order of the features.

Bolt runs only the first matching listener for an event, so features do not listen to these events
themselves. A handler returns True when the event was its business (then no later feature sees it).
Truce does not read ordinary conversation: features act on a few kinds of message event (an edit or a
deletion of a message they keep track of); everything else is acknowledged and dropped quietly.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.models import Workspace
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("reaction_added")(reaction_added)
    app.event("reaction_removed")(reaction_removed)
    app.event("message")(message_event)


def _reaction(event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace,
              removed: bool) -> None:
    if event.get("item", {}).get("type") != "message" or event.get("user") == context.get("bot_user_id"):
        return
    for feature in rt.features:
        if feature.reactions and feature.reactions(event=event, context=context, client=client, rt=rt, ws=ws,
                                                       removed=removed):
            log.debug("reaction :%s: handled by %s", event.get("reaction"), feature.name)
            return


def reaction_added(event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace) -> None:
    _reaction(event, context, client, rt, ws, removed=False)


def reaction_removed(event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace) -> None:
    _reaction(event, context, client, rt, ws, removed=True)


def message_event(event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace) -> None:
    for feature in rt.features:
        if feature.messages and feature.messages(event=event, context=context, client=client, rt=rt, ws=ws):
            log.debug("message event (%s) handled by %s", event.get("subtype") or "message", feature.name)
            return
