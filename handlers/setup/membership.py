"""Keeps team membership current from member_joined_channel / member_left_channel, and who people are
(names, Slack admins) from user_change / team_join."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext

from bot import delivery
from bot.people import refresh_teams, remember_user
from bot.runtime import Runtime
from bot.setup import members, workspaces
from handlers.common import in_background

log = logging.getLogger(__name__)


def member_joined(event: dict, context: BoltContext, rt: Runtime) -> None:
    team_id, channel, user_id = context["team_id"], event["channel"], event["user"]
    bot_joined = user_id == context.get("bot_user_id")
    with rt.session() as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        if ws is None:
            return
        if bot_joined:
            woken = delivery.wake_channel(session=session, team_id=team_id, channel=channel)
            log.info("Truce was invited to %s; %d waiting posts go out now", channel, woken)
        else:
            members.joined(session=session, ws=ws, channel=channel, user_id=user_id, present=True)
    if bot_joined:  # after the answer: what waited for the invite goes out, and the teams are re-read
        in_background(context, delivery.kick, rt)
        in_background(context, refresh_teams, rt, team_id)


def member_left(event: dict, context: BoltContext, rt: Runtime) -> None:
    with rt.session() as session:
        ws = workspaces.get_workspace(session=session, team_id=context["team_id"])
        if ws is not None:
            members.joined(session=session, ws=ws, channel=event["channel"], user_id=event["user"], present=False)


def user_changed(event: dict, context: BoltContext, rt: Runtime) -> None:
    """A person's name or admin role changed, or someone joined the workspace: remembered as Slack says."""
    user = event.get("user")
    if not isinstance(user, dict):
        return
    with rt.session() as session:
        remember_user(session, context["team_id"], user)
