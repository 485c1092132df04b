"""What the joint meeting posts, queued through the outbox in the caller's transaction:
the prompt (claimed once per workspace and quarter), notices, reminders, follow-up, outcomes,
action items and the plan's message."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block
from sqlmodel import Session, select

from bot import delivery, schedule_due
from bot.clock import aware, now
from bot.db import pk
from bot.feature import AgendaSection, AgendaSource
from bot.joint import actions, meetings
from bot.joint import blocks_meeting as jb
from bot.joint.agenda import build_sections
from bot.joint.blocks_plan import plan_blocks, plan_text, revision_text
from bot.joint.models import ActionItem, JointMeeting, JointPlan, JointPlanRevision
from bot.joint.plan import lines_of
from bot.joint.prefs import schedule_of
from bot.models import Outbox, Workspace
from bot.quarters import calendar_of, shift_quarter

log = logging.getLogger(__name__)
NO_JOINT_CHANNEL = (":warning: Truce has no joint channel yet, so this prompt came to you as an admin or lead. "
                    "Run `/truce setup` to choose one; the next prompts go there.")


def own_sections(session: Session, *, ws: Workspace, meeting: JointMeeting) -> list[AgendaSection]:
    """The parts of the agenda this feature owns: open action items, customers' needs, added items."""
    open_items = actions.open_items(session=session, team_id=ws.team_id, before_quarter=meeting.quarter)
    items = [f"{jb.esc(i.text)} — <@{i.owner_id}>, due {i.due_on:%d %b %Y} (from {i.quarter})" for i in open_items]
    first = shift_quarter(meeting.quarter, -1)
    needs = meetings.needs_between(session=session, team_id=ws.team_id, first=first, last=meeting.quarter)
    added = meetings.agenda_items(session=session, team_id=ws.team_id, quarter=meeting.quarter)
    return [
        AgendaSection("Open action items from earlier meetings",
                      items or ["None open: every earlier action item is done."], order=15),
        AgendaSection("Customers' future needs",
                      [f"*{n.quarter}* · {jb.esc(n.text)} — <@{n.added_by}>" for n in needs]
                      or ["None recorded yet: `/joint needs &lt;text&gt;` adds one."], order=60),
        AgendaSection("Items people added",
                      [f"{jb.esc(i.text)} — <@{i.added_by}>" for i in added]
                      or ["None yet: `/joint agenda &lt;item&gt;` or the button below adds one."], order=70),
    ]


def agenda_window(ws: Workspace, meeting: JointMeeting) -> tuple[datetime, datetime]:
    """The data a quarter's agenda covers: from the start of the quarter before to the meeting."""
    start, _ = calendar_of(ws).bounds(shift_quarter(meeting.quarter, -1))
    return start, aware(meeting.starts_at)


def prompt_data(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace,
                meeting: JointMeeting) -> jb.PromptData:
    """What the prompt shows; `sources` are the features' agenda sections (Runtime.agenda_sources)."""
    start, end = agenda_window(ws, meeting)
    sections = build_sections(sources, session=session, team_id=ws.team_id, start=start, end=end)
    sections = sorted([*sections, *own_sections(session, ws=ws, meeting=meeting)], key=lambda s: s.order)
    return jb.PromptData(
        meeting_id=pk(meeting.id), quarter=meeting.quarter, starts_at=aware(meeting.starts_at), timezone=ws.timezone,
        sections=sections, answers=meetings.answers(session=session, meeting=meeting),
        people=meetings.team_people(session=session, ws=ws),
        poll=meetings.poll(session=session, meeting=meeting), started=aware(meeting.starts_at) <= now(),
        moved_by=meeting.moved_by, hint=None if ws.joint_channel else NO_JOINT_CHANNEL,
    )


