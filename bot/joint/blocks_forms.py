"""The joint meeting's modals: schedule, another time, agenda item, outcomes, and the plan."""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import context, esc, section
from bot.ids import JointIds
from bot.joint.models import ActionItem, JointPlan, JointPlanLine
from bot.joint.plan_lines import LINE_EXAMPLE, line_text
from bot.joint.schedule import DAY_NAMES, WEEK_WORDS, Schedule, slack_date, when_text

MAX_ROWS = 10


def _select(block_id: str, action_id: str, label: str, options: list[tuple[str, str]], current: str,
            hint: str | None = None) -> InputBlock:
    opts = [Option(text=t, value=v) for t, v in options]
    initial = next((o for o in opts if o.value == current), opts[0])
    return InputBlock(block_id=block_id, label=label, hint=hint,
                      element=StaticSelectElement(action_id=action_id, options=opts, initial_option=initial))


def schedule_modal(schedule: Schedule, *, timezone: str, next_three: list[datetime]) -> View:
    dates = "\n".join(f"• {when_text(d, timezone)}" for d in next_three)
    blocks = [
        section(f"The joint meeting is held once a quarter, in its first month, in the workspace's timezone "
                f"(*{timezone}*). Next three dates now:\n{dates}"),
        _select(JointIds.WEEK_BLOCK, JointIds.WEEK, "Week of the month",
                [(w.capitalize(), k) for k, w in WEEK_WORDS.items()], schedule.week),
        _select(JointIds.WEEKDAY_BLOCK, JointIds.WEEKDAY, "Day", [(n, k) for k, n in DAY_NAMES.items()],
                schedule.weekday),
        InputBlock(block_id=JointIds.TIME_BLOCK, label=f"Time ({timezone})",
                   element=TimePickerElement(action_id=JointIds.TIME, initial_time=schedule.time_text)),
        _select(JointIds.LEAD_BLOCK, JointIds.LEAD, "Prompt goes out",
                [(f"{d} day{'s' if d > 1 else ''} before", str(d)) for d in (1, 2, 3, 5, 7, 10, 14, 21, 30)],
                str(schedule.prompt_days), hint="The prompt carries the agenda and the RSVP buttons."),
    ]
    return View(type="modal", callback_id=JointIds.SCHEDULE_VIEW, title="Joint meeting schedule", submit="Save",
                close="Cancel", blocks=blocks)


def propose_modal(*, meeting_id: int, quarter: str, starts_at: datetime, timezone: str) -> View:
    blocks = [
        section(f"The {quarter} meeting is set for *{slack_date(starts_at, timezone)}*. Propose another time: "
                "it joins the poll on the meeting's message, with your vote."),
        InputBlock(block_id=JointIds.DATE_BLOCK, label="Date",
                   element=DatePickerElement(action_id=JointIds.DATE)),
        InputBlock(block_id=JointIds.TIME_BLOCK, label=f"Time ({timezone})",
                   element=TimePickerElement(action_id=JointIds.TIME)),
    ]
    return View(type="modal", callback_id=JointIds.PROPOSE_VIEW, title="Propose another time", submit="Propose",
                close="Cancel", private_metadata=json.dumps({"meeting": meeting_id}), blocks=blocks)


def agenda_item_modal(*, quarter: str, meeting_id: int | None) -> View:
    blocks = [
        InputBlock(block_id=JointIds.ITEM_BLOCK, label=f"Agenda item for {quarter}",
                   hint="A market trend, a customer's story, a decision you need from the other team…",
                   element=PlainTextInputElement(action_id=JointIds.ITEM, multiline=True, max_length=500)),
    ]
    return View(type="modal", callback_id=JointIds.ITEM_VIEW, title="Add agenda item", submit="Add",
                close="Cancel", private_metadata=json.dumps({"meeting": meeting_id, "quarter": quarter}),
                blocks=blocks)


def row_block_id(index: int, part: str) -> str:
    return f"joint_row_{index}_{part}"


