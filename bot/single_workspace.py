"""A single-token install (one SLACK_BOT_TOKEN, no OAuth) serves only the workspace of that token.

A request signed with the app's signing secret can still come from another workspace (the app is
distributed, or its manifest reused). Served, it would create a workspace row for that team and post
its people's text into the token's channels. So it is refused here, before anything else runs: a
slash command gets a short note in the answer itself (no Slack call), anything else an empty 200
(Slack does not retry it), and one line is logged. Installed through OAuth, every installed
workspace is served with its own token and this check stays out of the way.

The token's workspace is `rt.team_id`, which bootstrap learns from auth.test at start (or start-up
stops, bot/bootstrap.py); until it is known, nothing is served.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.runtime import Runtime

log = logging.getLogger(__name__)

NOTE = ("This Truce is set up for another Slack workspace, so it can't act here. "
        "Ask your Slack admin to install Truce for this workspace.")


def only_the_tokens_workspace(rt: Runtime) -> Callable[..., Any]:
    """Bolt middleware: refuse a request from any workspace but the bot token's."""

    def middleware(body: dict[str, Any], context, next):
        if rt.installations is not None:
            return next()
        team_id = context.get("team_id")
        if team_id is not None and team_id == rt.team_id:
            return next()
        what = body.get("command") or (body.get("event") or {}).get("type") or body.get("type") or "request"
        log.warning("refused %s from workspace %s: this Truce serves only workspace %s (single bot token)",
                    what, team_id, rt.team_id or "(not known yet)")
        return BoltResponse(status=200, body=NOTE if body.get("command") else "")

    return middleware
