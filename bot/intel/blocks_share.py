"""Block Kit for intel shares: the post every channel gets, the share modal, and confirmations."""

from __future__ import annotations

import json
import re
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section
from bot.ids import IntelIds
from bot.intel.models import KINDS, IntelShare
from bot.intel.parsing import COMPETITOR_LIMIT, LINK_LIMIT, SUMMARY_LIMIT, WHY_LIMIT

KIND_LOOK = {
    "competitor": ("Competitor", ":crossed_swords:"),
    "pricing": ("Pricing", ":moneybag:"),
    "product": ("Product", ":package:"),
    "trend": ("Trend", ":chart_with_upwards_trend:"),
    "customer": ("Customer", ":speech_balloon:"),
    "other": ("Market", ":bulb:"),
}
TEAM_WORDS = {"sales": "sales", "marketing": "marketing", "both": "sales and marketing",
              "neither": "outside sales and marketing"}
OTHER_TEAM = {"sales": "marketing", "marketing": "sales"}
_KEEP = re.compile(r"(<[@#][UWCG][A-Z0-9]{2,}>)")


def esc_text(text: str | None) -> str:
    """Escape what people typed, keeping plain person/channel mentions (`<@U…>`, `<#C…>`) as they are.
    Broadcasts (`<!here>`, user groups) can never survive: every other `<` is escaped."""
    parts = _KEEP.split(text or "")
    return "".join(p if i % 2 else esc(p) for i, p in enumerate(parts))


def safe_url(url: str) -> str:
    """A URL that cannot break out of Slack's `<url|label>` link syntax."""
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")


def link(url: str | None, label: str) -> str:
    return f"<{safe_url(url)}|{esc(label)}>" if url else esc(label)


def kind_label(kind: str) -> str:
    return KIND_LOOK.get(kind, KIND_LOOK["other"])[0]


def kind_emoji(kind: str) -> str:
    return KIND_LOOK.get(kind, KIND_LOOK["other"])[1]


def team_words(from_team: str) -> str:
    return TEAM_WORDS.get(from_team, from_team)


def headline(share: IntelShare) -> str:
    line = f"{kind_emoji(share.kind)} *{kind_label(share.kind)} intel* from *{team_words(share.from_team)}*"
    if share.competitor:
        line += f" · vs *{esc(share.competitor)}*"
    return line


def fallback_text(share: IntelShare) -> str:
    head = f"{kind_label(share.kind)} intel from {team_words(share.from_team)}"
    if share.retracted_at:
        head = "Retracted: " + head
    return esc(f"{head}: {clip(share.summary, 300)}")


