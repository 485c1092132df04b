"""What the receiving team did with intel, as people see it: the three buttons under each share, the
note form, the sharer's weekly DM, and the agenda's lines (intel that helped win, acted-on rate per team).
Pure builders: they take data, escape what people typed, and stay within Slack's limits."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section, user
from bot.competitors.feedback_rules import NOTE_MAX, VERDICTS, ActedOnRate, ShareNews
from bot.competitors.ids import CompetitorIds as Ids
from bot.intel.blocks_share import esc_text, link
from bot.intel.models import IntelShare

SHOWN_SHARES = 10  # in the weekly DM; the rest are counted
EMOJI = {"acted_on": ":white_check_mark:", "used_in_deal": ":handshake:", "not_relevant": ":heavy_minus_sign:"}


def answered_text(verdict: str, note: str | None) -> str:
    text = f"{EMOJI[verdict]} Noted: *{VERDICTS[verdict]}*."
    if note:
        text += f" Your note: “{esc(note)}”."
    return text + " The sharer hears about it in their weekly summary; click another answer to change it."


def note_modal(share: IntelShare, *, note: str | None = None) -> View:
    return View(type="modal", callback_id=Ids.NOTE_VIEW, title="What you did with it", submit="Save",
                close="Cancel", private_metadata=json.dumps({"share": share.id}), blocks=[
                    section(f">{esc_text(clip(' '.join(share.summary.split()), 500))}"),
                    InputBlock(block_id=Ids.NOTE_BLOCK, label="Note", hint="A line for the sharer: what it changed.",
                               element=PlainTextInputElement(action_id=Ids.VALUE, max_length=NOTE_MAX,
                                                             initial_value=note or None)),
                ])


def _answers_line(news: ShareNews) -> str:
    parts = []
    for row in news.answers:
        said = f"{EMOJI[row.verdict]} {VERDICTS[row.verdict]} by {user(row.user_id)} ({row.user_team})"
        if row.note:
            said += f": “{esc(clip(row.note, 200))}”"
        parts.append(said)
    return "\n".join(parts)


def weekly_message(news: Sequence[ShareNews], *, links: dict[int, str], week: str) -> tuple[str, list[Block]]:
    """The sharer's one DM a week: what the other team did with their shares (not one DM per click)."""
    acted = sum(1 for n in news if n.verdicts["acted_on"] or n.verdicts["used_in_deal"])
    intro = (f":mailbox_with_mail: *What happened to your intel* (week to {week}): {acted} of your "
             f"{len(news)} answered share{'s were' if len(news) != 1 else ' was'} acted on or used in a deal.")
    blocks: list[Block] = [section(intro)]
    for item in news[:SHOWN_SHARES]:
        summary = esc_text(clip(" ".join(item.share.summary.split()), 200))
        head = link(links[item.share.id], "your share") + ": " if item.share.id in links else ""
        blocks.append(section(clip(f"{head}“{summary}”\n{_answers_line(item)}", 3000)))
    if len(news) > SHOWN_SHARES:
        blocks.append(context(f"…and {len(news) - SHOWN_SHARES} more shares got answers this week."))
    blocks.append(context("Answers come from the team each share went to: Acted on, Used in a deal, Not relevant."))
    return f"What happened to your intel this week: {acted} of {len(news)} acted on or used in a deal.", blocks


def rates_line(rates: Sequence[ActedOnRate]) -> str | None:
    parts = [f"{r.team} acted on {r.acted} of {r.received} shares ({r.rate:.0%})" for r in rates if r.received]
    return ("Acted-on rate: " + "; ".join(parts) + ".") if parts else None


def helped_line(helped: Sequence[tuple[IntelShare, int]]) -> str | None:
    if not helped:
        return None
    return "Intel that helped win: " + "; ".join(
        f"“{esc_text(clip(' '.join(s.summary.split()), 80))}”" + (f" vs {esc(s.competitor)}" if s.competitor else "")
        + f" ({n} win{'s' if n != 1 else ''})" for s, n in helped) + "."
