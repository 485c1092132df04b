"""The battlecard button (on shares that name a competitor, and on App Home): opens the battlecard."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import now
from bot.competitors import lookup as battlecards
from bot.competitors.blocks_battlecard import battlecard_modal
from bot.models import Workspace
from bot.runtime import Runtime
from handlers.common import later, tell_later


def battlecard_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond,
                       rt: Runtime, ws: Workspace) -> None:
    with rt.session() as session:
        card = battlecards.by_id(session=session, ws=ws, competitor_id=body["actions"][0].get("value"), at=now())
        view = battlecard_modal(card) if card is not None else None
    ack()
    if view is None:
        tell_later(context, respond, "That competitor is no longer on the list: `/intel competitors` shows it.")
        return
    later(context, client.views_open, trigger_id=body["trigger_id"], view=view)
