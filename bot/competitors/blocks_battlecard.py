"""The battlecard as people see it (in a message or a modal), the App Home's "Competitors" section,
the competitor list, and the digest's line per competitor. Pure builders: they take data, escape what
people typed, and stay within Slack's limits (50 blocks in a message, 3,000 characters a section)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block, ButtonElement, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section, user
from bot.competitors.card import Battlecard, Listed, WeekChange
from bot.competitors.ids import CompetitorIds as Ids
from bot.competitors.models import Competitor
from bot.intel.blocks_share import esc_text, kind_emoji, kind_label, link
from bot.intel.models import KINDS, IntelShare
from bot.playbook.winloss_rules import REASONS

if TYPE_CHECKING:
    from bot.playbook.winloss_rules import QuarterStats

SUMMARY_CHARS = 220
MESSAGE_BLOCKS = 50
HOME_COMPETITORS = 5


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def vs(name: str) -> str:
    """How to type the competitor after `vs:` (quoted when it has spaces)."""
    return f'vs:"{name}"' if " " in name else f"vs:{name}"


def _share_line(share: IntelShare, links: dict[int, str]) -> str:
    text = esc_text(clip(" ".join(share.summary.split()), SUMMARY_CHARS))
    votes = f" — :+1: {share.useful_count}" if share.useful_count else ""
    when = f"{share.created_at:%b %d}" if share.created_at else ""
    url = links.get(share.id) if share.id is not None else None
    where = link(url, when) if url else when
    return f"• {text}{votes} ({where}, {user(share.sharer_id)})"


def _record_line(stats: QuarterStats) -> str:
    if not stats.entries:
        return f"*{stats.quarter}*: no results logged."
    rate = f" (win rate {stats.win_rate:.0%})" if stats.win_rate is not None else ""
    line = f"*{stats.quarter}*: {stats.won} won · {stats.lost} lost{rate}"
    for outcome, words in (("won", "won on"), ("lost", "lost on")):
        reasons = stats.reasons(outcome)[:3]
        if reasons:
            line += f"\n      {words}: " + ", ".join(f"{REASONS.get(r, r)} ({n})" for r, n in reasons)
    return line


def battlecard_blocks(card: Battlecard) -> tuple[str, list[Block]]:
    """The battlecard: at most 50 blocks, each section at most 3,000 characters; what does not fit is
    named with the command that shows it all."""
    c = card.competitor
    name = esc(c.name)
    blocks: list[Block] = [HeaderBlock(text=clip(f"Battlecard: {c.name}", 150))]
    facts = [f"{plural(card.total_shares, 'share')} of intel"]
    if card.spellings:
        facts.append("also written " + ", ".join(esc(s) for s in card.spellings[:8]))
    blocks.append(context(" · ".join(facts) + f" · all of it: `/intel search {esc(vs(c.name))}`"))
    if card.empty:
        blocks.append(section(f"Nothing is recorded about *{name}* yet. Share what you hear with "
                              f"`/intel what you learned {esc(vs(c.name))}`, and log deals won against or lost to "
                              f"them with `/truce loss Customer: why {esc(vs(c.name))}`."))
        return f"Battlecard: {name}", blocks
    blocks.append(section(f"*Win/loss against {name}*\n" + _record_line(card.this_quarter) + "\n"
                          + _record_line(card.last_quarter)))
    for group in card.intel:
        lines = [f"{kind_emoji(group.kind)} *{kind_label(group.kind)}* ({group.total})"]
        lines += [_share_line(s, card.links) for s in group.shares]
        if group.total > len(group.shares):
            lines.append(f"_{group.total - len(group.shares)} more: "
                         f"`/intel search #{group.kind} {esc(vs(c.name))}`_")
        blocks.append(section("\n".join(lines)))
    if card.helped_win:
        blocks.append(section("*:trophy: Intel that helped win*\n" + "\n".join(
            _share_line(s, card.links) + f" — cited by {plural(n, 'win')}" for s, n in card.helped_win)))
    if card.strategies:
        lines = [f"• *{esc(s.title)}* — {esc(clip(' '.join(s.summary.split()), 200))}" for s in card.strategies]
        if card.strategies_total > len(card.strategies):
            lines.append(f"_{card.strategies_total - len(card.strategies)} more: "
                         f"`/truce strategy search {esc(c.name)}`_")
        blocks.append(section("*:dart: Marketing strategies that address them*\n" + "\n".join(lines)))
    if card.unhappy:
        lines = [f"• *{esc(r.customer)}* ({esc(r.severity)}) — {esc(clip(' '.join(r.description.split()), 160))}"
                 for r in card.unhappy]
        if card.unhappy_total > len(card.unhappy):
            lines.append(f"_{card.unhappy_total - len(card.unhappy)} more: `/unhappy list`_")
        blocks.append(section("*:warning: Open unhappy reports that mention them*\n" + "\n".join(lines)))
    notes = []
    if card.sharers:
        notes.append("Shares most: " + ", ".join(f"{user(u)} ({n})" for u, n in card.sharers))
    for rate in card.acted_on:
        if rate.received:
            notes.append(f"{rate.team.capitalize()} acted on {rate.acted} of {rate.received} "
                         f"({rate.rate:.0%})")
    if notes:
        blocks.append(context(" · ".join(notes)))
    text = (f"Battlecard: {name} — {card.this_quarter.won} won, {card.this_quarter.lost} lost in "
            f"{card.this_quarter.quarter}; {card.total_shares} shares of intel.")
    return text, blocks[:MESSAGE_BLOCKS]


def battlecard_modal(card: Battlecard) -> View:
    _, blocks = battlecard_blocks(card)
    return View(type="modal", callback_id=Ids.BATTLECARD_VIEW, title="Battlecard", close="Close",
                private_metadata=json.dumps({"competitor": card.competitor.id}), blocks=blocks)


def open_button(competitor: Competitor, label: str = "Battlecard") -> ButtonElement:
    return ButtonElement(text=clip(label, 75), action_id=Ids.OPEN_BATTLECARD, value=str(competitor.id))


def home_section(listed: Sequence[Listed], *, limit: int = HOME_COMPETITORS) -> list[Block]:
    """App Home: the competitors talked about most, each with its battlecard a click away."""
    blocks: list[Block] = [HeaderBlock(text="Competitors")]
    if not listed:
        blocks.append(section("No competitor named yet. Name one when you share intel: "
                              "`/intel what you learned vs:Initech`."))
        return blocks
    for item in listed[:limit]:
        facts = f"{plural(item.shares, 'share')}, {plural(item.entries, 'deal')}"
        blocks.append(section(f"*{esc(item.competitor.name)}* — {facts}", accessory=open_button(item.competitor)))
    if len(listed) > limit:
        blocks.append(context(f"{len(listed) - limit} more: `/intel competitors`. Any one: `/intel vs Name`."))
    blocks.append(DividerBlock())
    return blocks


def listing_text(listed: Sequence[Listed]) -> str:
    """`/intel competitors`: every competitor with its other spellings (what a lead merges or renames)."""
    if not listed:
        return "No competitor named yet. Name one when you share intel: `/intel what you learned vs:Initech`."
    lines = ["*Competitors* (most talked about first):"]
    for item in listed:
        also = f" — also {', '.join(esc(s) for s in item.spellings)}" if item.spellings else ""
        lines.append(f"• *{esc(item.competitor.name)}*: {plural(item.shares, 'share')}, "
                     f"{plural(item.entries, 'deal')}{also}")
    lines.append("Leads: `/intel competitors merge \"Initech Inc\" into Initech`, "
                 "`/intel competitors rename Initech to \"Initech Corp\"`, `/intel competitors alias Initech INTC`.")
    return clip("\n".join(lines), 3000)


def digest_lines(week: Sequence[WeekChange]) -> list[str]:
    """The weekly digest: one line per competitor with new intel."""
    lines = []
    for change in week:
        order = sorted(change.kinds.items(), key=lambda kn: (-kn[1], KINDS.index(kn[0]) if kn[0] in KINDS else 99))
        kinds = ", ".join(f"{n} {kind_label(k).lower()}" for k, n in order)
        line = f"• *{esc(change.name)}*: {change.shares} new ({kinds})"
        deals = [f"{n} won against them" if o == "won" else f"{n} lost to them"
                 for o, n in (("won", change.won), ("lost", change.lost)) if n]
        if deals:
            line += "; " + ", ".join(deals)
        lines.append(line)
    return lines
