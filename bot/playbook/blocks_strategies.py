"""Marketing strategies as people see them: the sales-channel notice, lists, search results, the agenda."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.block_kit import clip, context, esc, section, user
from bot.clock import aware
from bot.models.base import pk
from bot.playbook.models import Strategy, StrategyRevision
from bot.playbook.strategy_rules import FIELD_NAMES, SearchResult

EXCERPT = 240
LIST_MAX = 20
RETIRED_MAX = 10
ACTION_TEXT = {"published": ":mega: New marketing strategy", "edited": ":pencil2: Marketing strategy updated",
               "retired": ":file_cabinet: Marketing strategy retired",
               "reactivated": ":recycle: Marketing strategy back in use"}


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return esc(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


def title_line(s: Strategy) -> str:
    segment = f" · _{esc(s.segment)}_" if s.segment else ""
    retired = " _(retired)_" if s.status == "retired" else ""
    return f"*{esc(s.title)}*{segment}{retired} `#{s.id}`"


def link_text(s: Strategy) -> str:
    return f"<{esc(s.link)}|Open the strategy>" if s.link else ""


def review_text(s: Strategy, today: date) -> str:
    if s.review_by is None:
        return ""
    if s.review_by <= today:
        return f":hourglass: review was due {day(s.review_by)}"
    return f"review by {day(s.review_by)}"


def meta_line(s: Strategy, today: date) -> str:
    parts = [f"Published by {user(s.created_by)} on {day(aware(s.created_at))}"]
    if s.version > 1:
        parts.append(f"changed by {user(s.updated_by)} on {day(aware(s.updated_at))}")
    review = review_text(s, today)
    if review:
        parts.append(review)
    return " · ".join(parts)


def card(s: Strategy, *, limit: int = EXCERPT) -> str:
    """Title, excerpt of the summary, and the link: one strategy in a section."""
    lines = [title_line(s), excerpt(s.summary, limit)]
    if link_text(s):
        lines.append(link_text(s))
    return "\n".join(lines)


# --- the notice to the sales channel ----------------------------------------------------------


def _changed(revision: StrategyRevision) -> str:
    names = [FIELD_NAMES[f] for f in revision.changes if f in FIELD_NAMES and f != "status"]
    return f" (changed: {', '.join(names)})" if names else ""


def notice(s: Strategy, revision: StrategyRevision) -> tuple[str, list[Block]]:
    head = ACTION_TEXT[revision.action]
    by = f"by {user(revision.user_id)}"
    text = f"{head}: {esc(s.title)}{_changed(revision)} {by}"
    body = [f"{head}{_changed(revision)} {by}", card(s, limit=600 if revision.action == "published" else EXCERPT)]
    show_messages = revision.action in ("published", "reactivated") or "key_messages" in revision.changes
    if s.key_messages and show_messages:
        body.append("*Key messages*\n" + clip(esc(s.key_messages), 1200))
    blocks: list[Block] = [section("\n\n".join(body))]
    if revision.action == "retired":
        blocks.append(context("Marketing no longer uses this strategy. Every current one is on the Truce Home tab."))
    else:
        blocks.append(context("Every current strategy is on the Truce Home tab · "
                              "`/truce strategy search &lt;words&gt;` finds one"))
    return text, blocks


# --- /truce strategy list and search ----------------------------------------------------------


def _sections(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as fit (each under Slack's 3,000 characters)."""
    blocks: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n\n".join([*chunk, line])) > 2900:
            blocks.append(section("\n\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n\n".join(chunk)))
    return blocks


def list_message(active: list[Strategy], retired: list[Strategy], today: date) -> tuple[str, list[Block]]:
    if not active and not retired:
        text = ("No marketing strategies yet. Marketing publishes them with `/truce strategy` "
                "(a form) or `/truce strategy add Title: summary`.")
        return text, [section(text)]
    title = f"Current marketing strategies ({len(active)})"
    lines = [f"{card(s)}\n_{meta_line(s, today)}_" for s in active[:LIST_MAX]]
    blocks: list[Block] = [HeaderBlock(text=title)]
    blocks += _sections(lines) if lines else [section("None is current right now.")]
    if len(active) > LIST_MAX:
        blocks.append(context(f"…and {len(active) - LIST_MAX} more: "
                              "`/truce strategy search &lt;words&gt;` finds one."))
    if retired:
        names = ", ".join(f"{esc(s.title)} `#{s.id}`" for s in retired[:RETIRED_MAX])
        more = f" and {len(retired) - RETIRED_MAX} more" if len(retired) > RETIRED_MAX else ""
        blocks.append(context(f"Retired: {names}{more}. Marketing brings one back with "
                              "`/truce strategy reactivate &lt;number&gt;`."))
    text = title + ":\n" + "\n".join(f"• {esc(s.title)}" for s in active[:LIST_MAX])
    return text, blocks[:50]


def no_match_text(result: SearchResult, query: str) -> str:
    if not result.words:
        return "Type a word or two to look for, like `/truce strategy search onboarding pricing`."
    fewer = " Try fewer words, or other ones: every word must match." if len(result.words) > 1 else \
        " Try another word: a word from the title, the segment or the key messages."
    return f"No strategy matches “{esc(query.strip())}”.{fewer}"


def result_blocks(result: SearchResult, query: str, today: date) -> list[Block]:
    if not result.strategies:
        return [section(no_match_text(result, query))]
    shown = len(result.strategies)
    blocks: list[Block] = [context(f"{result.total} match{'es' if result.total != 1 else ''} for "
                                   f"“{esc(query.strip())}”" + (f", the best {shown} shown" if result.total > shown
                                                                 else "") + " — current ones first.")]
    for s in result.strategies:
        blocks.append(section(f"{card(s)}\n_{meta_line(s, today)}_"))
    return blocks


def search_message(result: SearchResult, query: str, today: date) -> tuple[str, list[Block]]:
    if not result.strategies:
        text = no_match_text(result, query)
        return text, [section(text)]
    text = f"Strategies matching “{esc(query.strip())}”:\n" + "\n".join(f"• {esc(s.title)}" for s in
                                                                         result.strategies)
    return text, result_blocks(result, query, today)


# --- the joint meeting's agenda ---------------------------------------------------------------


def agenda_lines(changed: list[tuple[StrategyRevision, Strategy]], *, active: int) -> list[str]:
    by_strategy: dict[int, tuple[Strategy, list[StrategyRevision]]] = {}
    for revision, s in changed:
        by_strategy.setdefault(pk(s.id), (s, []))[1].append(revision)
    lines = []
    for s, revisions in by_strategy.values():
        actions = list(dict.fromkeys(r.action for r in revisions))
        people = " ".join(dict.fromkeys(user(r.user_id) for r in revisions))
        lines.append(f"*{esc(s.title)}* `#{s.id}` — {', '.join(actions)} by {people}"
                     + (" (now retired)" if s.status == "retired" and "retired" not in actions else ""))
    lines.append(f"{active} strateg{'y is' if active == 1 else 'ies are'} current; salespeople find them on the "
                 "Truce Home tab.")
    return lines
