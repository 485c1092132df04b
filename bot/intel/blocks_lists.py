"""Block Kit for lists of intel: search results (with More/Back), the weekly digest, App Home."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock

from bot.block_kit import clip, context, esc, section
from bot.clock import aware
from bot.ids import IntelIds
from bot.intel.blocks_share import esc_text, kind_emoji, kind_label, safe_url, team_words
from bot.intel.models import IntelShare
from bot.intel.parsing import PAGE, SearchPage, SearchQuery
from bot.models.base import pk

QUERY_KEEP = 1500  # what a More button can carry of the query (a button value holds 2,000 characters)


def _date(value: datetime, tz: str = "UTC") -> str:
    return aware(value).astimezone(ZoneInfo(tz or "UTC")).strftime("%-d %b %Y")


def share_line(share: IntelShare, link: str | None, *, tz: str = "UTC", summary_chars: int = 200) -> str:
    vs = f" · vs *{esc(share.competitor)}*" if share.competitor else ""
    votes = f" · :+1: {share.useful_count}" if share.useful_count else ""
    opened = f" · <{safe_url(link)}|open>" if link else ""
    head = f"{kind_emoji(share.kind)} *{kind_label(share.kind)}*{vs} · {_date(share.created_at, tz)}{votes}{opened}"
    return (f"{head}\n"
            f"{esc_text(clip(share.summary, summary_chars))}\n"
            f"_by <@{share.sharer_id}> ({team_words(share.from_team)})_")


def describe_query(query: SearchQuery) -> str:
    bits = [" ".join(query.words)] if query.words else []
    if query.kind:
        bits.append(f"#{query.kind}")
    if query.competitor:
        bits.append(f'vs:"{query.competitor}"' if " " in query.competitor else f"vs:{query.competitor}")
    if query.since:
        bits.append(f"since:{query.since.isoformat()}")
    return " ".join(bits)


def search_blocks(page: SearchPage, *, query_text: str, query: SearchQuery,
                  tz: str = "UTC") -> tuple[str, list[Block]]:
    shown = esc(describe_query(query))
    if not page.shares:
        if page.offset:
            return "No more matches.", [section(f"No more intel matches *{shown}*.")]
        text = (f"No intel matches *{shown}* yet. Try fewer or shorter words, or drop a filter. "
                "Know something? Share it with `/intel <what you learned>`.")
        return text, [section(text)]
    first, last = page.offset + 1, page.offset + len(page.shares)
    blocks: list[Block] = [section(f":mag: Intel matching *{shown}* — {first} to {last}, newest and most useful first")]
    for share in page.shares:
        blocks.append(section(share_line(share, page.links.get(pk(share.id)), tz=tz)))
    buttons = []
    keep = query_text[:QUERY_KEEP]
    if page.offset:
        buttons.append(ButtonElement(text="Back", action_id=IntelIds.SEARCH_BACK,
                                     value=json.dumps({"q": keep, "o": max(page.offset - PAGE, 0)})))
    if page.has_more:
        buttons.append(ButtonElement(text="More", action_id=IntelIds.SEARCH_MORE,
                                     value=json.dumps({"q": keep, "o": page.offset + len(page.shares)})))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return f"Intel matching {shown}: {first} to {last}", blocks


def digest_blocks(shares: list[IntelShare], *, links: dict[int, str], total: int, start: datetime, end: datetime,
                  tz: str) -> tuple[str, list[Block]]:
    span = f"{_date(start, tz)} to {_date(end, tz)}"
    blocks: list[Block] = [
        HeaderBlock(text="This week's most useful market intel"),
        context(f"{span} · {total} share{'s' if total != 1 else ''} this week, the top {len(shares)} by Useful votes"),
    ]
    for n, share in enumerate(shares, 1):
        blocks.append(section(f"*{n}.* " + share_line(share, links.get(pk(share.id)), tz=tz, summary_chars=300)))
    blocks.append(context("Heard something? `/intel <what you learned>` shares it with the other team. "
                          "`/intel search <words>` finds past intel."))
    return f"This week's most useful market intel ({span})", blocks


def home_section(shares: list[IntelShare], links: dict[int, str], *, tz: str) -> list[Block]:
    """App Home: the most recent shares (`links`: each share's best link)."""
    blocks: list[Block] = [HeaderBlock(text="Recent intel")]
    if not shares:
        blocks.append(section("No market intel shared yet. Heard something about a competitor, a price or a "
                              "customer? `/intel <what you learned>` tells the other team at once."))
        return blocks
    blocks.extend(section(share_line(s, links.get(pk(s.id)), tz=tz, summary_chars=150)) for s in shares)
    blocks.append(context("`/intel search <words>` finds older intel · `/intel help` for everything else"))
    return blocks
