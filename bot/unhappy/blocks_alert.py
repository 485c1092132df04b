"""The customer-unhappiness alert (updated in place), its thread lines and the owners' DMs."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.block_kit import clip, context, esc, section, user
from bot.clock import aware, now
from bot.ids import UnhappyIds
from bot.unhappy.models import CorrectiveAction, UnhappyReport
from bot.unhappy.rules import ROOT_CAUSES, STATUS_TEXT, state_text

SEVERITY_EMOJI = {"critical": ":red_circle:", "high": ":large_orange_circle:",
                  "medium": ":large_yellow_circle:", "low": ":white_circle:"}
TEAM_NAME = {"sales": "Sales", "marketing": "Marketing"}


def severity_text(severity: str) -> str:
    return f"{SEVERITY_EMOJI[severity]} {severity.capitalize()}"


def when(t: datetime | None) -> str:
    """A time every reader sees in their own timezone (with a UTC fallback)."""
    t = aware(t) or now()
    return f"<!date^{int(t.timestamp())}^{{date_short_pretty}} {{time}}|{t:%Y-%m-%d %H:%M} UTC>"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = max(0, int(seconds // 60))
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def alert_link(report: UnhappyReport, label: str = "Open the alert") -> str:
    if report.alert_permalink:
        return f"<{report.alert_permalink}|{label}>"
    return f"The alert is in <#{report.alert_channel}>" if report.alert_channel else "The alert"


def quote(text: str) -> str:
    return "\n".join("> " + line for line in esc(text).splitlines() or [""])


def _source(report: UnhappyReport) -> str:
    if report.source == "shortcut" and report.source_permalink:
        where = f" in <#{report.source_channel}>" if report.source_channel else ""
        return f"<{esc(report.source_permalink)}|a message{where}>"
    return {"command": "`/unhappy`", "modal": "the report form"}.get(report.source, esc(report.source))


def _owner(report: UnhappyReport, team: str) -> str:
    owner = report.owner(team)
    return user(owner) if owner else "_needed_"


def _status(report: UnhappyReport) -> str:
    icon = {"open": ":hourglass_flowing_sand:" if not report.is_owned else ":handshake:",
            "resolved": ":white_check_mark:", "not_an_issue": ":heavy_minus_sign:"}[report.status]
    return f"{icon} {state_text(report)}"


def alert_text(report: UnhappyReport) -> str:
    status = "" if report.is_open else f" [{STATUS_TEXT[report.status]}]"
    return clip(f"{SEVERITY_EMOJI[report.severity]} {esc(report.customer)} is unhappy "
                f"({report.severity}){status}: {esc(report.description)}", 3000)


def action_line(action: CorrectiveAction) -> str:
    follow = f" · follow-up {action.follow_up_on:%b %d, %Y}" if action.follow_up_on else ""
    return (f"• {esc(action.text)} — _{ROOT_CAUSES.get(action.root_cause, action.root_cause)}_ · "
            f"{user(action.user_id)}{follow}")


def _facts(report: UnhappyReport) -> list[str]:
    facts = []
    if report.link:
        facts.append(f":link: <{esc(report.link)}|Link>")
    if report.contact:
        facts.append(f":bust_in_silhouette: Contact: {esc(report.contact)}")
    if report.acknowledged_by:
        facts.append(":eyes: Seen by " + ", ".join(user(u) for u in report.acknowledged_by))
    facts.append(f"Reported {when(report.created_at)}")
    if report.time_to_owned_s is not None:
        facts.append(f":stopwatch: Both teams owned it {duration(report.time_to_owned_s)} after the report")
    if report.is_open and report.snoozed_until and aware(report.snoozed_until) > now():
        facts.append(f":zzz: Reminders snoozed until {when(report.snoozed_until)}")
    if report.status == "resolved" and report.closed_at is not None:  # resolving stamps closed_at
        facts.append(f"Resolved by {user(report.closed_by)} {when(report.closed_at)}, "
                     f"{duration((aware(report.closed_at) - aware(report.created_at)).total_seconds())} "
                     "after the report")
    if report.status == "not_an_issue":
        facts.append(f"Marked not an issue by {user(report.closed_by)} {when(report.closed_at)}")
    return facts


def _buttons(report: UnhappyReport) -> ActionsBlock:
    value = str(report.id)
    if not report.is_open:
        more = OverflowMenuElement(action_id=UnhappyIds.MORE, options=[
            Option(text="Reopen", value=f"{UnhappyIds.MORE_REOPEN}:{value}")])
        return ActionsBlock(block_id=UnhappyIds.ACTIONS_BLOCK, elements=[more])
    elements = [
        ButtonElement(text="Claim for Sales", action_id=UnhappyIds.CLAIM_SALES, value=value,
                      style=None if report.sales_owner_id else "primary"),
        ButtonElement(text="Claim for Marketing", action_id=UnhappyIds.CLAIM_MARKETING, value=value,
                      style=None if report.marketing_owner_id else "primary"),
        ButtonElement(text="Add corrective action", action_id=UnhappyIds.ADD_ACTION, value=value),
        ButtonElement(text="Resolve", action_id=UnhappyIds.RESOLVE, value=value),
        OverflowMenuElement(action_id=UnhappyIds.MORE, options=[
            Option(text="Assign owners (leads)", value=f"{UnhappyIds.MORE_ASSIGN}:{value}"),
            Option(text="Snooze reminders", value=f"{UnhappyIds.MORE_SNOOZE}:{value}"),
            Option(text="Not an issue", value=f"{UnhappyIds.MORE_NOT_AN_ISSUE}:{value}"),
        ]),
    ]
    return ActionsBlock(block_id=UnhappyIds.ACTIONS_BLOCK, elements=elements)


def alert_blocks(report: UnhappyReport, actions: list[CorrectiveAction]) -> list[Block]:
    title = f"{SEVERITY_EMOJI[report.severity]} *{esc(report.customer)}* is unhappy"
    if not report.is_open:
        title = f"~{title}~ — *{STATUS_TEXT[report.status]}*"
    blocks: list[Block] = [
        section(f"{title}   `#{report.id}`"),
        SectionBlock(fields=[MarkdownTextObject(text=t) for t in (
            f"*Severity*\n{severity_text(report.severity)}",
            f"*Status*\n{_status(report)}",
            f"*Sales owner*\n{_owner(report, 'sales')}",
            f"*Marketing owner*\n{_owner(report, 'marketing')}",
            f"*Reported by*\n{user(report.reporter_id)}",
            f"*Source*\n{_source(report)}",
        )]),
        section(clip("*What happened*\n" + quote(report.description))),
    ]
    if actions:
        lines = [action_line(a) for a in actions[-10:]]
        more = f"\n_…and {len(actions) - 10} earlier ones_" if len(actions) > 10 else ""
        blocks.append(section(clip("*Corrective actions*\n" + "\n".join(lines) + more)))
    blocks.append(context(*_facts(report)))
    blocks.append(_buttons(report))
    return blocks


def log_line(actor: str | None, what: str, at: datetime | None = None) -> str:
    """A history line in the alert's thread: when, who, what."""
    who = f"{user(actor)} " if actor else ""
    return clip(f"{when(at)} · {who}{what}")


