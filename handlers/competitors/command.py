"""`/intel vs <name>` (the battlecard, or the list of known competitors when the name is new) and
`/intel competitors …` (the list for everyone; merge, rename and alias for leads; a competitor's history)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.clock import now
from bot.competitors import commands, directory
from bot.competitors import lookup as battlecards
from bot.competitors.blocks_battlecard import battlecard_blocks, listing_text
from bot.competitors.blocks_list import alias_text, history_text, merged_text, renamed_text
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.runtime import Runtime
from bot.slack_text import echo, plain
from bot.user_error import UserError
from handlers.common import admins_only


def _typed(command: dict) -> str:
    return "\n" + echo(f"{command.get('command', '/intel')} {plain(command.get('text') or '')}",
                       "Here is what you typed, so you can fix it and send it again:")


def battlecard_command(*, ack: Ack, command: dict, rest: str, rt: Runtime, ws: Workspace) -> None:
    """`/intel vs Initech`: read-only, answered at once (ephemeral)."""
    try:
        name = commands.parse_vs(rest)
    except UserError as exc:
        ack(text=f":warning: {exc}")
        return
    with rt.session() as session:
        found = battlecards.by_name(session=session, ws=ws, name=name, at=now())
        answer = battlecard_blocks(found.card) if found.card is not None else None
    if answer is None:
        ack(text=f":information_source: {found.unknown_note}")
        return
    text, blocks = answer
    ack(text=text, blocks=blocks)


def competitors_command(*, ack: Ack, command: dict, context: BoltContext, rest: str, rt: Runtime,
                        ws: Workspace) -> None:
    """`/intel competitors [merge|rename|alias|history …]`: the list and the lead's changes, stored before
    the answer."""
    user_id = context["user_id"]
    try:
        change = commands.parse_list_change(rest)
        with rt.session() as session:
            if change.action == "list":
                text = listing_text(directory.listing(session=session, team_id=ws.team_id))
            elif change.action == "history":
                competitor = directory.require(session=session, team_id=ws.team_id, name=change.first)
                text = history_text(competitor, directory.history(session=session, competitor=competitor))
            elif not is_admin_or_lead(session, ws, user_id):
                text = admins_only("change the competitor list") + " `/intel competitors` shows it."
            elif change.action == "merge":
                text = merged_text(directory.merge(session=session, team_id=ws.team_id, source=change.first,
                                                   target=change.second, user_id=user_id))
            elif change.action == "rename":
                before = directory.require(session=session, team_id=ws.team_id, name=change.first).name
                renamed = directory.rename(session=session, team_id=ws.team_id, name=change.first,
                                           new_name=change.second, user_id=user_id)
                text = renamed_text(renamed, before)
            else:
                alias = directory.add_spelling(session=session, team_id=ws.team_id, name=change.first,
                                               spelling=change.second, user_id=user_id)
                competitor = directory.require(session=session, team_id=ws.team_id, name=change.first)
                text = alias_text(competitor, alias)
    except UserError as exc:
        ack(text=f":warning: {exc}{_typed(command)}")
        return
    ack(text=text)