def announce_next(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace,
                  by: str) -> JointMeeting | None:
    """Post the next meeting's prompt now, through the same once-only claim as the clock.
    Returns the meeting, or None when its prompt was already posted."""
    up = meetings.upcoming(session=session, ws=ws)
    if up is None or up.meeting is not None:
        return None
    fallback = [] if ws.joint_channel else meetings.admins(session=session, ws=ws)
    return announce(session, sources=sources, ws=ws, quarter=up.quarter, starts_at=up.starts_at, by=by,
                    fallback=fallback)


def announce(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, quarter: str,
             starts_at: datetime, by: str, fallback: list[str]) -> JointMeeting | None:
    """Post a quarter's prompt, once ever per workspace and quarter (None when already claimed).

    With no joint channel the prompt goes by DM to the admins and leads (`fallback`)."""
    if not meetings.claim(session, team_id=ws.team_id, quarter=quarter, kind="prompt", by=by):
        return None
    meeting = meetings.meeting_for(session=session, team_id=ws.team_id, quarter=quarter) or \
        meetings.create_meeting(session=session, team_id=ws.team_id, quarter=quarter, starts_at=starts_at)
    data = prompt_data(session, sources=sources, ws=ws, meeting=meeting)
    text, blocks = jb.prompt_text(data), jb.prompt_blocks(data)
    targets = [ws.joint_channel] if ws.joint_channel else fallback
    if not targets:
        log.warning("joint prompt %s for %s: no joint channel, and no admin or lead to tell", quarter, ws.team_id)
    posts = [delivery.queue_post(session, team_id=ws.team_id, channel=target, text=text, blocks=blocks,
                                 key=f"joint:{meeting.id}:prompt:{target}", ref=f"joint:{meeting.id}")
             for target in targets]
    meeting.prompt_post_ids = [pk(p.id) for p in posts]
    notices = []
    for team_channel in (ws.sales_channel, ws.marketing_channel):
        if team_channel:
            notices.append(delivery.queue_post(
                session, team_id=ws.team_id, channel=team_channel, text=jb.prompt_text(data),
                blocks=jb.notice_blocks(data, ws.joint_channel), key=f"joint:{meeting.id}:notice:{team_channel}"))
    meeting.notice_post_ids = [pk(n.id) for n in notices]
    session.add(meeting)
    # the prompt is out: its scorecard chart is due (jobs/scorecard.py)
    schedule_due.touch(session, ws.team_id, [schedule_due.SCORECARD_CHART])
    return meeting


def lock(session: Session, meeting: JointMeeting) -> None:
    """Serialize the updates of one meeting's messages: whoever takes the lock last reads every answer
    committed before it, and its update (queued after, so newer) supersedes the others."""
    # NO KEY UPDATE: it does not wait on the KEY SHARE locks that inserting answers (foreign keys) takes
    session.exec(select(JointMeeting.id).where(JointMeeting.id == meeting.id).with_for_update(key_share=True)).one()


def refresh(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, meeting: JointMeeting) -> None:
    """Show the prompt's current agenda, RSVPs and poll in place."""
    if not meeting.prompt_post_ids:
        return
    lock(session, meeting)
    data = prompt_data(session, sources=sources, ws=ws, meeting=meeting)
    for post_id in meeting.prompt_post_ids:
        target = session.get(Outbox, post_id)
        if target is not None:
            delivery.queue_update(session, target=target, text=jb.prompt_text(data), blocks=jb.prompt_blocks(data))


def _thread_posts(session: Session, *, ws: Workspace, meeting: JointMeeting, kind: str, text: str,
                  blocks: list[Block] | None) -> int:
    count = 0
    for post_id in meeting.prompt_post_ids:
        parent = session.get(Outbox, post_id)
        if parent is None or parent.channel is None:  # a post always has a channel
            continue
        delivery.queue_post(session, team_id=ws.team_id, channel=parent.channel, text=text, blocks=blocks,
                            thread_parent=parent, key=f"joint:{meeting.id}:{kind}:{post_id}")
        count += 1
    return count


