"""/joint: the next meeting, help, schedule, agenda items, customers' needs, minutes, announce.
The plan's sub-command is in handlers/joint/plan.py, the buttons and modals (and the schedule and outcomes
they share with these commands) in handlers/joint/meeting.py."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import now
from bot.feature import SubCommand, joint_commands
from bot.ids import Command
from bot.joint import meetings, posts
from bot.joint.blocks_forms import schedule_modal
from bot.joint.blocks_meeting import status_text
from bot.joint.prefs import schedule_of
from bot.joint.schedule import USAGE, next_dates, parse_schedule, when_text
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.runtime import Runtime
from bot.setup.blocks_help import help_blocks, help_text
from bot.slack_text import echo_command, esc
from bot.user_error import UserError
from handlers.common import later, lead_refusal, route
from handlers.joint.meeting import open_outcomes, save_schedule, schedule_summary
from handlers.joint.plan import plan_command

YOU_TYPED = "You typed:"


def joint_command(ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace) -> None:
    # Its own words, then other features' (their Feature.joint_commands, e.g. the scorecard's).
    words = {**joint_commands(rt.features), **SUBCOMMANDS}
    route(Command.JOINT, words, ack=ack, command=command, client=client, context=context, respond=respond,
          rt=rt, ws=ws)


def next_meeting(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    """/joint alone: the next meeting, then the help."""
    text = show_next(rt=rt, ws=ws)
    ack(text=text + "\n\n" + help_text("/joint"), blocks=help_blocks("/joint", intro=text))


def show_next(*, rt: Runtime, ws: Workspace) -> str:
    with rt.session() as session:
        up = meetings.upcoming(session=session, ws=ws)
        if up is None:
            return meetings.NO_UPCOMING
        return status_text(quarter=up.quarter, starts_at=up.starts_at, prompt_at=up.prompt_at, timezone=ws.timezone,
                           announced=up.meeting is not None, schedule=schedule_of(ws).describe())


# --- schedule -------------------------------------------------------------------------------------


def schedule(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
             ws: Workspace, rest: str) -> None:
    refusal = lead_refusal(rt, ws, context["user_id"], "change the joint meeting schedule")
    current = schedule_of(ws)
    if not rest:
        if refusal is None:
            ack()
            later(context, client.views_open, trigger_id=command["trigger_id"], view=schedule_modal(
                current, timezone=ws.timezone, next_three=next_dates(current, calendar_of(ws), after=now())))
            return
        ack(text=schedule_summary(ws, current) + "\n" + refusal)
        return
    if refusal:
        ack(text=refusal + f" {echo_command(command, YOU_TYPED)}\n"
            + schedule_summary(ws, current))
        return
    try:
        new = parse_schedule(rest, current)
    except UserError as exc:
        ack(text=f"{esc(str(exc))} {USAGE}\n{echo_command(command, YOU_TYPED)}")
        return
    ack(text=save_schedule(rt, ws, new))


# --- agenda items and needs ------------------------------------------------------------------------


def add_agenda_item(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                    ws: Workspace, rest: str) -> None:
    try:
        with rt.session() as session:
            up = meetings.upcoming(session=session, ws=ws)
            if up is None:
                raise UserError(meetings.NO_UPCOMING)
            meetings.add_agenda_item(session=session, team_id=ws.team_id, quarter=up.quarter, text=rest,
                                     user_id=context["user_id"])
            if up.meeting is not None:
                posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=up.meeting)
            when = when_text(up.starts_at, ws.timezone)
    except UserError as exc:
        ack(text=f"{exc}\n{echo_command(command, YOU_TYPED)}")
        return
    ack(text=f":white_check_mark: Added to the agenda of the {up.quarter} joint meeting ({when}).")


def add_need(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
             ws: Workspace, rest: str) -> None:
    try:
        with rt.session() as session:
            need = meetings.add_need(session=session, ws=ws, text=rest, user_id=context["user_id"])
            up = meetings.upcoming(session=session, ws=ws)
            if up is not None and up.meeting is not None:
                posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=up.meeting)
    except UserError as exc:
        ack(text=f"{exc}\n{echo_command(command, YOU_TYPED)}")
        return
    ack(text=f":white_check_mark: Recorded as a customer's future need for {need.quarter}; the joint meeting's "
             "agenda lists it.")


# --- minutes and announce --------------------------------------------------------------------------


def minutes(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
            ws: Workspace, rest: str) -> None:
    refused = open_outcomes(client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"],
                            meeting_id=None)
    ack(text=refused or "")


def announce(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
             ws: Workspace, rest: str) -> None:
    refusal = lead_refusal(rt, ws, context["user_id"], "post the prompt early")
    if refusal:
        ack(text=refusal + f" It goes out on its own {schedule_of(ws).prompt_days} "
                                                         "days before the meeting.")
        return
    with rt.session() as session:
        meeting = posts.announce_next(session, sources=rt.agenda_sources, ws=ws, by=rt.name)
    if meeting is None:
        ack(text="The next meeting's prompt is already out: see the joint channel.")
        return
    where = f"<#{ws.joint_channel}>" if ws.joint_channel else "the leads' DMs (no joint channel: `/truce setup`)"
    ack(text=f":mega: The {meeting.quarter} prompt is posted to {where}.")


# /joint <word>: each is called with the Bolt arguments and `rest`.
SUBCOMMANDS: Mapping[str, SubCommand] = MappingProxyType({
    "": next_meeting, "schedule": schedule, "agenda": add_agenda_item, "needs": add_need, "need": add_need,
    "minutes": minutes, "announce": announce, "plan": plan_command,
})
