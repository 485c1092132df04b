"""What a lead reads after changing the competitor list, and a competitor's history. Pure: takes rows."""

from __future__ import annotations

from collections.abc import Sequence

from bot.block_kit import clip, esc, user
from bot.competitors.card import MergeResult
from bot.competitors.models import Competitor, CompetitorAlias, CompetitorEvent


def _n(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def merged_text(result: MergeResult) -> str:
    moved = ", ".join(esc(s) for s in result.spellings) or esc(result.source.name)
    return (f":twisted_rightwards_arrows: *{esc(result.source.name)}* is now part of *{esc(result.target.name)}*: "
            f"{_n(len(result.share_ids), 'share')}, {_n(len(result.entry_ids), 'win/loss entry')} and "
            f"{_n(len(result.deal_ids), 'deal')} moved; spellings {moved} now mean {esc(result.target.name)}. "
            f"The history keeps what moved: `/intel competitors history {esc(result.target.name)}`.")


def renamed_text(competitor: Competitor, before: str) -> str:
    return (f":pencil2: *{esc(before)}* is now called *{esc(competitor.name)}*; “{esc(before)}” still finds it.")


def alias_text(competitor: Competitor, alias: CompetitorAlias) -> str:
    return f":label: “{esc(alias.name)}” now means *{esc(competitor.name)}*."


def _event_line(event: CompetitorEvent) -> str:
    c = event.changes or {}
    when = f"{event.created_at:%Y-%m-%d}" if event.created_at else ""
    what = {
        "created": lambda: f"first named as “{esc(c.get('name'))}”",
        "renamed": lambda: f"renamed from “{esc(c.get('before'))}” to “{esc(c.get('after'))}”",
        "alias_added": lambda: f"spelling “{esc(c.get('spelling'))}” added",
        "merged_into": lambda: (f"merged into {esc(c.get('into'))} ({_n(len(c.get('share_ids') or []), 'share')}, "
                                f"{_n(len(c.get('entry_ids') or []), 'win/loss entry')} moved)"),
        "merged_from": lambda: (f"took in {esc(c.get('name'))} ({_n(int(c.get('shares') or 0), 'share')}, "
                                f"{_n(int(c.get('entries') or 0), 'win/loss entry')})"),
    }.get(event.action, lambda: esc(event.action))()
    return f"• {when} {what} — {user(event.user_id) if event.user_id else 'Truce'}"


def history_text(competitor: Competitor, events: Sequence[CompetitorEvent]) -> str:
    lines = [f"*History of {esc(competitor.name)}*"] + [_event_line(e) for e in events[-40:]]
    return clip("\n".join(lines))
