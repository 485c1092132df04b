"""Satisfaction scores: the confirmation of a score, the token note and the weekly digest."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.block_kit import clip, context, esc, section
from bot.unhappy.csat_models import CsatScore
from bot.unhappy.csat_rules import LOW, CustomerTrend, index

DIGEST_CUSTOMERS = 25


def score_text(score: float, scale: int) -> str:
    return f"{score:g}/{scale}"


def recorded_text(score: CsatScore, *, scale_given: bool, default_scale: int) -> str:
    text = (f":bar_chart: Recorded {score_text(score.score, score.scale)} for *{esc(score.customer)}*"
            + (f" — “{esc(score.comment)}”" if score.comment else "") + ". It goes into the weekly digest for sales.")
    if not scale_given:
        other = 5 if default_scale == 10 else 10
        text += (f"\nYou gave no scale, so I read it out of {default_scale} (this workspace's default). "
                 f"If you meant out of {other}, send it again as `{score.score:g}/{other}`.")
    if score.score <= LOW[score.scale]:
        text += "\n:warning: That is a low score: if something went wrong, report it with `/unhappy`."
    return text


def _trend_line(trend: CustomerTrend, open_alerts: int) -> str:
    scores = ", ".join(score_text(s.score, s.scale) for s in trend.scores[-6:])
    before = f" (was {trend.before:.1f})" if trend.before is not None else ""
    comment = next((s.comment for s in reversed(trend.scores) if s.comment), None)
    said = f" — “{esc(comment[:140])}”" if comment else ""
    alerts = f" · :rotating_light: {open_alerts} open alert{'s' if open_alerts > 1 else ''}" if open_alerts else ""
    arrow = "(new)" if trend.arrow == "new" else trend.arrow
    return (f"{':warning: ' if trend.low else ''}*{esc(trend.customer)}* {trend.average:.1f}/10 {arrow}{before} "
            f"· {scores}{alerts}{said}")


def digest(*, start: datetime, trends: list[CustomerTrend], open_alerts: dict[str, int],
           previous_average: float | None) -> tuple[str, list[Block]]:
    count = sum(len(t.scores) for t in trends)
    week = f"{start:%b %d}"
    title = f"Customer satisfaction — the week from {week}"
    if not trends:
        text = (f"{title}: no satisfaction scores came in this week. Send them with `/truce csat Customer 8/10` "
                "or from your survey tool (`/truce csat token`).")
        return text, [HeaderBlock(text=title), section(text.split(": ", 1)[1])]
    scores = [s for t in trends for s in t.scores]
    average = sum(index(s.score, s.scale) for s in scores) / len(scores)
    was = f" (the 4 weeks before: {previous_average:.1f})" if previous_average is not None else ""
    summary = (f"{count} score{'s' if count != 1 else ''} from {len(trends)} customer{'s' if len(trends) != 1 else ''}"
               f" · average *{average:.1f}/10*{was}")
    risky = [t for t in trends if t.low and open_alerts.get(t.key)]
    blocks: list[Block] = [HeaderBlock(text=title), section(summary)]
    if risky:
        blocks.append(section(clip(":rotating_light: *Low scores and open alerts* — call these customers first:\n"
                                   + "\n".join(_trend_line(t, open_alerts[t.key]) for t in risky))))
    lines = [_trend_line(t, open_alerts.get(t.key, 0)) for t in trends[:DIGEST_CUSTOMERS]]
    chunk: list[str] = ["*By customer, lowest first* (0-10; ↑ ↓ → against their 4 weeks before)"]
    blocks.append(DividerBlock())
    for line in lines:
        if len("\n".join([*chunk, line])) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    if len(trends) > DIGEST_CUSTOMERS:
        blocks.append(context(f"…and {len(trends) - DIGEST_CUSTOMERS} more customers."))
    blocks.append(context("Scores out of 5 are shown on the 0-10 footing (4/5 = 7.5). :warning: marks a low score "
                          "(6 or less out of 10, 3 or less out of 5)."))
    text = f"{title}: {summary}" + (f". Low scores with open alerts: {', '.join(esc(t.customer) for t in risky)}"
                                    if risky else "")
    return clip(text, 3000), blocks[:50]
