"""The win/loss log as people see it: the form, the confirmation, the quarter's summary, the agenda lines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section, user
from bot.ids import PlaybookIds as Ids
from bot.playbook.models import WinLoss
from bot.playbook.winloss_rules import COMPETITOR_MAX, CUSTOMER_MAX, NOTES_MAX, OUTCOMES, REASONS, QuarterStats

TOP_REASONS = 3
TOP_COMPETITORS = 5
RECENT_LOSSES = 5
OUTCOME_EMOJI = {"won": ":trophy:", "lost": ":broken_heart:"}


def money(amount: Decimal | None, currency: str | None) -> str:
    return f"{Decimal(amount):,.2f} {currency}" if amount is not None and currency else ""


def _options(choices: dict[str, str]) -> list[Option]:
    return [Option(text=label, value=value) for value, label in choices.items()]


def _initial(options: list[Option], value: str | None) -> Option | None:
    return next((o for o in options if o.value == value), None)


def winloss_modal(*, entry: WinLoss | None, outcome: str | None, customer: str | None = None,
                  currency: str | None, closed_on: date, metadata: dict[str, Any]) -> View:
    """Log a result (entry=None, `outcome` preset by /truce win or loss) or correct one."""
    e = entry
    outcomes, reasons = _options(OUTCOMES), _options(REASONS)
    blocks: list[Block] = [
        InputBlock(block_id=Ids.OUTCOME_BLOCK, label="Outcome", element=RadioButtonsElement(
            action_id=Ids.VALUE, options=outcomes, initial_option=_initial(outcomes, e.outcome if e else outcome))),
        InputBlock(block_id=Ids.CUSTOMER_BLOCK, label="Customer", element=PlainTextInputElement(
            action_id=Ids.VALUE, max_length=CUSTOMER_MAX, initial_value=(e.customer if e else customer) or None)),
        InputBlock(block_id=Ids.REASON_BLOCK, label="Main reason", element=StaticSelectElement(
            action_id=Ids.VALUE, options=reasons, initial_option=_initial(reasons, e.reason if e else None),
            placeholder="Why was it won or lost?")),
        InputBlock(block_id=Ids.NOTES_BLOCK, label="What happened", optional=True,
                   hint="What made the difference: the next deal learns from it.",
                   element=PlainTextInputElement(action_id=Ids.VALUE, multiline=True, max_length=NOTES_MAX,
                                                 initial_value=(e.notes if e else None) or None)),
        InputBlock(block_id=Ids.COMPETITOR_BLOCK, label="Competitor", optional=True,
                   hint="Who you won against, or lost to.",
                   element=PlainTextInputElement(action_id=Ids.VALUE, max_length=COMPETITOR_MAX,
                                                 initial_value=(e.competitor if e else None) or None)),
        InputBlock(block_id=Ids.AMOUNT_BLOCK, label="Amount", optional=True,
                   hint="The deal's value: digits like 12000 or 12,000.50.",
                   element=PlainTextInputElement(action_id=Ids.VALUE, max_length=20, initial_value=(
                       f"{Decimal(e.amount):.2f}" if e and e.amount is not None else None))),
        InputBlock(block_id=Ids.CURRENCY_BLOCK, label="Currency", optional=True, hint="An ISO code: EUR, USD, GBP…",
                   element=PlainTextInputElement(action_id=Ids.VALUE, max_length=3, initial_value=(
                       (e.currency if e else None) or currency or None))),
        InputBlock(block_id=Ids.CLOSED_BLOCK, label="Won or lost on", element=DatePickerElement(
            action_id=Ids.VALUE, initial_date=closed_on.isoformat())),
    ]
    return View(type="modal", callback_id=Ids.WINLOSS_VIEW, title="Correct a result" if e else "Log a win or loss",
                submit="Save" if e else "Log it", close="Cancel", private_metadata=json.dumps(metadata),
                blocks=blocks)


def recorded_message(entry: WinLoss, *, edited: bool = False, inferred: bool = False) -> tuple[str, list[Block]]:
    verb = "Corrected" if edited else "Logged"
    what = "win" if entry.outcome == "won" else "loss"
    facts = [f"reason: *{REASONS[entry.reason]}*"]
    if entry.amount is not None:
        facts.insert(0, money(entry.amount, entry.currency))
    if entry.competitor:
        facts.append(f"{'against' if entry.outcome == 'won' else 'lost to'} *{esc(entry.competitor)}*")
    text = (f"{OUTCOME_EMOJI[entry.outcome]} {verb} a {what}: *{esc(entry.customer)}* — " + ", ".join(facts) + ".")
    if entry.notes:
        text += f"\n>{clip(esc(' '.join(entry.notes.split())), 500)}"
    notes = ["It counts in `/truce winloss summary` and the next joint meeting's agenda."]
    if inferred:
        how = ("No reason in your words, so it is filed under Other" if entry.reason == "other" else
               f"Filed under {REASONS[entry.reason]} from your words")
        notes.insert(0, f"{how}; *Edit* to change it, or say it next time with `reason:price` (product, "
                        "relationship, timing, competitor, marketing, other).")
    blocks: list[Block] = [
        section(text),
        context(" ".join(notes)),
        ActionsBlock(elements=[ButtonElement(text="Edit", action_id=Ids.WINLOSS_EDIT, value=str(entry.id))]),
    ]
    return text, blocks


# --- the quarter's summary --------------------------------------------------------------------


def rate(stats: QuarterStats) -> str:
    return f"{stats.win_rate:.0%}" if stats.win_rate is not None else "n/a"


def comparison(current: QuarterStats, previous: QuarterStats) -> str:
    if previous.win_rate is None:
        return f"nothing logged in {previous.quarter} to compare with"
    delta = round((current.win_rate - previous.win_rate) * 100) if current.win_rate is not None else None
    trend = "" if delta is None else (f"up {delta} points from " if delta > 0 else
                                      f"down {-delta} points from " if delta < 0 else "the same as ")
    return f"{trend}{rate(previous)} in {previous.quarter} ({previous.won} won, {previous.lost} lost)"


def reasons_text(stats: QuarterStats, outcome: str, top: int = TOP_REASONS) -> str:
    return ", ".join(f"{REASONS[r]} ({n})" for r, n in stats.reasons(outcome)[:top])


def competitors_text(stats: QuarterStats, top: int = TOP_COMPETITORS) -> str:
    return ", ".join(f"*{esc(name)}* (won {w}, lost {lo})" for name, w, lo in stats.competitors()[:top])


def agenda_lines(current: QuarterStats, previous: QuarterStats) -> list[str]:
    lines = [f"{current.won} won, {current.lost} lost: win rate {rate(current)}, "
             f"{comparison(current, previous)}."]
    if current.lost:
        lines.append(f"Top reasons for losses: {reasons_text(current, 'lost')}.")
    if current.competitors():
        lines.append(f"Competitors named: {competitors_text(current)}.")
    marketing = [e for e in current.entries if e.reason == "marketing"]
    if marketing:
        lines.append(f"{len(marketing)} deal{'s' if len(marketing) != 1 else ''} turned on marketing material or "
                     "positioning: " + ", ".join(f"*{esc(e.customer)}* ({e.outcome})" for e in marketing[:5]) + ".")
    return lines


def summary_message(current: QuarterStats, previous: QuarterStats) -> tuple[str, list[Block]]:
    title = f"Wins and losses, {current.quarter}"
    if not current.entries:
        text = (f"Nothing logged for {current.quarter} yet. Sales logs results with `/truce win Customer: why` "
                "and `/truce loss Customer: why`" + (f"; {previous.quarter} had {previous.won} won and "
                                                     f"{previous.lost} lost." if previous.entries else "."))
        return text, [section(text)]
    compared = comparison(current, previous)
    headline = (f"*{current.won}* won · *{current.lost}* lost · win rate *{rate(current)}*\n"
                f"_{compared[:1].upper() + compared[1:]}._")
    fields = []
    for outcome, label in (("won", "Won"), ("lost", "Lost")):
        totals = current.amounts(outcome)
        if totals:
            fields.append(f"*{label} value*\n" + "\n".join(money(v, c) for c, v in totals.items()))
    if current.lost:
        fields.append("*Top reasons for losses*\n" + reasons_text(current, "lost"))
    if current.won:
        fields.append("*Top reasons for wins*\n" + reasons_text(current, "won"))
    if current.competitors():
        fields.append("*Competitors named*\n" + competitors_text(current))
    blocks: list[Block] = [HeaderBlock(text=title), section(headline)]
    blocks += [section(f) for f in fields]
    losses = [e for e in reversed(current.entries) if e.outcome == "lost"][:RECENT_LOSSES]
    if losses:
        blocks.append(section("*Latest losses*\n" + "\n".join(
            f"• *{esc(e.customer)}* — {REASONS[e.reason]}" + (f": {clip(esc(' '.join(e.notes.split())), 200)}"
                                                                if e.notes else "")
            + f" ({user(e.recorded_by)})" for e in losses)))
    blocks.append(context("`/truce winloss summary 2027-Q1` shows another quarter. Amounts in different currencies "
                          "are never added together."))
    text = f"{title}: {current.won} won, {current.lost} lost, win rate {rate(current)}."
    return text, blocks