# --- DMs to owners ------------------------------------------------------------------------------


def _headline(report: UnhappyReport) -> str:
    return f"*{esc(report.customer)}* ({SEVERITY_EMOJI[report.severity]} {report.severity}, `#{report.id}`)"


def claimed_dm(report: UnhappyReport, team: str) -> str:
    other = "marketing" if team == "sales" else "sales"
    partner = (f"{user(report.owner(other))} owns it for {TEAM_NAME[other]}." if report.owner(other)
               else f"It still needs a {TEAM_NAME[other]} owner.")
    return (f":raising_hand: You own {_headline(report)} for {TEAM_NAME[team]}. {partner}\n"
            f"{alert_link(report)} · record what you do with *Add corrective action*; it can be resolved "
            "once both teams own it and one action is recorded.")


def assigned_dm(report: UnhappyReport, team: str, lead: str) -> str:
    return (f":raising_hand: {user(lead)} made you the {TEAM_NAME[team]} owner of {_headline(report)}.\n"
            f"{alert_link(report)} · record what you do with *Add corrective action*.")


def replaced_dm(report: UnhappyReport, team: str, lead: str, new_owner: str) -> str:
    return (f":arrows_counterclockwise: {user(lead)} handed the {TEAM_NAME[team]} side of {_headline(report)} "
            f"to {user(new_owner)}. You no longer own it. {alert_link(report)}")
