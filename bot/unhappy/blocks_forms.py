"""The modals of unhappiness reports: report, corrective action, assign owners, snooze, settings."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import context, esc, section
from bot.ids import UnhappyIds as Ids
from bot.unhappy.blocks_alert import SEVERITY_EMOJI
from bot.unhappy.models import UnhappyReport
from bot.unhappy.rules import (
    ACTION_MAX,
    CONTACT_MAX,
    CUSTOMER_MAX,
    DAY_NAMES,
    DESCRIPTION_MAX,
    LINK_MAX,
    ROOT_CAUSES,
    SEVERITIES,
    SNOOZE_CHOICES,
    UnhappyPrefs,
)


def _severity_options() -> list[Option]:
    return [Option(text=f"{SEVERITY_EMOJI[s]} {s.capitalize()}", value=s) for s in SEVERITIES]


def report_modal(*, metadata: dict[str, Any], description: str = "", link: str | None = None,
                 note: str | None = None) -> View:
    options = _severity_options()
    blocks: list[Block] = []
    if note:
        blocks.append(context(note))
    blocks += [
        InputBlock(block_id=Ids.CUSTOMER_BLOCK, label="Customer",
                   element=PlainTextInputElement(action_id=Ids.CUSTOMER, max_length=CUSTOMER_MAX,
                                                 placeholder="Acme Corp")),
        InputBlock(block_id=Ids.SEVERITY_BLOCK, label="Severity",
                   hint="Critical: reminded after 15 min by default; low: after a business day.",
                   element=StaticSelectElement(action_id=Ids.SEVERITY, options=options,
                                               initial_option=options[SEVERITIES.index("medium")])),
        InputBlock(block_id=Ids.WHAT_BLOCK, label="What happened",
                   element=PlainTextInputElement(action_id=Ids.WHAT, multiline=True, max_length=DESCRIPTION_MAX,
                                                 initial_value=description[:DESCRIPTION_MAX] or None,
                                                 placeholder="What did the customer experience?")),
        InputBlock(block_id=Ids.LINK_BLOCK, label="Link", optional=True,
                   hint="A ticket, an email thread, a call recording…",
                   element=PlainTextInputElement(action_id=Ids.LINK, max_length=LINK_MAX,
                                                 initial_value=link or None, placeholder="https://")),
        InputBlock(block_id=Ids.CONTACT_BLOCK, label="Customer contact", optional=True,
                   element=PlainTextInputElement(action_id=Ids.CONTACT, max_length=CONTACT_MAX,
                                                 placeholder="Name, role, email")),
    ]
    return View(type="modal", callback_id=Ids.REPORT, title="Unhappy customer", submit="Report", close="Cancel",
                private_metadata=json.dumps(metadata), blocks=blocks)


def action_modal(report: UnhappyReport, *, channel: str | None) -> View:
    causes = [Option(text=label, value=value) for value, label in ROOT_CAUSES.items()]
    blocks = [
        section(f"*{esc(report.customer)}* `#{report.id}` — record what was done and why it happened."),
        InputBlock(block_id=Ids.DONE_BLOCK, label="What was done",
                   element=PlainTextInputElement(action_id=Ids.DONE, multiline=True, max_length=ACTION_MAX,
                                                 placeholder="Called the customer, refunded the March invoice…")),
        InputBlock(block_id=Ids.CAUSE_BLOCK, label="Root cause",
                   element=StaticSelectElement(action_id=Ids.CAUSE, options=causes, placeholder="Choose one")),
        InputBlock(block_id=Ids.FOLLOW_UP_BLOCK, label="Follow-up date", optional=True,
                   hint="The owners are reminded that morning if the alert is still open.",
                   element=DatePickerElement(action_id=Ids.FOLLOW_UP)),
    ]
    meta = json.dumps({"report_id": report.id, "channel": channel})
    return View(type="modal", callback_id=Ids.ACTION, title="Corrective action", submit="Save", close="Cancel",
                private_metadata=meta, blocks=blocks)


def assign_modal(report: UnhappyReport, *, channel: str | None) -> View:
    blocks = [
        section(f"*{esc(report.customer)}* `#{report.id}` — choose its owners. Whoever is replaced is told."),
        InputBlock(block_id=Ids.ASSIGN_SALES_BLOCK, label="Sales owner", optional=True,
                   element=UserSelectElement(action_id=Ids.ASSIGN_SALES, placeholder="Someone from sales",
                                             initial_user=report.sales_owner_id)),
        InputBlock(block_id=Ids.ASSIGN_MARKETING_BLOCK, label="Marketing owner", optional=True,
                   element=UserSelectElement(action_id=Ids.ASSIGN_MARKETING, placeholder="Someone from marketing",
                                             initial_user=report.marketing_owner_id)),
    ]
    meta = json.dumps({"report_id": report.id, "channel": channel})
    return View(type="modal", callback_id=Ids.ASSIGN, title="Assign owners", submit="Assign", close="Cancel",
                private_metadata=meta, blocks=blocks)


def snooze_modal(report: UnhappyReport, *, channel: str | None) -> View:
    options = [Option(text=label, value=value) for value, label in SNOOZE_CHOICES.items()]
    blocks = [
        section(f"*{esc(report.customer)}* `#{report.id}` — pause its reminders and escalations. "
                "Whatever falls due meanwhile is sent when the snooze ends."),
        InputBlock(block_id=Ids.SNOOZE_BLOCK, label="Snooze for",
                   element=StaticSelectElement(action_id=Ids.SNOOZE_FOR, options=options, initial_option=options[2])),
    ]
    meta = json.dumps({"report_id": report.id, "channel": channel})
    return View(type="modal", callback_id=Ids.SNOOZE, title="Snooze reminders", submit="Snooze", close="Cancel",
                private_metadata=meta, blocks=blocks)


def _text_input(block_id: str, label: str, value: str, hint: str | None = None) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, hint=hint,
                      element=PlainTextInputElement(action_id=Ids.VALUE, initial_value=value, max_length=64))


def settings_modal(prefs: UnhappyPrefs) -> View:
    days = [Option(text=name, value=str(i)) for i, name in enumerate(DAY_NAMES)]
    scales = [Option(text="0-10 (like NPS)", value="10"), Option(text="1-5 (like CSAT)", value="5")]
    blocks = [
        section("How customer alerts behave in this workspace. Durations: `15m`, `1h`, `4h`, `2d`, or `1bd` "
                "for business days."),
        _text_input(Ids.EMOJI_CLAIM_BLOCK, "Emoji that claims", prefs.emoji["claim"]),
        _text_input(Ids.EMOJI_ACK_BLOCK, "Emoji that acknowledges", prefs.emoji["ack"]),
        _text_input(Ids.EMOJI_RESOLVE_BLOCK, "Emoji that resolves", prefs.emoji["resolve"]),
        _text_input(Ids.SLA_CRITICAL_BLOCK, "Critical: remind after", prefs.sla["critical"].code,
                    "Escalated to the leads after twice this."),
        _text_input(Ids.SLA_HIGH_BLOCK, "High: remind after", prefs.sla["high"].code),
        _text_input(Ids.SLA_MEDIUM_BLOCK, "Medium: remind after", prefs.sla["medium"].code),
        _text_input(Ids.SLA_LOW_BLOCK, "Low: remind after", prefs.sla["low"].code),
        _text_input(Ids.HOURS_BLOCK, "Working hours", prefs.hours_text,
                    f"In the workspace timezone ({prefs.timezone}); low and medium reminders wait for them."),
        InputBlock(block_id=Ids.DAYS_BLOCK, label="Working days",
                   element=CheckboxesElement(action_id=Ids.VALUE, options=days,
                                             initial_options=[days[d] for d in prefs.days])),
        InputBlock(block_id=Ids.SCALE_BLOCK, label="Scale of a bare satisfaction score",
                   hint="`/truce csat Acme 4` reads 4 on this scale; `4/5` or `7/10` always says it.",
                   element=StaticSelectElement(action_id=Ids.VALUE, options=scales,
                                               initial_option=scales[0 if prefs.csat_scale == 10 else 1])),
    ]
    return View(type="modal", callback_id=Ids.SETTINGS, title="Customer alerts", submit="Save", close="Cancel",
                blocks=blocks)
