"""The strategy search form (App Home button, or `/truce strategy search` alone): results update the form."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.ids import PlaybookIds as Ids
from bot.models import Workspace
from bot.playbook import strategies, strategy_search
from bot.playbook.blocks_strategies import result_blocks
from bot.playbook.blocks_strategy_forms import search_modal
from bot.runtime import Runtime
from handlers.common import input_value, later


def search_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    ack()
    later(context, client.views_open, trigger_id=body["trigger_id"], view=search_modal())


def search_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    query = input_value(view["state"]["values"], Ids.QUERY_BLOCK, Ids.VALUE) or ""
    if not strategy_search.words_of(query):
        ack(response_action="errors", errors={Ids.QUERY_BLOCK: "Type a word or two to look for."})
        return
    with rt.session() as session:
        result = strategy_search.search(session=session, team_id=ws.team_id, text=query)
    # The form is updated in place: the words typed stay in it, the results appear below.
    results = result_blocks(result, query, strategies.today_in(ws))
    ack(response_action="update", view=search_modal(query=query, results=results))