def _stamp(meeting: JointMeeting) -> str:
    return f"{aware(meeting.starts_at):%Y%m%dT%H%MZ}"


def remind(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, meeting: JointMeeting, kind: str,
           by: str) -> bool:
    """The day-before ("day") or hour-before ("hour") reminder in the prompt's thread, once."""
    occurrence = f"remind-{kind}@{_stamp(meeting)}"
    if not meetings.claim(session, team_id=ws.team_id, quarter=meeting.quarter, kind=occurrence, by=by):
        return False
    data = prompt_data(session, sources=sources, ws=ws, meeting=meeting)
    when = "tomorrow" if kind == "day" else "in an hour"
    yes, no, waiting = jb.rsvp_lines(data)
    text = (f"Reminder: the {meeting.quarter} joint meeting is {when}. Attending: {len(yes)}, "
            f"can't make it: {len(no)}, no answer yet: {len(waiting)}.")
    _thread_posts(session, ws=ws, meeting=meeting, kind=occurrence, text=text,
                  blocks=jb.reminder_blocks(data, when=when))
    return True


def follow_up(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, meeting: JointMeeting,
              by: str) -> bool:
    """After the meeting: ask for the outcomes in the thread (once), and show the button on the prompt."""
    occurrence = f"followup@{_stamp(meeting)}"
    if not meetings.claim(session, team_id=ws.team_id, quarter=meeting.quarter, kind=occurrence, by=by):
        return False
    data = prompt_data(session, sources=sources, ws=ws, meeting=meeting)
    _thread_posts(session, ws=ws, meeting=meeting, kind=occurrence,
                  text=f"How did the {meeting.quarter} joint meeting go? Record the outcomes.",
                  blocks=jb.followup_blocks(data))
    refresh(session, sources=sources, ws=ws, meeting=meeting)
    return True


def due_steps(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, meeting: JointMeeting, by: str,
              at: datetime) -> list[str]:
    """Whatever is due for an announced meeting at `at`: reminders, then the follow-up."""
    done = []
    starts = aware(meeting.starts_at)
    length = timedelta(minutes=schedule_of(ws).duration_minutes)
    if starts - timedelta(days=1) <= at < starts - timedelta(hours=1):
        if remind(session, sources=sources, ws=ws, meeting=meeting, kind="day", by=by):
            done.append("remind-day")
    elif starts - timedelta(hours=1) <= at < starts:
        if remind(session, sources=sources, ws=ws, meeting=meeting, kind="hour", by=by):
            done.append("remind-hour")
    elif (starts + length <= at < starts + timedelta(days=7) and meeting.minutes is None
          and follow_up(session, sources=sources, ws=ws, meeting=meeting, by=by)):
        done.append("followup")
    return done


def moved(session: Session, *, sources: Sequence[AgendaSource], ws: Workspace, meeting: JointMeeting, by: str) -> None:
    data = prompt_data(session, sources=sources, ws=ws, meeting=meeting)
    _thread_posts(session, ws=ws, meeting=meeting, kind=f"moved@{_stamp(meeting)}", text=jb.moved_text(data, by),
                  blocks=None)
    refresh(session, sources=sources, ws=ws, meeting=meeting)


# --- outcomes and action items ---------------------------------------------------------------------


def _recorded_by(meeting: JointMeeting) -> str:
    """Who recorded the outcomes: set with the minutes, which every outcomes message comes after."""
    if meeting.minutes_by is None:
        raise ValueError(f"joint meeting {meeting.id}: outcomes shown before they were recorded")
    return meeting.minutes_by


def _outcomes(session: Session, meeting: JointMeeting) -> tuple[str, list[Block]]:
    items = actions.items_of(session=session, meeting=meeting)
    return jb.outcomes_text(meeting.quarter, items), jb.outcomes_blocks(
        quarter=meeting.quarter, minutes=meeting.minutes or "", by=_recorded_by(meeting), items=items)


