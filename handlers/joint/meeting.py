"""The joint meeting's buttons and modals: RSVPs, the time poll, agenda items, the schedule,
outcomes and action items."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import delivery
from bot.clock import aware, now
from bot.db import pk
from bot.ids import JointIds
from bot.joint import actions, meetings, posts
from bot.joint.blocks_forms import agenda_item_modal, outcomes_modal, propose_modal, row_block_id
from bot.joint.prefs import schedule_of, set_schedule
from bot.joint.schedule import Schedule, next_dates, validate, when_text
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.quarters import calendar_of
from bot.runtime import Runtime
from bot.setup import members
from bot.user_error import UserError
from handlers.common import input_value, later, lead_refusal, record_id, send_response, view_metadata
from handlers.setup.home import publish_home


def _value(body: dict) -> int:
    return record_id(body["actions"][0]["value"], "meeting")


def _from_home(body: dict) -> bool:
    return body.get("container", {}).get("type") == "view" and body.get("view", {}).get("type") == "home"


def _tell(context: BoltContext, body: dict, client: WebClient, respond, text: str) -> None:
    """An ephemeral answer where the click happened (the DM with Truce for the Home tab), after the answer."""
    later(context, _tell_now, body, client, respond, text)


def _tell_now(body: dict, client: WebClient, respond, text: str) -> None:
    user = body["user"]["id"]
    if body.get("response_url"):
        send_response(respond.response_url, text=text)
    else:
        delivery.send_ephemeral(client, channel=user, user=user, text=text)


def _after(body: dict, client: WebClient, context: BoltContext, rt: Runtime) -> None:
    if _from_home(body):
        publish_home(client=client, context=context, rt=rt, user_id=body["user"]["id"])


# --- RSVPs ------------------------------------------------------------------------------------------


def _rsvp(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace,
          attending: bool) -> None:
    ack()
    user = body["user"]["id"]
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=_value(body))
        if meeting is None:
            text = "That meeting is no longer on Truce's calendar."
        elif aware(meeting.starts_at) + _length(ws) <= now():
            text = f"The {meeting.quarter} meeting is over; `/joint` shows the next one."
        else:
            if meetings.rsvp(session=session, meeting=meeting, user_id=user, attending=attending):
                posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=meeting)
            when = when_text(aware(meeting.starts_at), ws.timezone)
            text = (f":white_check_mark: See you on {when}." if attending
                    else f"Noted: you can't make it on {when}. Add what you'd like discussed with `/joint agenda`.")
    _tell(context, body, client, respond, text)
    _after(body, client, context, rt)


def _length(ws) -> timedelta:
    return timedelta(minutes=schedule_of(ws).duration_minutes)


def attend_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                   ws: Workspace) -> None:
    _rsvp(ack, body, client, context, respond, rt, ws, True)


def decline_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                    ws: Workspace) -> None:
    _rsvp(ack, body, client, context, respond, rt, ws, False)


# --- the time poll ------------------------------------------------------------------------------------


def propose_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                    ws: Workspace) -> None:
    ack()
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=_value(body))
    if meeting is None or aware(meeting.starts_at) <= now():
        _tell(context, body, client, respond, "That meeting has started or passed: propose times for the next one when "
                                     "its prompt is out.")
        return
    later(context, client.views_open, trigger_id=body["trigger_id"], view=propose_modal(
        meeting_id=pk(meeting.id), quarter=meeting.quarter, starts_at=aware(meeting.starts_at), timezone=ws.timezone))


def _proposed_time(values: dict, timezone: str) -> tuple[datetime | None, dict[str, str]]:
    day_text = input_value(values, JointIds.DATE_BLOCK, JointIds.DATE)
    time_text = input_value(values, JointIds.TIME_BLOCK, JointIds.TIME)
    try:
        day = date.fromisoformat(day_text or "")
    except ValueError:
        return None, {JointIds.DATE_BLOCK: f"“{day_text or ''}” is not a date: pick one in the calendar."}
    try:
        at = time.fromisoformat(time_text or "")
    except ValueError:
        return None, {JointIds.TIME_BLOCK: f"“{time_text or ''}” is not a time: pick one, like 10:00."}
    return datetime.combine(day, at, ZoneInfo(timezone)).astimezone(UTC), {}


def propose_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                      ws: Workspace) -> None:
    user = body["user"]["id"]
    meeting_id = view_metadata(view).get("meeting")
    with rt.session() as session:
        starts_at, errors = _proposed_time(view["state"]["values"], ws.timezone)
        if errors or starts_at is None:  # no time without errors saying why
            ack(response_action="errors", errors=errors)
            return
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=meeting_id or 0)
        if meeting is None or aware(meeting.starts_at) <= now():
            ack(response_action="errors", errors={JointIds.DATE_BLOCK: "This meeting has started: it can't move now."})
            return
        if starts_at <= now():
            ack(response_action="errors", errors={
                JointIds.TIME_BLOCK: f"{when_text(starts_at, ws.timezone)} is in the past: choose a time ahead."})
            return
        try:
            meetings.propose_time(session=session, meeting=meeting, user_id=user, starts_at=starts_at)
        except UserError as exc:
            session.rollback()
            ack(response_action="errors", errors={JointIds.TIME_BLOCK: str(exc)})
            return
        ack()
        posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=meeting)


def vote_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace) -> None:
    ack()
    user = body["user"]["id"]
    with rt.session() as session:
        option, meeting = meetings.option_and_meeting(session=session, team_id=ws.team_id, option_id=_value(body))
        if option is None or meeting is None or aware(meeting.starts_at) <= now():
            text = "That time is no longer in the poll."
        else:
            voted = meetings.vote(session=session, meeting=meeting, option_id=pk(option.id), user_id=user)
            posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=meeting)
            text = (f"Your vote: {when_text(aware(option.starts_at), ws.timezone)} (one vote each; voting for "
                    "another time moves it)." if voted else "Your vote is taken back.")
    _tell(context, body, client, respond, text)


def move_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace) -> None:
    ack()
    user = body["user"]["id"]
    refusal = lead_refusal(rt, ws, user, "move the meeting")
    if refusal:
        _tell(context, body, client, respond, refusal + " Your vote counts.")
        return
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=_value(body))
        option = meetings.top_option(session=session, meeting=meeting) if meeting else None
        if meeting is None or option is None:
            text = "No time has a vote yet, so the meeting stays where it is."
        else:
            try:
                meetings.move_meeting(session=session, meeting=meeting, option=option, by=user)
            except UserError as exc:
                text = str(exc)
            else:
                posts.moved(session, sources=rt.agenda_sources, ws=ws, meeting=meeting, by=user)
                text = f"Moved to {when_text(aware(meeting.starts_at), ws.timezone)}; everyone is asked again."
    _tell(context, body, client, respond, text)


# --- agenda items -------------------------------------------------------------------------------------


def add_item_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                     ws: Workspace) -> None:
    ack()
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=_value(body))
        up = None if meeting else meetings.upcoming(session=session, ws=ws)
    quarter = meeting.quarter if meeting else (up.quarter if up else None)
    if quarter is None:
        _tell(context, body, client, respond, meetings.NO_UPCOMING)
        return
    later(context, client.views_open, trigger_id=body["trigger_id"],
          view=agenda_item_modal(quarter=quarter, meeting_id=meeting.id if meeting else None))


def item_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                   ws: Workspace) -> None:
    user = body["user"]["id"]
    meta = view_metadata(view)
    text = input_value(view["state"]["values"], JointIds.ITEM_BLOCK, JointIds.ITEM) or ""
    with rt.session() as session:
        try:
            meetings.add_agenda_item(session=session, team_id=ws.team_id, quarter=meta["quarter"], text=text,
                                     user_id=user)
        except UserError as exc:
            session.rollback()
            ack(response_action="errors", errors={JointIds.ITEM_BLOCK: str(exc)})
            return
        ack()
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=meta.get("meeting") or 0)
        if meeting is not None:
            posts.refresh(session, sources=rt.agenda_sources, ws=ws, meeting=meeting)


# --- schedule -----------------------------------------------------------------------------------------


def schedule_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                       ws: Workspace) -> None:
    user = body["user"]["id"]
    values = view["state"]["values"]
    hour, _, minute = (input_value(values, JointIds.TIME_BLOCK, JointIds.TIME) or "").partition(":")
    try:
        new = validate(Schedule(
            week=input_value(values, JointIds.WEEK_BLOCK, JointIds.WEEK) or "",
            weekday=input_value(values, JointIds.WEEKDAY_BLOCK, JointIds.WEEKDAY) or "",
            hour=int(hour), minute=int(minute or 0),
            prompt_days=int(input_value(values, JointIds.LEAD_BLOCK, JointIds.LEAD) or 0)))
    except (ValueError, UserError) as exc:
        message = str(exc) if isinstance(exc, UserError) else "Pick a time, like 10:00."
        ack(response_action="errors", errors={JointIds.TIME_BLOCK: message})
        return
    refusal = lead_refusal(rt, ws, user, "change the schedule")
    if refusal:
        ack(response_action="errors", errors={JointIds.WEEK_BLOCK: refusal})
        return
    ack()
    saved = save_schedule(rt, ws, new)
    with rt.session() as session:
        delivery.queue_post(session, team_id=ws.team_id, channel=user, text=saved)


# --- outcomes and action items ------------------------------------------------------------------------


def record_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                   ws: Workspace) -> None:
    ack()
    refused = open_outcomes(client=client, context=context, rt=rt, ws=ws, trigger_id=body["trigger_id"],
                            meeting_id=_value(body))
    if refused:
        _tell(context, body, client, respond, refused)


def _typed(values: dict, rows: int) -> dict[str, str | None]:
    typed: dict[str, str | None] = {JointIds.MINUTES_BLOCK: input_value(values, JointIds.MINUTES_BLOCK,
                                                                        JointIds.MINUTES)}
    for i in range(rows):
        for part in (JointIds.ROW_TEXT, JointIds.ROW_OWNER, JointIds.ROW_DUE):
            typed[row_block_id(i, part)] = input_value(values, row_block_id(i, part), part)
    return typed


def add_row_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    ack()
    view = body["view"]
    meta = view_metadata(view)
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=meta.get("meeting") or 0)
        existing = actions.items_of(session=session, meeting=meeting) if meeting else []
    if meeting is None:
        return
    typed = _typed(view.get("state", {}).get("values", {}), meta.get("rows", 3))
    later(context, client.views_update, view_id=view["id"], hash=view.get("hash"), view=outcomes_modal(
        meeting_id=pk(meeting.id), quarter=meeting.quarter, minutes=meeting.minutes, existing=existing,
        rows=meta.get("rows", 3) + 1, typed=typed))


def outcomes_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                       ws: Workspace) -> None:
    user = body["user"]["id"]
    meta = view_metadata(view)
    typed = _typed(view["state"]["values"], meta.get("rows", 3))
    rows = [actions.ActionRow(typed[row_block_id(i, JointIds.ROW_TEXT)], typed[row_block_id(i, JointIds.ROW_OWNER)],
                              typed[row_block_id(i, JointIds.ROW_DUE)]) for i in range(meta.get("rows", 3))]
    with rt.session() as session:
        meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=meta.get("meeting") or 0)
        if meeting is None:
            ack(response_action="errors", errors={JointIds.MINUTES_BLOCK: "This meeting is no longer on Truce."})
            return
        today = now().astimezone(ZoneInfo(ws.timezone)).date()
        drafts, row_errors = actions.check_rows(session, team_id=ws.team_id, rows=rows, today=today)
        errors = {row_block_id(i, part): msg for (i, part), msg in row_errors.items()}
        try:
            actions.check_minutes(typed[JointIds.MINUTES_BLOCK])
        except UserError as exc:
            errors[JointIds.MINUTES_BLOCK] = str(exc)
        if not errors and not members.teams_of(session=session, team_id=ws.team_id, user_id=user) \
                and not is_admin_or_lead(session, ws, user):
            errors[JointIds.MINUTES_BLOCK] = "Only people on the sales or marketing team (or a lead) record outcomes."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        items = actions.record_outcomes(session, meeting=meeting, minutes=typed[JointIds.MINUTES_BLOCK],
                                        drafts=drafts, by=user)
        posts.post_outcomes(session, ws=ws, meeting=meeting, new_items=items)


def close_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace) -> None:
    ack()
    user = body["user"]["id"]
    with rt.session() as session:
        on_team = bool(members.teams_of(session=session, team_id=ws.team_id, user_id=user))
        may_close = on_team or is_admin_or_lead(session, ws, user)
        item = actions.get_item(session=session, team_id=ws.team_id, item_id=_value(body))
    if item is None:
        _tell(context, body, client, respond, "That action item is no longer on Truce.")
        return
    if item.owner_id != user and not may_close:
        _tell(context, body, client, respond, "Only its owner, someone on the sales or marketing team, or a lead can "
                                     "close an action item.")
        return
    with rt.session() as session:
        item = actions.get_item(session=session, team_id=ws.team_id, item_id=pk(item.id))
        if item is None:  # action items are kept: found a moment ago, found now
            raise ValueError("an action item vanished while being closed")
        try:
            actions.close_item(session, item=item, by=user)
        except UserError as exc:
            text = str(exc)
        else:
            posts.refresh_item(session, ws=ws, item=item)
            text = f":white_check_mark: Done: {item.text}"
    _tell(context, body, client, respond, text)
    _after(body, client, context, rt)


# --- shared with /joint ------------------------------------------------------------------------------

def save_schedule(rt: Runtime, ws: Workspace, new: Schedule) -> str:
    with rt.session() as session:
        set_schedule(session=session, ws=ws, schedule=new)
        up = meetings.upcoming(session=session, ws=ws)
        kept = ""
        if up is not None and up.meeting is not None:
            kept = (f"\nThe {up.quarter} meeting already announced stays on {when_text(up.starts_at, ws.timezone)}; "
                    "its time poll can move it.")
        return ":white_check_mark: Saved. " + schedule_summary(ws, new) + kept


def schedule_summary(ws, schedule_) -> str:
    dates = "\n".join(f"• {when_text(d, ws.timezone)}" for d in next_dates(schedule_, calendar_of(ws), after=now()))
    return (f"The joint meeting is on {schedule_.describe()} ({ws.timezone}). Next three dates:\n{dates}\n"
            f"To change it: `{schedule_.command()}`")


def open_outcomes(*, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace, trigger_id: str,
                  meeting_id: int | None) -> str | None:
    """Open the outcomes form (after the answer), or say why not."""
    user_id = context["user_id"]
    with rt.session() as session:
        if meeting_id is None:
            meeting = meetings.latest_started(session=session, team_id=ws.team_id)
        else:
            meeting = meetings.get_meeting(session=session, team_id=ws.team_id, meeting_id=meeting_id)
        on_team = bool(members.teams_of(session=session, team_id=ws.team_id, user_id=user_id))
        allowed = on_team or is_admin_or_lead(session, ws, user_id)
        up = meetings.upcoming(session=session, ws=ws)
        existing = actions.items_of(session=session, meeting=meeting) if meeting else []
    if not allowed:
        return "Only people on the sales or marketing team (or a lead) record a joint meeting's outcomes."
    if meeting is None:
        next_one = f" The next one is {when_text(up.starts_at, ws.timezone)}." if up else ""
        return f"No joint meeting has taken place yet, so there is nothing to record.{next_one}"
    if aware(meeting.starts_at) > now():
        return (f"The {meeting.quarter} meeting is on {when_text(aware(meeting.starts_at), ws.timezone)}: "
                "record its outcomes after it.")
    later(context, client.views_open, trigger_id=trigger_id, view=outcomes_modal(
        meeting_id=pk(meeting.id), quarter=meeting.quarter, minutes=meeting.minutes, existing=existing))
    return None
