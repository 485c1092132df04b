"""/truce: help, setup (admins and leads), team overrides, whoami."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import delivery
from bot.errors import typed_back
from bot.feature import SubCommand, truce_commands
from bot.ids import Command, SetupIds
from bot.models import Workspace
from bot.people import in_directory, refresh_teams
from bot.runtime import Runtime
from bot.setup import members, workspaces
from bot.setup.blocks_setup import setup_modal, setup_saved_text
from bot.slack_text import quoted
from bot.user_error import UserError
from handlers.common import in_background, input_value, later, lead_refusal, route

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
TEAM_CHOICES = ("sales", "marketing", "both", "neither", "auto")


def truce_command(ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace) -> None:
    # setup, team and whoami are setup's own; every other word is a feature's (its Feature.truce_commands),
    # e.g. "csat", "strategy", "win".
    route(Command.TRUCE, {**SUBCOMMANDS, **truce_commands(rt.features)}, ack=ack, command=command, client=client,
          context=context, respond=respond, rt=rt, ws=ws, all_help=True)


def setup_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace, rest: str) -> None:
    open_setup(ack=ack, client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"])


def team_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    ack(text=set_team(rest=rest, context=context, rt=rt, ws=ws))


def whoami_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                   rt: Runtime, ws: Workspace, rest: str) -> None:
    ack(text=whoami(context=context, rt=rt))


def open_setup(*, ack: Ack, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace,
               trigger_id: str) -> None:
    refusal = lead_refusal(rt, ws, context["user_id"], "change the setup")
    if refusal:
        ack(text=refusal + " Ask one of them to run `/truce setup`; `/truce whoami` "
                                                   "shows your team.")
        return
    ack()
    later(context, client.views_open, trigger_id=trigger_id, view=setup_modal(ws))


def setup_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    values = view["state"]["values"]
    data = workspaces.SetupData(
        sales_channel=input_value(values, SetupIds.SALES_BLOCK, SetupIds.SALES),
        marketing_channel=input_value(values, SetupIds.MARKETING_BLOCK, SetupIds.MARKETING),
        joint_channel=input_value(values, SetupIds.JOINT_BLOCK, SetupIds.JOINT),
        alerts_channel=input_value(values, SetupIds.ALERTS_BLOCK, SetupIds.ALERTS),
        timezone=input_value(values, SetupIds.TIMEZONE_BLOCK, SetupIds.TIMEZONE) or "",
        lead_user_ids=tuple(input_value(values, SetupIds.LEADS_BLOCK, SetupIds.LEADS) or ()),
    )
    blocks_by_field = {
        "sales_channel": SetupIds.SALES_BLOCK, "marketing_channel": SetupIds.MARKETING_BLOCK,
        "joint_channel": SetupIds.JOINT_BLOCK, "alerts_channel": SetupIds.ALERTS_BLOCK,
        "timezone": SetupIds.TIMEZONE_BLOCK,
    }
    try:
        workspaces.validate_setup(data)
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(blocks_by_field): str(exc)})
        return
    # Saved before ack(): if saving fails, the modal stays open with everything typed in it.
    refusal = lead_refusal(rt, ws, context["user_id"], "change the setup")
    if refusal:
        ack(response_action="errors", errors={SetupIds.SALES_BLOCK: refusal})
        return
    with rt.session() as session:
        ws = workspaces.update_setup(session=session, team_id=context["team_id"], data=data, settings=rt.settings)
        delivery.queue_post(session, team_id=ws.team_id, channel=context["user_id"],
                            text=setup_saved_text(ws))
    ack()
    in_background(context, refresh_teams, rt, ws.team_id)


def set_team(*, rest: str, context: BoltContext, rt: Runtime, ws: Workspace) -> str:
    parts = rest.split()
    usage = ("Put someone on a team like this: `/truce team @dana marketing` "
             f"(one of: {', '.join(TEAM_CHOICES)}).")
    match = USER_MENTION.match(parts[0]) if parts else None
    if len(parts) != 2 or match is None or parts[1].lower() not in TEAM_CHOICES:
        return f"I couldn't read that. {usage}" + typed_back(f"/truce team {rest}")
    user_id, choice = match.group(1), parts[1].lower()
    refusal = lead_refusal(rt, ws, context["user_id"], "put people on teams by hand")
    if refusal:
        return refusal
    with rt.session() as session:
        if not in_directory(session, ws.team_id, user_id):
            return (f"I can't find {quoted(user_id)} among this workspace's people, so I can't put them on a "
                    f"team. Mention them as Slack suggests when you type @ and their name. {usage}"
                    + typed_back(f"/truce team {rest}"))
        members.set_override(session=session, team_id=ws.team_id, user_id=user_id, choice=choice)
        teams = members.teams_of(session=session, team_id=ws.team_id, user_id=user_id)
    return (f"<@{user_id}> is now on: {_teams_text(teams)}"
            + (" (following channel membership)." if choice == "auto" else " (set by hand)."))


def _teams_text(teams) -> str:
    return " and ".join(sorted(t.value for t in teams)) or "no team"


def whoami(*, context: BoltContext, rt: Runtime) -> str:
    with rt.session() as session:
        member = members.get_member(session=session, team_id=context["team_id"], user_id=context["user_id"])
        teams = members.teams_of(session=session, team_id=context["team_id"], user_id=context["user_id"])
    how = "by hand" if member and (member.sales_override is not None or member.marketing_override is not None) \
        else "from the sales and marketing channels you are in"
    return f"You are on: *{_teams_text(teams)}* ({how})."


# /truce <word> for setup's own words: each is called with the Bolt arguments and `rest`.
SUBCOMMANDS: Mapping[str, SubCommand] = MappingProxyType({
    "setup": setup_command, "team": team_command, "whoami": whoami_command,
})
