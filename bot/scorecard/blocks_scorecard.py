"""Block Kit and text of the scorecard, built from data only: the text scorecard (what screen readers and
people who prefer numbers read, beside the chart), the chart's alt text, the App Home section, and the
forms and answers of recording actuals. Text people typed (goals, names) is escaped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section
from bot.scorecard.figures import AREAS, Row, compact, percent, row
from bot.scorecard.ids import ScorecardIds
from bot.scorecard.numbers import MONEY_FIELDS, MONEY_NAMES, LineVariance, Scorecard
from bot.scorecard.rules import CSV_EXAMPLE, CSV_HEADER, FORM_MAX_CHARS, LINE_EXAMPLE, LINE_FORMAT, MAX_LINES

ALT_TEXT_LIMIT = 1000  # files.getUploadURLExternal's alt_txt
HEADER_LIMIT = 150
MESSAGE_BLOCKS = 50
HOME_BLOCKS = 12  # the scorecard's share of App Home's 100


def _when(moment: datetime, timezone: str) -> str:
    t = moment.astimezone(ZoneInfo(timezone or "UTC"))
    return f"{t:%a} {t.day} {t:%b %Y}, {t:%H:%M} {t.tzname()}"


# --- the text scorecard -----------------------------------------------------------------------------


def _line(r: Row) -> str:
    cells = " · ".join(f"{c.quarter}: {c.text}" + (f" ({c.change})" if c.change else "") for c in r.cells)
    return f"• *{esc(r.name)}* — {cells}"


def _area_title(area: str, card: Scorecard) -> str:
    if area != AREAS[0]:
        return area
    currencies = sorted({q.plan.currency for q in card.quarters if q.plan is not None})
    return f"{area} ({currencies[0]})" if len(currencies) == 1 else area


def summary_text(card: Scorecard, rows: list[Row]) -> str:
    """One line for notifications: the current quarter's headline figures."""
    now = {r.name: r.cells[-1] for r in rows}
    parts = [f"pipeline {now['Pipeline'].text}", f"revenue {now['Revenue'].text}",
             f"{now['Reports'].text} unhappy reports", f"satisfaction {now['Average score (0-10)'].text}",
             f"win rate {now['Win rate'].text}"]
    return f"Joint scorecard {card.label}: " + "; ".join(parts) + "."


def scorecard_blocks(card: Scorecard, rows: list[Row], *, note: str = "") -> list[Block]:
    """Header, one section per area (each figure with its change against the quarter before), a footer."""
    quarters = f"{card.quarters[0].quarter} to {card.quarters[-1].quarter}"
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Joint scorecard — {card.label}", HEADER_LIMIT)),
        context(f"The last four quarters ({quarters}); in brackets, the change against the quarter before."
                + (f" {note}" if note else "")),
    ]
    for area in AREAS:
        lines = [_line(r) for r in rows if r.area == area]
        if lines:
            blocks.append(section(clip(f"*{_area_title(area, card)}*\n" + "\n".join(lines))))
    blocks.append(context("`/joint scorecard 2026-Q4` for another quarter · `/joint actuals` to record the plan's "
                          "actuals · `/joint plan export` for the CSV with plan, actual and variance."))
    return blocks[:MESSAGE_BLOCKS]


def _short(text: str) -> str:
    """A figure without what it is "of" or "from": "40% of 25 shared" -> "40%"; "7.8 from 12" -> "7.8"."""
    return text.split(" of ")[0].split(" from ")[0]


def alt_text(card: Scorecard, rows: list[Row]) -> str:
    """What the chart shows, in words, for screen readers (Slack's limit: 1,000 characters)."""
    def series(name: str) -> str:
        return ", ".join(_short(c.text) for c in row(rows, name).cells)

    first, last = card.quarters[0].quarter, card.quarters[-1].quarter
    attainment = [f"{MONEY_NAMES[f].lower()} {cell.text.rsplit(', ', 1)[-1]}" for f in MONEY_FIELDS
                  if "%" in (cell := row(rows, MONEY_NAMES[f]).cells[-1]).text]
    parts = [f"Chart of the joint scorecard, {first} to {last}, quarter by quarter."]
    if attainment:
        parts.append(f"Actual as a share of plan in {last}: " + ", ".join(attainment) + ".")
    parts += [f"Intel shared by sales: {series('Shared by sales')}; by marketing: {series('Shared by marketing')}.",
              f"Unhappy reports: {series('Reports')}; SLA breaches: {series('SLA breaches')}.",
              f"Median time to both owners: {series('Median time to both owners')}; to resolution: "
              f"{series('Median time to resolution')}.",
              f"Satisfaction out of 10: {series('Average score (0-10)')}.",
              f"Win rate: {series('Win rate')}."]
    return clip(" ".join(parts), ALT_TEXT_LIMIT)