def post_outcomes(session: Session, *, ws: Workspace, meeting: JointMeeting, new_items: list[ActionItem]) -> None:
    """The outcomes message (posted once, then updated in place) and a DM to each new item's owner."""
    text, blocks = _outcomes(session, meeting)
    if meeting.outcomes_post_id is None:
        channel = ws.joint_channel or _recorded_by(meeting)
        post = delivery.queue_post(session, team_id=ws.team_id, channel=channel, text=text, blocks=blocks,
                                   key=f"joint:{meeting.id}:outcomes", ref=f"joint:{meeting.id}")
        meeting.outcomes_post_id = post.id
        session.add(meeting)
    else:  # outbox rows are kept
        delivery.queue_update(session, target=session.get_one(Outbox, meeting.outcomes_post_id), text=text,
                              blocks=blocks)
    for item in new_items:
        dm = delivery.queue_post(session, team_id=ws.team_id, channel=item.owner_id, text=jb.item_dm_text(item),
                                 blocks=jb.item_dm_blocks(item), key=f"joint:item:{item.id}:dm")
        item.dm_post_id = dm.id
        session.add(item)


def refresh_item(session: Session, *, ws: Workspace, item: ActionItem) -> None:
    """Show an item's state everywhere it was posted: the outcomes message, the DM, the reminder."""
    meeting = session.get_one(JointMeeting, item.meeting_id)  # meetings and outbox rows are kept
    lock(session, meeting)
    if meeting.outcomes_post_id is not None:
        text, blocks = _outcomes(session, meeting)
        delivery.queue_update(session, target=session.get_one(Outbox, meeting.outcomes_post_id), text=text,
                              blocks=blocks)
    for post_id, due in ((item.dm_post_id, False), (item.reminder_post_id, True)):
        if post_id is not None:
            delivery.queue_update(session, target=session.get_one(Outbox, post_id), text=jb.item_dm_text(item),
                                  blocks=jb.item_dm_blocks(item, due=due))


def remind_due_items(session: Session, *, ws: Workspace, at: datetime) -> int:
    """DM each owner whose action item is due (once per item, whatever the replicas)."""
    items = actions.claim_due(session, team_id=ws.team_id, timezone=ws.timezone, at=at)
    for item in items:
        post = delivery.queue_post(session, team_id=ws.team_id, channel=item.owner_id,
                                   text=f"Due today: {item.text} (action item from the {item.quarter} joint meeting).",
                                   blocks=jb.item_dm_blocks(item, due=True), key=f"joint:item:{item.id}:due")
        item.reminder_post_id = post.id
        session.add(item)
    return len(items)


# --- the plan's message ---------------------------------------------------------------------------


def post_plan(session: Session, *, ws: Workspace, plan: JointPlan, revision: JointPlanRevision) -> bool:
    """The plan's message in the joint channel (updated in place) and each change in its thread."""
    if not ws.joint_channel:
        return False
    lines = lines_of(session=session, plan=plan)
    text, blocks = plan_text(plan, lines), plan_blocks(plan, lines, timezone=ws.timezone)
    created = plan.post_id is None
    if created:
        post = delivery.queue_post(session, team_id=ws.team_id, channel=ws.joint_channel, text=text, blocks=blocks,
                                   key=f"joint:plan:{plan.id}", ref=f"joint:plan:{plan.id}")
        plan.post_id = post.id
        session.add(plan)
    else:
        post = session.get_one(Outbox, plan.post_id)  # outbox rows are kept
        delivery.queue_update(session, target=post, text=text, blocks=blocks)
    delivery.queue_post(session, team_id=ws.team_id, channel=ws.joint_channel, thread_parent=post,
                        text=revision_text(revision, timezone=ws.timezone, created=created),
                        key=f"joint:plan:revision:{revision.id}")
    return True
