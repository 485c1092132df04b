"""Reminders, escalations, `/unhappy list` and the App Home section of unhappiness reports."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.block_kit import clip, context, esc, section, user
from bot.unhappy.blocks_alert import SEVERITY_EMOJI, TEAM_NAME, alert_link, duration
from bot.unhappy.models import CorrectiveAction, UnhappyReport
from bot.unhappy.rules import UnhappyPrefs, age, state_text

LIST_MAX = 20
HOME_MAX = 8


def _missing(report: UnhappyReport) -> str:
    """"a Marketing owner", or "a Sales owner and a Marketing owner"."""
    return " and ".join(f"a {TEAM_NAME[t]} owner" for t in ("sales", "marketing") if report.owner(t) is None)


def _name(report: UnhappyReport) -> str:
    return f"*{esc(report.customer)}* ({SEVERITY_EMOJI[report.severity]} {report.severity}, `#{report.id}`)"


def reminder_line(report: UnhappyReport, prefs: UnhappyPrefs, *, escalated_to: str | None = None) -> str:
    sla = prefs.sla[report.severity]
    waiting = ""
    for team in ("sales", "marketing"):
        if report.owner(team):
            waiting = f" {user(report.owner(team))} owns the {TEAM_NAME[team]} side and is waiting."
    if escalated_to:
        return clip(f":rotating_light: Escalated to {escalated_to}: this alert still needs {_missing(report)} "
                    f"after twice its {sla.text} reminder time ({duration(age(report))} since the report)."
                    f"{waiting}")
    return clip(f":alarm_clock: Reminder: this {report.severity} alert still needs {_missing(report)}, "
                f"{duration(age(report))} after the report (reminder time for {report.severity}: {sla.text})."
                f"{waiting} Claim it with the buttons above, or react with :{prefs.emoji['claim']}:.")


def escalation_dm(report: UnhappyReport, prefs: UnhappyPrefs) -> str:
    missing = [t for t in ("sales", "marketing") if report.owner(t) is None]
    return clip(f":rotating_light: Escalation: {_name(report)} still needs {_missing(report)}, "
                f"{duration(age(report))} after it was reported (twice its {prefs.sla[report.severity].text} "
                f"reminder time). {alert_link(report)}.\nAssign someone: "
                f"`/unhappy assign {report.id} @someone {missing[0] if missing else 'sales'}`.")


def escalation_post(report: UnhappyReport, prefs: UnhappyPrefs) -> str:
    return clip(f":rotating_light: {_name(report)} has waited {duration(age(report))} for "
                f"{_missing(report)}. Sales and marketing own unhappy customers together: claim it. "
                f"{alert_link(report)}")


def followup_line(report: UnhappyReport, action: CorrectiveAction) -> str:
    owners = " ".join(user(u) for u in report.owners)
    return clip(f":calendar: {owners} today is the follow-up date of “{esc(action.text[:200])}”. "
                "The alert is still open: *Resolve* it, or record what comes next with *Add corrective action*.")


# --- /unhappy list and mine ---------------------------------------------------------------------


def list_line(report: UnhappyReport) -> str:
    owners = f"Sales {user(report.sales_owner_id) if report.sales_owner_id else '_needed_'} · " \
             f"Marketing {user(report.marketing_owner_id) if report.marketing_owner_id else '_needed_'}"
    owned = (f" · owned in {duration(report.time_to_owned_s)}" if report.time_to_owned_s is not None else "")
    link = f" · <{report.alert_permalink}|alert>" if report.alert_permalink else ""
    return (f"{SEVERITY_EMOJI[report.severity]} `#{report.id}` *{esc(report.customer)}* — {state_text(report)} · "
            f"{owners} · {duration(age(report))} old{owned}{link}")


def list_message(reports: list[UnhappyReport], *, mine: bool) -> tuple[str, list[Block]]:
    if not reports:
        text = ("You own no open customer alerts." if mine else
                "No open customer alerts. :tada: Report one with `/unhappy Customer: what happened`.")
        return text, [section(text)]
    title = "Customer alerts you own" if mine else "Open customer alerts, newest first"
    shown = reports[:LIST_MAX]
    lines = [list_line(r) for r in shown]
    blocks: list[Block] = [HeaderBlock(text=f"{title} ({len(reports)})")]
    chunk: list[str] = []
    for line in lines:
        if len("\n".join([*chunk, line])) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(reports) > LIST_MAX:
        blocks.append(context(f"…and {len(reports) - LIST_MAX} older ones."))
    blocks.append(context("“Owned in” is the time from the report until both teams owned it. "
                          "`/unhappy mine` shows yours; `/unhappy help` everything else."))
    return f"{title} ({len(reports)}):\n" + "\n".join(lines), blocks


# --- App Home -------------------------------------------------------------------------------


def _home_line(report: UnhappyReport) -> str:
    link = f" · <{report.alert_permalink}|open>" if report.alert_permalink else ""
    return (f"{SEVERITY_EMOJI[report.severity]} *{esc(report.customer)}* `#{report.id}` — {state_text(report)}, "
            f"{duration(age(report))} old{link}")


def home_section(mine: list[UnhappyReport], unclaimed: list[UnhappyReport], my_teams: set[str]) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Unhappy customers")]
    if mine:
        blocks.append(section("*My open reports*\n" + "\n".join(_home_line(r) for r in mine[:HOME_MAX])))
    else:
        blocks.append(section("*My open reports*\nYou own none right now."))
    if unclaimed:
        lines = []
        for r in unclaimed[:HOME_MAX]:
            needs_me = [TEAM_NAME[t] for t in sorted(my_teams) if r.owner(t) is None]
            tag = f" — *needs your team ({', '.join(needs_me)})*" if needs_me else ""
            lines.append(_home_line(r) + tag)
        more = f"\n_…and {len(unclaimed) - HOME_MAX} more: `/unhappy list`_" if len(unclaimed) > HOME_MAX else ""
        blocks.append(section("*Unclaimed reports*\n" + "\n".join(lines) + more))
    else:
        blocks.append(section("*Unclaimed reports*\nEvery open report has both owners. :handshake:"))
    return blocks
