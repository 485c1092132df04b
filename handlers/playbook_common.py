"""What the strategy and win/loss listeners share: who may write, telling people."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import delivery
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.services import members, workspaces
from bot.services.members import Team
from handlers.common import rt_of


def workspace_of(context) -> Workspace:
    rt = rt_of(context)
    with rt.session() as session:
        return workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)


def may_write(client: WebClient, context, team: Team, user_id: str | None = None) -> bool:
    """On `team` (marketing for strategies, sales for win/loss), or a Truce lead or Slack admin."""
    user_id = user_id or context["user_id"]
    rt = rt_of(context)
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
        teams = members.teams_of(session=session, team_id=ws.team_id, user_id=user_id)
    return team in teams or is_admin_or_lead(client, ws, user_id)


def tell(client: WebClient, respond: Respond | None, *, user: str, channel: str | None, text: str,
         blocks=None) -> None:
    """An ephemeral answer: through the response_url when there is one, else in `channel` (or the DM)."""
    if respond is not None:
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    else:
        delivery.send_ephemeral(client, channel=channel or user, user=user, text=text, blocks=blocks)


def notice_outcome(results: list[delivery.Result], row_id: int | None, channel: str | None, *,
                   who: str) -> str:
    """What happened to a notice to `channel`: told, on its way, or waiting for Truce to be invited."""
    if row_id is None:
        return (f" {who} were not told: Truce has no sales channel yet (an admin or lead sets one with "
                "`/truce setup`).") if channel is None else ""
    result = next((r for r in results if r.id == row_id), None)
    if result is not None and result.status == "sent":
        return f" {who} were told in <#{channel}>."
    if result is not None and result.error in delivery.WAIT_FOR_INVITE:
        return f" Truce isn't in <#{channel}> yet: invite it (`/invite @Truce`) and {who.lower()} are told at once."
    if result is not None and result.status == "failed":
        return f" Slack refused the notice to <#{channel}> ({result.error}); ask an admin to check `/truce setup`."
    return f" {who} will be told in <#{channel}> in a moment (Slack is slow)."
