"""A workspace that uninstalls Truce (or revokes its tokens) is forgotten: nothing more is sent there."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext

from bot.runtime import Runtime

log = logging.getLogger(__name__)


def uninstalled(event: dict, context: BoltContext, rt: Runtime) -> None:
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens were revoked: the bot still works
    if rt.installations is not None:
        rt.installations.delete_bot(enterprise_id=context.get("enterprise_id"), team_id=context["team_id"])
    log.info("Truce was removed from workspace %s (%s)", context["team_id"], event.get("type"))
