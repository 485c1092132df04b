"""Block Kit for the quarterly joint meeting: the prompt (agenda, RSVPs, time poll), the team
notices, reminders, outcomes with action items, and the App Home section."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock

from bot.block_kit import channel, clip, context, esc, section
from bot.feature import AgendaSection
from bot.ids import JointIds
from bot.joint.models import ActionItem, JointTimeOption
from bot.joint.schedule import slack_date, when_text

MAX_LINES = 8


@dataclass
class PromptData:
    meeting_id: int
    quarter: str
    starts_at: datetime
    timezone: str
    sections: list[AgendaSection] = field(default_factory=list)
    answers: dict[str, bool] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)  # everyone on either team
    poll: list[tuple[JointTimeOption, list[str]]] = field(default_factory=list)
    started: bool = False
    moved_by: str | None = None
    hint: str | None = None  # e.g. "no joint channel yet"


def _people(ids: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in ids) if ids else "_nobody yet_"


def rsvp_lines(data: PromptData) -> tuple[list[str], list[str], list[str]]:
    yes = [u for u, a in data.answers.items() if a]
    no = [u for u, a in data.answers.items() if not a]
    waiting = [u for u in data.people if u not in data.answers]
    return yes, no, waiting


def rsvp_text(data: PromptData) -> str:
    yes, no, waiting = rsvp_lines(data)
    return (f":white_check_mark: *Attending ({len(yes)}):* {_people(yes)}\n"
            f":x: *Can't make it ({len(no)}):* {_people(no)}\n"
            f":hourglass_flowing_sand: *No answer yet ({len(waiting)}):* {_people(waiting)}")


def agenda_block_text(s: AgendaSection) -> str:
    lines = s.lines[:MAX_LINES]
    more = len(s.lines) - len(lines)
    body = "\n".join(f"• {ln}" for ln in lines) if lines else "_nothing this quarter_"
    if more > 0:
        body += f"\n_…and {more} more_"
    return clip(f"*{esc(s.title)}*\n{body}")


def _buttons(meeting_id: int, *, started: bool) -> ActionsBlock:
    value = str(meeting_id)
    elements = [
        ButtonElement(text="I'll attend", action_id=JointIds.ATTEND, value=value, style="primary"),
        ButtonElement(text="Can't make it", action_id=JointIds.DECLINE, value=value),
        ButtonElement(text="Propose another time", action_id=JointIds.PROPOSE, value=value),
        ButtonElement(text="Add agenda item", action_id=JointIds.ADD_ITEM, value=value),
    ]
    if started:
        elements.append(ButtonElement(text="Record outcomes", action_id=JointIds.RECORD, value=value))
    return ActionsBlock(block_id=f"joint_buttons_{meeting_id}", elements=elements)


def poll_blocks(data: PromptData) -> list[Block]:
    if not data.poll:
        return []
    blocks: list[Block] = [section("*Other times proposed* — one vote each; click again to take your vote back.")]
    for option, voters in data.poll:
        votes = f"{len(voters)} vote{'s' if len(voters) != 1 else ''}"
        blocks.append(section(
            f"*{slack_date(option.starts_at, data.timezone)}* — {votes}"
            + (f": {_people(voters)}" if voters else "") + f"\n_proposed by <@{option.proposed_by}>_",
            block_id=f"joint_option_{option.id}",
            accessory=ButtonElement(text="Vote", action_id=JointIds.VOTE, value=str(option.id)),
        ))
    blocks.append(ActionsBlock(block_id=f"joint_move_{data.meeting_id}", elements=[
        ButtonElement(text="Move to the top time (leads)", action_id=JointIds.MOVE, value=str(data.meeting_id))]))
    return blocks


def prompt_text(data: PromptData) -> str:
    return (f"Joint sales & marketing meeting {data.quarter}: {when_text(data.starts_at, data.timezone)}. "
            "Will you attend?")


def prompt_blocks(data: PromptData) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=f"Joint sales & marketing meeting — {data.quarter}"),
        section(f":calendar: *{slack_date(data.starts_at, data.timezone)}* "
                f"({when_text(data.starts_at, data.timezone)})"
                + (f"\n_Moved to this time by <@{data.moved_by}> after the time poll._" if data.moved_by else "")
                + "\nOnce a quarter, sales and marketing sit down together: market trends, what customers "
                  "will need, what we do about it, and the plan."),
    ]
    if data.hint:
        blocks.append(context(data.hint))
    blocks.append(DividerBlock())
    blocks.append(section(f"*Agenda for {data.quarter}*"))
    for s in data.sections:
        blocks.append(section(agenda_block_text(s)))
    blocks.append(DividerBlock())
    blocks.append(section(rsvp_text(data)))
    blocks.extend(poll_blocks(data))
    blocks.append(_buttons(data.meeting_id, started=data.started))
    blocks.append(context("Add to the agenda with `/joint agenda &lt;item&gt;` · record a customer's future need "
                          "with `/joint needs &lt;text&gt;` · `/joint help`"))
    return blocks[:50]


def notice_blocks(data: PromptData, joint_channel: str | None) -> list[Block]:
    where = f"in {channel(joint_channel)}" if joint_channel else "(the leads have the details)"
    return [
        section(f":handshake: *The {data.quarter} joint sales & marketing meeting* is on "
                f"*{slack_date(data.starts_at, data.timezone)}* — the agenda and RSVPs are {where}.\n"
                "Something the other team should hear about? Add it with `/joint agenda &lt;item&gt;`."),
        ActionsBlock(block_id=f"joint_notice_{data.meeting_id}", elements=[
            ButtonElement(text="I'll attend", action_id=JointIds.ATTEND, value=str(data.meeting_id), style="primary"),
            ButtonElement(text="Can't make it", action_id=JointIds.DECLINE, value=str(data.meeting_id)),
            ButtonElement(text="Add agenda item", action_id=JointIds.ADD_ITEM, value=str(data.meeting_id)),
        ]),
    ]


def reminder_blocks(data: PromptData, *, when: str) -> list[Block]:
    return [
        section(f":alarm_clock: *Reminder: the {data.quarter} joint meeting is {when}* — "
                f"{slack_date(data.starts_at, data.timezone)}."),
        section(rsvp_text(data)),
        ActionsBlock(block_id=f"joint_reminder_{data.meeting_id}", elements=[
            ButtonElement(text="I'll attend", action_id=JointIds.ATTEND, value=str(data.meeting_id), style="primary"),
            ButtonElement(text="Can't make it", action_id=JointIds.DECLINE, value=str(data.meeting_id)),
        ]),
    ]


def followup_blocks(data: PromptData) -> list[Block]:
    return [
        section(f":memo: *How did the {data.quarter} joint meeting go?* Record the minutes and the action items "
                "(each with an owner and a due date): owners get them by DM and a reminder when they are due."),
        ActionsBlock(block_id=f"joint_followup_{data.meeting_id}", elements=[
            ButtonElement(text="Record outcomes", action_id=JointIds.RECORD, value=str(data.meeting_id),
                          style="primary")]),
    ]


def moved_text(data: PromptData, by: str) -> str:
    return (f":arrows_counterclockwise: <@{by}> moved the {data.quarter} joint meeting to "
            f"{slack_date(data.starts_at, data.timezone)}. Please answer again: will you attend?")


# --- outcomes and action items --------------------------------------------------------------------


def item_line(item: ActionItem) -> str:
    state = (f"~{esc(item.text)}~ — done by <@{item.closed_by}>" if item.status == "done"
             else f"*{esc(item.text)}*")
    return f"{state}\n<@{item.owner_id}> · due {item.due_on:%a %d %b %Y}"


def _close_button(item: ActionItem) -> ButtonElement:
    return ButtonElement(text="Mark done", action_id=JointIds.CLOSE_ITEM, value=str(item.id))


def item_section(item: ActionItem, *, prefix: str = "") -> Block:
    accessory = _close_button(item) if item.status == "open" else None
    return section(prefix + item_line(item), block_id=f"joint_item_{item.id}", accessory=accessory)


def outcomes_text(quarter: str, items: list[ActionItem]) -> str:
    return f"Outcomes of the {quarter} joint meeting: {len(items)} action item(s)."


def outcomes_blocks(*, quarter: str, minutes: str, by: str, items: list[ActionItem]) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=f"Outcomes — {quarter} joint meeting"),
        section(f"*Minutes* (recorded by <@{by}>)\n{esc(minutes)}"),
        DividerBlock(),
        section(f"*Action items ({sum(1 for i in items if i.status == 'open')} open of {len(items)})*"
                if items else "*No action items.*"),
    ]
    blocks.extend(item_section(i) for i in items[:40])
    blocks.append(context("Open items are carried into next quarter's agenda until they are marked done."))
    return blocks[:50]


def item_dm_text(item: ActionItem) -> str:
    return f"You own an action item from the {item.quarter} joint meeting: {item.text} (due {item.due_on:%d %b %Y})."


def item_dm_blocks(item: ActionItem, *, due: bool = False) -> list[Block]:
    intro = (f":bell: *Due today* — your action item from the {item.quarter} joint meeting:\n" if due
             else f":clipboard: You own an action item from the {item.quarter} joint meeting:\n")
    return [item_section(item, prefix=intro)]


# --- App Home and `/joint` ---------------------------------------------------------------------------


def home_blocks(*, quarter: str, starts_at: datetime, prompt_at: datetime, timezone: str, meeting_id: int | None,
                answer: bool | None, items: list[ActionItem]) -> list[Block]:
    blocks: list[Block] = [section(f"*Next joint meeting — {quarter}*\n:calendar: {slack_date(starts_at, timezone)}")]
    if meeting_id is None:
        blocks.append(context(f"The prompt with the agenda goes out {slack_date(prompt_at, timezone)}. "
                              "Add items now with `/joint agenda &lt;item&gt;`."))
    else:
        you = {True: ":white_check_mark: you're attending", False: ":x: you can't make it",
               None: ":hourglass_flowing_sand: you haven't answered yet"}[answer]
        blocks.append(section(f"Your answer: {you}", block_id=f"joint_home_rsvp_{meeting_id}"))
        blocks.append(ActionsBlock(block_id=f"joint_home_buttons_{meeting_id}", elements=[
            ButtonElement(text="I'll attend", action_id=JointIds.ATTEND, value=str(meeting_id), style="primary"),
            ButtonElement(text="Can't make it", action_id=JointIds.DECLINE, value=str(meeting_id)),
        ]))
    if items:
        blocks.append(section(f"*Your open action items ({len(items)})*"))
        blocks.extend(item_section(i) for i in items[:5])
        if len(items) > 5:
            blocks.append(context(f"…and {len(items) - 5} more."))
    else:
        blocks.append(context("You have no open action items from joint meetings."))
    return blocks


def status_text(*, quarter: str, starts_at: datetime, prompt_at: datetime, timezone: str, announced: bool,
                schedule: str) -> str:
    when = f"*{slack_date(starts_at, timezone)}* ({when_text(starts_at, timezone)})"
    prompt = "" if announced else f" The prompt with the agenda goes out {slack_date(prompt_at, timezone)}."
    return f":calendar: The next joint meeting ({quarter}) is on {when}.{prompt}\nSchedule: {schedule}."