def agenda_lines(card: Scorecard, rows: list[Row]) -> list[str]:
    """The quarter's headline figures for the joint meeting's agenda, each with its change."""
    def say(name: str, prefix: str = "") -> str | None:
        cell = row(rows, name).cells[-1]
        if cell.text in ("none", "no plan"):
            return None
        return f"{prefix}{cell.text}" + (f" ({cell.change})" if cell.change else "")

    lines = []
    money = [f"{MONEY_NAMES[f].lower()} {said}" for f in MONEY_FIELDS if (said := say(MONEY_NAMES[f]))]
    if money:
        lines.append("Plan vs actual: " + "; ".join(money) + ".")
    intel = [x for x in (say("Shared by sales", "sales "), say("Shared by marketing", "marketing "),
                         say("Voted Useful", "voted Useful: ")) if x]
    lines.append("Intel shared: " + ", ".join(intel) + ".")
    unhappy = [x for x in (say("Reports", "reports "), say("SLA breaches", "SLA breaches "),
                           say("Median time to both owners", "median time to both owners "),
                           say("Median time to resolution", "to resolution ")) if x]
    lines.append("Unhappy customers: " + ", ".join(unhappy) + ".")
    if csat := say("Average score (0-10)"):
        lines.append(f"Satisfaction out of 10: {csat}.")
    if wins := say("Win rate"):
        rivals = [x for key, name in card.top_competitors if (x := say(f"Win rate vs {name}", f"vs {esc(name)} "))]
        lines.append(f"Win rate: {wins}" + (f"; {', '.join(rivals)}" if rivals else "") + ".")
    lines.append("In brackets: the change against the quarter before. The four-quarter chart is posted in the "
                 "joint channel with the prompt; `/joint scorecard` posts it again.")
    return lines


# --- App Home ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    """A lead's open item against the plan: a joint action item of their team."""

    text: str
    owner_id: str
    due_on: date


def _gap(v: LineVariance, currency: str) -> str | None:
    """What is still missing on a goal: the pipeline and revenue below plan (or not recorded yet)."""
    missing = []
    for name in ("pipeline", "revenue"):
        planned, actual = v.planned[name], v.actual[name]
        if not planned:
            continue
        if actual is None:
            missing.append(f"{name} not recorded (plan {compact(planned)})")
        elif actual < planned:
            missing.append(f"{name} {compact(actual)} of {compact(planned)} {currency}")
    return "; ".join(missing) or None


def home_blocks(card: Scorecard, rows: list[Row], *, variances: list[LineVariance] | None = None,
                currency: str = "", open_items: list[OpenItem] | None = None, open_total: int = 0,
                team_name: str = "") -> list[Block]:
    """The current quarter's figures for everyone; for a lead (`variances` given) the plan's goals still
    short of plan and their team's open action items."""
    now = [(r.name, r.cells[-1]) for r in rows]
    figures = "\n".join(f"• {esc(name)}: *{cell.text}*" + (f" ({cell.change})" if cell.change else "")
                        for name, cell in now if cell.text not in ("none", "no plan"))
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Scorecard — {card.label}", HEADER_LIMIT)),
        section(clip(figures or "Nothing recorded this quarter yet.")),
        context("In brackets: the change against the quarter before. `/joint scorecard` posts the four-quarter "
                "chart."),
    ]
    if variances is not None:
        gaps = [f"• *{esc(v.goal)}* — {gap}" for v in variances if v.in_plan and (gap := _gap(v, currency))]
        title = f"*Open against the plan{' for ' + esc(team_name) if team_name else ''}*"
        if not variances:
            body = "No joint plan this quarter: `/joint plan` starts it."
        else:
            body = "\n".join(gaps) or "Every goal has reached its planned pipeline and revenue."
        blocks += [DividerBlock(), section(clip(f"{title}\n{body}"))]
        if open_items:
            items = "\n".join(f"• {esc(i.text)} — <@{i.owner_id}>, due {i.due_on:%d %b}" for i in open_items)
            total = max(open_total, len(open_items))
            more = f"\n…and {total - len(open_items)} more." if total > len(open_items) else ""
            blocks.append(section(clip(f"*Your team's open action items*\n{items}{more}")))
        blocks.append(context("`/joint actuals` records what happened against the plan."))
    return blocks[:HOME_BLOCKS]


# --- recording actuals --------------------------------------------------------------------------------


