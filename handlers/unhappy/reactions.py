"""Reactions on a customer alert do what its buttons do (emoji are per-workspace settings):
claim (default :raising_hand:), acknowledge (:eyes:) and resolve (:white_check_mark:).

The handler only takes reactions, with one of those emoji, on messages that are Truce alerts;
everything else is left to the other features. Removing a reaction changes nothing. Someone
who may not do what the emoji asks gets an ephemeral note saying why; Slack's retries of an event
are dropped before they get here (bot.app), and a repeated claim or acknowledgement changes nothing.

A person on both teams who reacts to claim gets the side still missing an owner; when both are
missing, an ephemeral note asks which side (two buttons).
"""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot import delivery
from bot.block_kit import section
from bot.db import pk
from bot.ids import UnhappyIds
from bot.models import Workspace
from bot.runtime import Runtime
from bot.unhappy import lifecycle as life
from bot.unhappy import owners as unhappy_owners
from bot.unhappy import reports as unhappy
from bot.unhappy.blocks_alert import TEAM_NAME
from bot.unhappy.prefs import get_prefs
from handlers.common import later
from handlers.unhappy.actions import claim_for, run


def _role(ws, name: str) -> str | None:
    name = name.split("::", 1)[0]  # raising_hand::skin-tone-3 is raising_hand
    return next((role for role, emoji in get_prefs(ws).emoji.items() if emoji == name), None)


def on_reaction(*, event: dict, context: BoltContext, client: WebClient, rt: Runtime, ws: Workspace | None,
                removed: bool) -> bool:
    item = event.get("item") or {}
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if not (channel and ts and user):
        return False
    with rt.session() as session:
        role = _role(ws, event.get("reaction", "")) if ws else None
        if ws is None or role is None:
            return False
        report = unhappy.find_by_alert(session=session, team_id=ws.team_id, channel=channel, ts=ts)
        if report is None:
            return False
        report_id = pk(report.id)
        user_teams = unhappy_owners.teams(session=session, ws=ws, user_id=user)
    if removed:
        return True
    note = None
    if role == "claim":
        note = _claim(context, rt, ws, user, report, user_teams, client, channel)
    elif role == "ack":
        _, note = run(rt, ws, lambda s, w: unhappy_owners.acknowledge(session=s, ws=w, report_id=report_id,
                                                                   user_id=user))
    else:
        _, note = run(rt, ws, lambda s, w: life.resolve(session=s, ws=w, report_id=report_id, user_id=user))
    if note:
        later(context, delivery.send_ephemeral, client, channel=channel, user=user,
              text=note if note.startswith(":") else f":no_entry: {note}")
    return True


def _claim(context: BoltContext, rt: Runtime, ws: Workspace, user: str, report, user_teams: set[str], client: WebClient,
           channel: str) -> str | None:
    if len(user_teams) < 2:
        team = next(iter(user_teams), "sales")
        note = claim_for(rt, ws, user, report_id=report.id, team=team)
        return None if note and note.startswith("You already own") else note
    mine = [t for t in ("sales", "marketing") if report.owner(t) == user]
    missing = [t for t in ("sales", "marketing") if report.owner(t) is None]
    if len(missing) == 1:  # refused, with the reason, when they already own the other side
        return claim_for(rt, ws, user, report_id=report.id, team=missing[0])
    if not missing:  # both sides owned: say by whom, unless one of them is theirs
        return None if mine else claim_for(rt, ws, user, report_id=report.id, team="sales")
    value = str(report.id)
    blocks = [
        section("You're on both teams. Which side of this alert do you take?"),
        ActionsBlock(elements=[
            ButtonElement(text=f"Claim for {TEAM_NAME['sales']}", action_id=UnhappyIds.PICK_SALES, value=value),
            ButtonElement(text=f"Claim for {TEAM_NAME['marketing']}", action_id=UnhappyIds.PICK_MARKETING,
                          value=value),
        ]),
    ]
    later(context, delivery.send_ephemeral, client, channel=channel, user=user,
          text="You're on both teams: which side do you take?", blocks=blocks)
    return None