def outcomes_modal(*, meeting_id: int, quarter: str, minutes: str | None, existing: list[ActionItem],
                   rows: int = 3, typed: dict[str, str | None] | None = None) -> View:
    """`typed` (block_id -> value) carries what was typed over when a row is added."""
    rows = max(1, min(rows, MAX_ROWS))
    typed = typed or {}
    minutes = typed.get(JointIds.MINUTES_BLOCK, minutes)
    blocks: list[Block] = [
        InputBlock(block_id=JointIds.MINUTES_BLOCK, label="Minutes",
                   hint="What was discussed and decided: market trends, customers' needs, the plan.",
                   element=PlainTextInputElement(action_id=JointIds.MINUTES, multiline=True, max_length=2900,
                                                 initial_value=minutes or None)),
    ]
    if existing:
        listed = "\n".join(f"• {esc(i.text)} — <@{i.owner_id}>, due {i.due_on:%d %b %Y}"
                           + (" (done)" if i.status == "done" else "") for i in existing)
        blocks.append(section(f"*Action items already recorded*\n{listed}"[:2900]))
    blocks.append(section("*New action items* — each needs what, who (on the sales or marketing team) and when. "
                          "Leave a row empty to skip it."))
    for i in range(rows):
        n = i + 1
        blocks += [
            InputBlock(block_id=row_block_id(i, JointIds.ROW_TEXT), label=f"Action item {n}", optional=True,
                       element=PlainTextInputElement(action_id=JointIds.ROW_TEXT, max_length=300,
                                                     placeholder="e.g. Brief sales on the new pricing tier",
                                                     initial_value=typed.get(row_block_id(i, JointIds.ROW_TEXT)))),
            InputBlock(block_id=row_block_id(i, JointIds.ROW_OWNER), label=f"Owner of item {n}", optional=True,
                       element=UserSelectElement(action_id=JointIds.ROW_OWNER, placeholder="Who owns it",
                                                 initial_user=typed.get(row_block_id(i, JointIds.ROW_OWNER)))),
            InputBlock(block_id=row_block_id(i, JointIds.ROW_DUE), label=f"Due date of item {n}", optional=True,
                       element=DatePickerElement(action_id=JointIds.ROW_DUE, placeholder="When",
                                                 initial_date=typed.get(row_block_id(i, JointIds.ROW_DUE)))),
        ]
    if rows < MAX_ROWS:
        blocks.append(ActionsBlock(block_id="joint_rows", elements=[
            ButtonElement(text="Add another item", action_id=JointIds.ADD_ROW, value=str(rows + 1))]))
    return View(type="modal", callback_id=JointIds.OUTCOMES_VIEW, title=f"Outcomes {quarter}", submit="Save",
                close="Cancel", private_metadata=json.dumps({"meeting": meeting_id, "rows": rows}), blocks=blocks)


def plan_modal(*, quarter: str, until: datetime, timezone: str, plan: JointPlan | None,
               lines: list[JointPlanLine], default_owners: list[str]) -> View:
    initial_lines = "\n".join(line_text(ln) for ln in lines) or None
    owners = [o["id"] for o in plan.owners] if plan else default_owners
    blocks = [
        section(f"The joint business plan for *{quarter}*: what finance forecasts from. Editable until "
                f"{slack_date(until, timezone)}; every change is kept."),
        InputBlock(block_id=JointIds.LINES_BLOCK, label="Plan lines",
                   hint=("One line per goal: goal | campaign | budget | expected pipeline | expected revenue. "
                         f"e.g. {LINE_EXAMPLE}"),
                   element=PlainTextInputElement(action_id=JointIds.LINES, multiline=True, max_length=3000,
                                                 initial_value=initial_lines,
                                                 placeholder=LINE_EXAMPLE)),
        InputBlock(block_id=JointIds.CURRENCY_BLOCK, label="Currency of the amounts",
                   hint="An ISO 4217 code: EUR, USD, GBP…",
                   element=PlainTextInputElement(action_id=JointIds.CURRENCY, max_length=3, min_length=3,
                                                 initial_value=plan.currency if plan else None)),
        InputBlock(block_id=JointIds.OWNERS_BLOCK, label="Owners",
                   hint="At least one from sales and one from marketing.",
                   element=UserMultiSelectElement(action_id=JointIds.OWNERS, initial_users=owners or None)),
        context("Amounts are plain numbers (12000 or 12,000.50). Leave one empty for 0."),
    ]
    return View(type="modal", callback_id=JointIds.PLAN_VIEW, title=f"Joint plan {quarter}", submit="Save",
                close="Cancel", private_metadata=json.dumps({"quarter": quarter}), blocks=blocks)