def _day(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def _people(user_ids: list[str], most: int = 10) -> str:
    shown = ", ".join(f"<@{u}>" for u in user_ids[:most])
    return shown + (f" and {len(user_ids) - most} more" if len(user_ids) > most else "")


def _footer(share: IntelShare, supporters: list[str]) -> list[str]:
    bits = [f"Shared by <@{share.sharer_id}>"]
    if share.source_state == "deleted":
        bits.append(":wastebasket: source deleted")
    elif share.source_permalink:
        bits.append(f"<{safe_url(share.source_permalink)}|source message>"
                    + (" (edited)" if share.source_state == "edited" else ""))
    elif share.source_state == "edited":
        bits.append(":pencil2: source edited")
    others = [u for u in supporters if u != share.sharer_id]
    if others:
        bits.append(f":raised_hands: also flagged by {_people(others)}")
    if share.discussion_permalink:
        bits.append(f":speech_balloon: <{safe_url(share.discussion_permalink)}|discussion>")
    return bits


def _link_lines(share: IntelShare) -> str | None:
    if not share.link:
        return None
    title = share.link_title or share.link
    lines = f":link: {link(share.link, clip(title, 300))}"
    if share.link_description:
        lines += f"\n>{esc(clip(share.link_description, 500))}"
    return lines


def share_blocks(share: IntelShare, *, supporters: list[str], audience: str | None = None) -> list[Block]:
    """The message every channel gets. `audience`: the team whose channel it is (for "why")."""
    blocks: list[Block] = []
    if share.retracted_at:
        blocks.append(section(f":no_entry_sign: *Retracted* by <@{share.retracted_by}> on "
                              f"{_day(share.retracted_at)}: please don't rely on this any more."))
        blocks.append(context(f"~{esc_text(clip(share.summary, 2800))}~" if "\n" not in share.summary
                              else esc_text(clip(share.summary, 2800))))
        return blocks
    blocks.append(section(headline(share)))
    blocks.append(section(esc_text(share.summary)))
    if share.why:
        team = audience if audience in OTHER_TEAM else OTHER_TEAM.get(share.from_team, "the other team")
        blocks.append(section(f"*Why it matters to {team}:* {esc_text(clip(share.why, 2900))}"))
    lines = _link_lines(share)
    if lines:
        blocks.append(section(lines))
    blocks.append(context(" · ".join(_footer(share, supporters))))
    useful = "Useful" + (f" ({share.useful_count})" if share.useful_count else "")
    blocks.append(ActionsBlock(block_id=f"intel_actions_{share.id}", elements=[
        ButtonElement(text=f":+1: {useful}", action_id=IntelIds.USEFUL, value=str(share.id)),
        ButtonElement(text=":speech_balloon: Discuss", action_id=IntelIds.DISCUSS, value=str(share.id)),
        OverflowMenuElement(action_id=IntelIds.MENU, options=[
            Option(text="How intel sharing works", value=f"help:{share.id}"),
            Option(text="Retract this share", value=f"retract:{share.id}"),
        ]),
    ]))
    return blocks


def retract_confirm_blocks(share: IntelShare, copies: int) -> list[Block]:
    return [
        section(f"Retract this share from all {copies} channel{'s' if copies != 1 else ''}? Every copy will "
                f"say it was retracted.\n>{esc_text(clip(share.summary, 300))}"),
        ActionsBlock(elements=[ButtonElement(
            text="Retract it everywhere", action_id=IntelIds.RETRACT_CONFIRM, value=str(share.id), style="danger")]),
    ]


# --- the share modal ---------------------------------------------------------------------------


def share_modal(*, summary: str = "", link_value: str = "", kind: str = "other", competitor: str = "",
                why: str = "", metadata: dict | None = None, from_message: bool = False) -> View:
    kind_options = [Option(text=f"{kind_label(k)}" if k != "other" else "Other", value=k) for k in KINDS]
    initial_kind = next(o for o in kind_options if o.value == (kind if kind in KINDS else "other"))
    intro = ("Share this message with the other team. Edit the summary if it needs context."
             if from_message else "Tell the other team what you learned about the market.")
    blocks = [
        section(intro),
        InputBlock(block_id=IntelIds.SUMMARY_BLOCK, label="What did you learn?",
                   element=PlainTextInputElement(action_id=IntelIds.SUMMARY, multiline=True,
                                                 max_length=SUMMARY_LIMIT,
                                                 initial_value=summary[:SUMMARY_LIMIT] or None,
                                                 placeholder="Acme cut its list prices by 20% for new customers")),
        InputBlock(block_id=IntelIds.KIND_BLOCK, label="Kind",
                   element=StaticSelectElement(action_id=IntelIds.KIND, options=kind_options,
                                               initial_option=initial_kind)),
        InputBlock(block_id=IntelIds.COMPETITOR_BLOCK, label="Competitor", optional=True,
                   element=PlainTextInputElement(action_id=IntelIds.COMPETITOR, max_length=COMPETITOR_LIMIT,
                                                 initial_value=competitor or None, placeholder="Acme")),
        InputBlock(block_id=IntelIds.LINK_BLOCK, label="Link", optional=True,
                   hint="A web page about it (http:// or https://). Truce adds its title to the post.",
                   element=PlainTextInputElement(action_id=IntelIds.LINK, max_length=LINK_LIMIT,
                                                 initial_value=link_value or None,
                                                 placeholder="https://acme.example/pricing")),
        InputBlock(block_id=IntelIds.WHY_BLOCK, label="Why it matters to the other team", optional=True,
                   element=PlainTextInputElement(action_id=IntelIds.WHY, multiline=True, max_length=WHY_LIMIT,
                                                 initial_value=why or None,
                                                 placeholder="Expect prospects to ask us for a matching discount")),
    ]
    return View(type="modal", callback_id=IntelIds.MODAL, title="Share market intel", submit="Share",
                close="Cancel", blocks=blocks, private_metadata=json.dumps(metadata or {}))
