"""The DM asking a deal's owner why it was won or lost (one click per reason), its reminder, the form
with notes and the intel that helped, and the answer as logged. Pure builders: they take data, escape
what people and CRMs typed, and stay within Slack's limits."""

from __future__ import annotations

import json
from decimal import Decimal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section
from bot.deals.ids import DealIds as Ids
from bot.deals.models import Deal
from bot.intel.models import IntelShare
from bot.playbook.models import WinLoss
from bot.playbook.winloss_rules import NOTES_MAX, REASONS

SOURCES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "zapier": "Zapier", "api": "your CRM",
           "csv": "the CSV import"}
OPTION_TEXT = 75  # Slack's limit for an option's text
MAX_OPTIONS = 100


def money(amount: Decimal | None, currency: str | None) -> str:
    return f"{Decimal(amount):,.2f} {currency}" if amount is not None and currency else ""


def deal_line(deal: Deal) -> str:
    """"*Globex* (Globex renewal · 12,000.00 EUR) was lost to *Initech* on 2027-02-05"."""
    facts = [esc(deal.name)] if deal.name and deal.name != deal.account else []
    if deal.amount is not None:
        facts.append(money(deal.amount, deal.currency))
    what = f"*{esc(deal.account)}*" + (f" ({' · '.join(facts)})" if facts else "")
    verb = "was won" if deal.outcome == "won" else "was lost"
    rival = ""
    if deal.competitor:
        rival = f" against *{esc(deal.competitor)}*" if deal.outcome == "won" else f" to *{esc(deal.competitor)}*"
    return f"{what} {verb}{rival} on {deal.closed_on.isoformat()}"


def ask_message(deal: Deal, *, asked_user_id: str, reminder: bool = False) -> tuple[str, list[Block]]:
    """The DM to the deal's owner (or the sales lead): the deal as the CRM sent it, and one button per
    reason: one click logs it. "Add details" opens the form."""
    emoji = ":trophy:" if deal.outcome == "won" else ":broken_heart:"
    source = SOURCES.get(deal.source, "your CRM")
    intro = ":alarm_clock: *Reminder:* " if reminder else ""
    text = f"{intro}{emoji} {deal_line(deal)}, says {source}. What was the main reason?"
    lines = [text]
    if deal.owner_user_id != asked_user_id:
        lines.append(f"Its owner ({esc(deal.owner_email)}) is not in this Slack, so it comes to you as the sales "
                     "lead: answer for them, or forward it.")
    buttons = [ButtonElement(text=label, action_id=f"{Ids.REASON_PREFIX}{key}", value=str(deal.id))
               for key, label in REASONS.items()]
    blocks: list[Block] = [
        section("\n".join(lines)),
        ActionsBlock(block_id=f"deal_reasons_{deal.id}", elements=buttons),
        ActionsBlock(block_id=f"deal_more_{deal.id}", elements=[ButtonElement(
            text="Add details…", action_id=Ids.DETAILS, value=str(deal.id))]),
        context("One click logs it in the win/loss log (`/truce winloss summary`); you can change it later. "
                "*Add details* says what happened and which intel helped."),
    ]
    verb = "won" if deal.outcome == "won" else "lost"
    fallback = f"{'Reminder: ' if reminder else ''}{esc(deal.account)} {verb}: why?"
    return fallback, blocks


def answered_message(deal: Deal, entry: WinLoss, *, cited: int = 0) -> tuple[str, list[Block]]:
    """The DM once answered: what was logged, and a way to change it."""
    text = f":white_check_mark: {deal_line(deal)}: logged as *{REASONS[entry.reason]}*"
    if cited:
        text += f", citing {cited} piece{'s' if cited != 1 else ''} of intel"
    text += f" (by <@{entry.updated_by or entry.recorded_by}>)."
    if entry.notes:
        text += f"\n>{clip(esc(' '.join(entry.notes.split())), 500)}"
    blocks: list[Block] = [section(text), ActionsBlock(block_id=f"deal_more_{deal.id}", elements=[ButtonElement(
        text="Change", action_id=Ids.DETAILS, value=str(deal.id))])]
    return f"{esc(deal.account)}: logged as {REASONS[entry.reason]}.", blocks


def _share_option(share: IntelShare) -> Option:
    label = " ".join(share.summary.split())
    when = share.created_at.strftime("%b %d") if share.created_at else ""
    return Option(text=clip(f"{when} · {label}" if when else label, OPTION_TEXT), value=str(share.id))


def confirm_modal(deal: Deal, *, shares: list[IntelShare], reason: str | None = None, notes: str | None = None,
                  cited: list[int] | None = None) -> View:
    """The form behind "Add details": the reason, what happened, and the recent intel about the
    competitor that helped (a multi-select of up to 100 shares)."""
    reasons = [Option(text=label, value=key) for key, label in REASONS.items()]
    blocks: list[Block] = [
        section(deal_line(deal) + "."),
        InputBlock(block_id=Ids.REASON_BLOCK, label="Main reason", element=StaticSelectElement(
            action_id=Ids.VALUE, options=reasons, placeholder="Why was it won or lost?",
            initial_option=next((o for o in reasons if o.value == reason), None))),
        InputBlock(block_id=Ids.NOTES_BLOCK, label="What happened", optional=True,
                   hint="What made the difference: the next deal learns from it.",
                   element=PlainTextInputElement(action_id=Ids.VALUE, multiline=True, max_length=NOTES_MAX,
                                                 initial_value=notes or None)),
    ]
    options = [_share_option(s) for s in shares[:MAX_OPTIONS]]
    if options:
        chosen = [o for o in options if cited and int(o.value) in cited]
        blocks.append(InputBlock(
            block_id=Ids.INTEL_BLOCK, label="Intel that helped", optional=True,
            hint="Recent shares" + (f" about {deal.competitor}" if deal.competitor else "") + ": the battlecard "
                 "and the joint meeting show what helped win.",
            element=StaticMultiSelectElement(action_id=Ids.VALUE, options=options, placeholder="Choose intel",
                                             initial_options=chosen or None, max_selected_items=10)))
    return View(type="modal", callback_id=Ids.CONFIRM_VIEW, title="Why it was won" if deal.outcome == "won"
                else "Why it was lost", submit="Log it", close="Cancel",
                private_metadata=json.dumps({"deal": deal.id}), blocks=blocks)