def actuals_modal(*, quarter: str, label: str, lines_text: str, goals: list[str], currency: str) -> View:
    listed = "\n".join(f"{i}. {esc(g)}" for i, g in enumerate(goals[:40], start=1))
    blocks = [
        section(clip(f"What *{esc(label)}* brought against its joint plan ({currency}). One line per goal (and "
                     f"owner): `{LINE_FORMAT}`. Leave an amount empty while it is not known; remove a line to "
                     f"remove its actuals. Every change is kept.\n*The plan's goals*\n{listed}")),
        InputBlock(block_id=ScorecardIds.ACTUALS_BLOCK, label="Actuals", optional=True,
                   hint=f"e.g. {LINE_EXAMPLE} — or #1 for the plan's first goal. The owner is optional.",
                   element=PlainTextInputElement(action_id=ScorecardIds.ACTUALS, multiline=True,
                                                 max_length=FORM_MAX_CHARS, initial_value=lines_text or None,
                                                 placeholder=LINE_EXAMPLE)),
        context("Amounts are plain numbers (12000 or 12,000.50), in the plan's currency."),
    ]
    return View(type="modal", callback_id=ScorecardIds.ACTUALS_VIEW, title=clip(f"Actuals {quarter}", 24),
                submit="Save", close="Cancel", private_metadata=json.dumps({"quarter": quarter}), blocks=blocks)


def import_modal(*, quarter: str, label: str) -> View:
    help_text = (f"Paste the actuals of *{esc(label)}* as CSV with a header line. `goal` and at least one of "
                 "`budget_spent`, `pipeline`, `revenue` are needed; `owner` is optional. A column left out keeps "
                 "what was recorded; an empty cell is \"not recorded\". Commas or semicolons both work. Nothing "
                 f"is recorded unless every row is right.\nFor example:\n```{CSV_EXAMPLE}```")
    return View(type="modal", callback_id=ScorecardIds.IMPORT_VIEW, title=clip(f"Import actuals {quarter}", 24),
                submit="Import", close="Cancel", private_metadata=json.dumps({"quarter": quarter}), blocks=[
                    section(help_text),
                    InputBlock(block_id=ScorecardIds.CSV_BLOCK, label="Actuals (CSV)",
                               hint=f"Up to {MAX_LINES} rows and {FORM_MAX_CHARS:,} characters (Slack's limit for "
                                    "this box); paste bigger files in parts.",
                               element=PlainTextInputElement(action_id=ScorecardIds.CSV, multiline=True,
                                                             max_length=FORM_MAX_CHARS, placeholder=CSV_HEADER)),
                ])


def recorded_text(*, label: str, variances: list[LineVariance], currency: str, changed: int) -> str:
    """The answer after recording: how many lines changed, and the quarter's plan beside its actuals."""
    if not changed:
        head = f"The {label} actuals are unchanged: they already said that."
    else:
        head = f":white_check_mark: Recorded the {label} actuals ({changed} line{'s' if changed != 1 else ''} changed)."
    lines = []
    for v in variances:
        parts = []
        for name in MONEY_FIELDS:
            actual, planned = v.actual[name], v.planned[name]
            if actual is not None:
                rate = f", {percent(float(actual / planned))}" if planned else ""
                parts.append(f"{MONEY_NAMES[name].lower()} {compact(actual)} of {compact(planned)}{rate}")
        where = "" if v.in_plan else " _(no longer in the plan)_"
        lines.append(f"• *{esc(v.goal)}*{where}: " + ("; ".join(parts) or "nothing recorded"))
    return clip(f"{head} Amounts in {currency}.\n" + "\n".join(lines))


def history_text(*, label: str, revisions: list, timezone: str) -> str:
    """Who changed the quarter's actuals, when, how, and from what to what."""
    if not revisions:
        return f"No actuals recorded for {label} yet: `/joint actuals` records them."
    shown = revisions[-12:]
    out = []
    for r in shown:
        who = "the actuals webhook" if r.source == "webhook" else f"<@{r.user_id}>"
        lines = [f"{who} by {r.source} ({_when(r.at, timezone)}):"]
        for what, fields in r.changes.items():
            moves = ", ".join(f"{name.replace('_', ' ')} {c['from'] or 'none'} → {c['to'] or 'none'}"
                              for name, c in fields.items())
            lines.append(f"  • {esc(what)}: {moves}")
        out.append("\n".join(lines))
    more = f"\n_…{len(revisions) - len(shown)} earlier changes not shown._" if len(revisions) > len(shown) else ""
    return clip(f"*History of the {label} actuals* ({len(revisions)} changes)\n\n" + "\n\n".join(out) + more)


def token_text(*, token: str, path: str, renewed: bool) -> str:
    body = ('{"quarter": "2027-Q1", "lines": [{"goal": "Win 5 mid-market logos", "owner": "Sam Seller", '
            '"budget_spent": 11500, "pipeline": 180000, "revenue": 60000}]}')
    return (":key: The actuals webhook's token for this workspace (shown once; keep it secret):\n"
            f"`{token}`\nA finance tool sends actuals like this:\n```curl -X POST https://YOUR-TRUCE-HOST{path} "
            f"-H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' -d '{body}'```"
            + ("\nThe previous token no longer works." if renewed else ""))
