"""The App Home tab, published when opened and on Refresh: every feature's section (Feature.home_section)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.setup import members, workspaces
from bot.setup.blocks_home import home_view
from handlers.common import later


def publish_home(*, client: WebClient, context: BoltContext, rt: Runtime, user_id: str) -> None:
    """(Re)publish a person's Home tab, after the answer to Slack."""
    later(context, _publish, rt, client, team_id=context["team_id"], user_id=user_id)


def _publish(rt: Runtime, client: WebClient, *, team_id: str, user_id: str) -> None:
    with rt.session() as session:  # read afresh: the click may have just changed it
        ws = workspaces.ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
        teams = members.teams_of(session=session, team_id=ws.team_id, user_id=user_id)
        sections = [f.home_section(session, ws, user_id) for f in rt.features if f.home_section is not None]
        view = home_view(ws, teams, missing=workspaces.missing_channels(ws), sections=sections)
    client.views_publish(user_id=user_id, view=view)


def home_opened(event: dict, client: WebClient, context: BoltContext, rt: Runtime) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client=client, context=context, rt=rt, user_id=event["user"])


def refresh_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime) -> None:
    ack()
    publish_home(client=client, context=context, rt=rt, user_id=body["user"]["id"])
