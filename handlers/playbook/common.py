"""What the strategy and win/loss listeners share: who may write, telling people."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot import delivery
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.runtime import Runtime
from bot.setup import members
from bot.setup.team import Team
from handlers.common import later, send_response


def may_write(rt: Runtime, ws: Workspace, user_id: str, team: Team) -> bool:
    """On `team` (marketing for strategies, sales for win/loss), or a Truce lead or Slack admin."""
    with rt.session() as session:
        teams = members.teams_of(session=session, team_id=ws.team_id, user_id=user_id)
        return team in teams or is_admin_or_lead(session, ws, user_id)


def may_edit(rt: Runtime, ws: Workspace, user_id: str, recorded_by: str) -> bool:
    """The person who recorded something, or a Truce lead or Slack admin."""
    if recorded_by == user_id:
        return True
    with rt.session() as session:
        return is_admin_or_lead(session, ws, user_id)



def tell(context: BoltContext, client: WebClient, respond: Respond | None, *, user: str, channel: str | None, text: str,
         blocks=None) -> None:
    """An ephemeral answer, after the answer to Slack: through the response_url when there is one,
    else in `channel` (or the DM)."""
    later(context, tell_now, client, respond, user=user, channel=channel, text=text, blocks=blocks)


def tell_now(client: WebClient, respond: Respond | None, *, user: str, channel: str | None, text: str,
          blocks=None) -> None:
    if respond is not None:
        send_response(respond.response_url, text=text, blocks=blocks)
    else:
        delivery.send_ephemeral(client, channel=channel or user, user=user, text=text, blocks=blocks)


def notice_outcome(results: list[delivery.Result] | None, row_id: int | None, channel: str | None, *,
                   who: str) -> str:
    """What happened to a notice to `channel`: told, on its way (results None: not sent yet), or
    waiting for Truce to be invited."""
    if row_id is None:
        return (f" {who} were not told: Truce has no sales channel yet (an admin or lead sets one with "
                "`/truce setup`).") if channel is None else ""
    if results is None:
        return f" {who} are being told in <#{channel}>."
    result = next((r for r in results if r.id == row_id), None)
    if result is not None and result.status == "sent":
        return f" {who} were told in <#{channel}>."
    if result is not None and result.error in delivery.WAIT_FOR_INVITE:
        return f" Truce isn't in <#{channel}> yet: invite it (`/invite @Truce`) and {who.lower()} are told at once."
    if result is not None and result.status == "failed":
        return f" Slack refused the notice to <#{channel}> ({result.error}); ask an admin to check `/truce setup`."
    return f" {who} will be told in <#{channel}> in a moment (Slack is slow)."


def send_notice(rt, ids: list[int], row_id: int | None, channel: str | None, *, who: str,
                tell_problem: Callable[[str], object]) -> None:
    """After the answer: send the queued posts; say so only when the notice did not go out."""
    results = delivery.delivered(rt, ids)
    result = next((r for r in results if r.id == row_id), None)
    if result is not None and result.status in ("queued", "failed"):
        tell_problem(":information_source:" + notice_outcome(results, row_id, channel, who=who))
