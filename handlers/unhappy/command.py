"""/unhappy: report at once, the report modal, the message shortcut, list, mine, assign, settings."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import delivery
from bot.block_kit import esc
from bot.db import pk
from bot.feature import SubCommand
from bot.ids import Command
from bot.ids import UnhappyIds as Ids
from bot.models import Workspace
from bot.people import name_of
from bot.runtime import Runtime
from bot.slack_text import echo, echo_command, plain
from bot.unhappy import owners as unhappy_owners
from bot.unhappy import prefs as unhappy_prefs
from bot.unhappy import reports as unhappy
from bot.unhappy import rules
from bot.unhappy.alert import alert_channel
from bot.unhappy.alert_links import ensure_permalink
from bot.unhappy.blocks_alert import SEVERITY_EMOJI
from bot.unhappy.blocks_forms import report_modal, settings_modal
from bot.unhappy.blocks_notes import LIST_MAX, list_message
from bot.unhappy.reports import USAGE, ReportDraft
from bot.user_error import UserError
from handlers.common import (
    first_word,
    in_background,
    input_value,
    later,
    lead_refusal,
    record_id,
    replace_answer,
    route,
    view_metadata,
)
from handlers.unhappy.report_form import form_errors, report_draft

log = logging.getLogger(__name__)
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ASSIGN_USAGE = "/unhappy assign 12 @dana sales"
SETTINGS_BLOCKS = {
    "emoji_claim": Ids.EMOJI_CLAIM_BLOCK, "emoji_ack": Ids.EMOJI_ACK_BLOCK, "emoji_resolve": Ids.EMOJI_RESOLVE_BLOCK,
    "sla_critical": Ids.SLA_CRITICAL_BLOCK, "sla_high": Ids.SLA_HIGH_BLOCK, "sla_medium": Ids.SLA_MEDIUM_BLOCK,
    "sla_low": Ids.SLA_LOW_BLOCK, "hours": Ids.HOURS_BLOCK, "days": Ids.DAYS_BLOCK, "csat_scale": Ids.SCALE_BLOCK,
}


def unhappy_command(ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                    rt: Runtime, ws: Workspace) -> None:
    # Any other text is a report.
    route(Command.UNHAPPY, SUBCOMMANDS, ack=ack, command=command, client=client, context=context, respond=respond,
          rt=rt, ws=ws, otherwise=report_command)


def form_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    """/unhappy alone opens the report form."""
    ack()
    meta = {"channel": command.get("channel_id"), "source": "modal"}
    later(context, client.views_open, trigger_id=command["trigger_id"], view=report_modal(metadata=meta))


def list_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    """/unhappy list and /unhappy mine; with more words it is a report."""
    if rest:
        report_command(ack=ack, command=command, client=client, context=context, respond=respond, rt=rt, ws=ws)
        return
    text, blocks = show_list(context=context, rt=rt, mine=first_word(command.get("text"))[0] == "mine")
    ack(text=text, blocks=blocks)


def assign_word(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                ws: Workspace, rest: str) -> None:
    typed = f"/unhappy {plain(command.get('text'))}".strip()
    ack(text=assign_command(rest=rest, typed=typed, context=context, rt=rt, ws=ws))


def settings_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                     rt: Runtime, ws: Workspace, rest: str) -> None:
    """/unhappy settings (admins and leads); with more words it is a report."""
    if rest:
        report_command(ack=ack, command=command, client=client, context=context, respond=respond, rt=rt, ws=ws)
        return
    open_settings(ack=ack, client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"])


def report_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond,
                   rt: Runtime, ws: Workspace, rest: str = "") -> None:
    """/unhappy Customer: what happened …: stored before the answer, posted right after it."""
    text = command.get("text") or ""
    try:
        draft = unhappy.parse_command(text)
        stored = _store(context, rt, ws, draft)
    except UserError as exc:
        ack(text=f":thinking_face: {exc}\n" + ("" if exc.field == "setup" else
                 f"Type it like this: `{USAGE}` (or just `/unhappy` for a form).\n") + echo_command(command))
        return
    ack(text=saved_note(stored))
    in_background(context, publish, rt, stored,
          tell=lambda note: replace_answer(respond, note))


@dataclass(frozen=True)
class Stored:
    """A report just stored: what the reporter is told, and the alert post to send."""

    team_id: str
    report_id: int
    channel: str
    summary: str
    outbox_ids: list[int]


def _store(context: BoltContext, rt: Runtime, ws: Workspace, draft: ReportDraft) -> Stored:
    with rt.session(deliver=False) as session:
        report = unhappy.create_report(session=session, ws=ws, user_id=context["user_id"], draft=draft)
        summary = f"*{esc(report.customer)}* ({SEVERITY_EMOJI[report.severity]} {report.severity})"
        stored = Stored(ws.team_id, pk(report.id), alert_channel(report), summary, [])
    return replace(stored, outbox_ids=rt.take_queued(session))


def saved_note(stored: Stored) -> str:
    return (f":inbox_tray: Saved `#{stored.report_id}`: {stored.summary}. The alert is on its way to "
            f"<#{stored.channel}>; a sales owner and a marketing owner will claim it together.")


def publish(rt, stored: Stored, *, tell: Callable[[str], object]) -> None:
    """After the answer (background pool): post the alert, then tell the reporter where it is."""
    results = delivery.delivered(rt, stored.outbox_ids)  # sent by the runtime's sender, waited for
    tell(confirmation(rt, team_id=stored.team_id, report_id=stored.report_id, channel=stored.channel,
                      summary=stored.summary, results=results))


def confirmation(rt, *, team_id: str, report_id: int, channel: str, summary: str,
                 results: list[delivery.Result]) -> str:
    """What the reporter is told: posted (with a link), queued (Slack slow), or waiting for an invite."""
    result = results[0] if results else None
    if result is not None and result.status == "sent":
        link = ensure_permalink(rt, team_id=team_id, report_id=report_id)
        where = f"in <#{channel}> (<{link}|see it>)" if link else f"in <#{channel}>"
        return (f":white_check_mark: Reported `#{report_id}`: {summary} is {where}. A sales owner and a marketing "
                "owner will claim it together; `/unhappy list` shows where it stands.")
    if result is not None and result.error in delivery.WAIT_FOR_INVITE:
        return (f":warning: Saved `#{report_id}`, but Truce isn't in <#{channel}> yet. Invite it there "
                "(`/invite @Truce`) and the alert is posted at once; nothing is lost.")
    if result is not None and result.status == "failed":
        return (f":warning: Saved `#{report_id}`, but Slack refused the alert ({result.error}). Ask an admin to "
                "check `/truce setup`; the report is kept.")
    return (f":hourglass_flowing_sand: Saved `#{report_id}` ({summary}). Slack is slow right now, so the alert "
            f"will be posted in <#{channel}> in a moment; nothing is lost.")


def report_shortcut(ack: Ack, shortcut: dict, client: WebClient, context: BoltContext, rt: Runtime) -> None:
    ack()
    later(context, _open_from_message, rt, client, team_id=context["team_id"], shortcut=shortcut)


def _open_from_message(rt, client: WebClient, *, team_id: str, shortcut: dict) -> None:
    """The report form, prefilled from the message (its link and author looked up first)."""
    message = shortcut.get("message") or {}
    channel = (shortcut.get("channel") or {}).get("id")
    permalink = None
    try:
        if channel:  # a message shortcut always says where the message is
            permalink = client.chat_getPermalink(channel=channel, message_ts=shortcut["message_ts"])["permalink"]
    except SlackApiError as exc:  # still report it, without the link
        log.warning("permalink of the reported message: %s", exc.response.get("error"))
    description = plain(message.get("text") or "").strip()
    note = None
    if len(description) > rules.DESCRIPTION_MAX:
        note = f"The message was shortened to {rules.DESCRIPTION_MAX} characters; the full text is linked."
    author = message.get("user")
    if author and description:
        with rt.session() as session:
            description = f"{description}\n(from a message by @{name_of(session, team_id, author)})"
    meta = {"channel": channel, "source": "shortcut", "permalink": permalink, "source_channel": channel}
    client.views_open(trigger_id=shortcut["trigger_id"],
                      view=report_modal(metadata=meta, description=description, note=note))


def report_submitted(ack: Ack, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                     ws: Workspace) -> None:
    """The report form, once its answer has closed it (run after it: bot/accepted_forms.py)."""
    meta = view_metadata(view)
    draft = report_draft(view)
    try:
        stored = _store(context, rt, ws, unhappy.validate_draft(draft))
    except UserError as exc:
        ack(response_action="errors", errors=form_errors(exc))
        return
    ack()
    user, channel = context["user_id"], meta.get("channel")
    in_background(context, publish, rt, stored,
          tell=lambda note: delivery.send_ephemeral(client, channel=channel or user, user=user, text=note))


def show_list(*, context: BoltContext, rt: Runtime, mine: bool) -> tuple[str, list]:
    with rt.session() as session:
        reports = unhappy.list_open(session=session, team_id=context["team_id"],
                                    owner=context["user_id"] if mine else None)
    unlinked = [r.id for r in reports[:LIST_MAX] if not r.alert_permalink]
    if unlinked:  # posted while Slack was slow: their links are fetched for next time
        in_background(context, _fetch_links, rt, context["team_id"], unlinked)
    return list_message(reports, mine=mine)


def _fetch_links(rt, team_id: str, report_ids: list[int]) -> None:
    for report_id in report_ids:
        ensure_permalink(rt, team_id=team_id, report_id=report_id)


def assign_command(*, rest: str, typed: str, context: BoltContext, rt: Runtime, ws: Workspace) -> str:
    parts = rest.split()
    number = parts[0].lstrip("#") if parts else ""
    match = USER_MENTION.match(parts[1]) if len(parts) > 1 else None
    team = parts[2].lower() if len(parts) > 2 else None
    readable = number.isascii() and number.isdigit()
    if len(parts) not in (2, 3) or not readable or match is None or team not in (None, "sales", "marketing"):
        return (f"I couldn't read that. Assign an owner like this: `{ASSIGN_USAGE}` (the team is optional "
                "when they are on only one).\n" + echo(typed))
    assignee = match.group(1)
    try:
        with rt.session() as session:
            report = unhappy_owners.load(session=session, ws=ws, report_id=record_id(number, "report"))
            team = team or _team_for(session, ws, report, assignee)
            change = unhappy_owners.assign(session=session, ws=ws, report_id=pk(report.id), lead=context["user_id"],
                                           team=team, assignee=assignee)
    except UserError as exc:
        return f":no_entry: {exc}\n" + echo(typed)
    return (f"<@{assignee}> owns the {team} side of `#{number}` now; they got a DM."
            if change.changed else f"<@{assignee}> already owns the {team} side of `#{number}`.")


def _team_for(session, ws, report, assignee: str) -> str:
    on = unhappy_owners.teams(session=session, ws=ws, user_id=assignee)
    if len(on) == 1:
        return next(iter(on))
    if not on:
        raise UserError(f"<@{assignee}> is on neither team. `/truce team @someone sales` puts "
                        "someone on a team.")
    raise UserError(f"<@{assignee}> is on both teams: say which side, like "
                    f"`/unhappy assign {report.id} @someone sales`.")


def open_settings(*, ack: Ack, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace,
                  trigger_id: str) -> None:
    refusal = lead_refusal(rt, ws, context["user_id"], "change how customer alerts behave")
    if refusal:
        ack(text=refusal + " `/unhappy help` shows what everyone can do.")
        return
    ack()
    later(context, client.views_open, trigger_id=trigger_id, view=settings_modal(unhappy_prefs.get_prefs(ws)))


def settings_submitted(ack: Ack, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                       ws: Workspace) -> None:
    values = view["state"]["values"]

    def value(block: str):
        return input_value(values, block, Ids.VALUE)

    data = unhappy_prefs.PrefsInput(
        emoji={"claim": value(Ids.EMOJI_CLAIM_BLOCK) or "", "ack": value(Ids.EMOJI_ACK_BLOCK) or "",
               "resolve": value(Ids.EMOJI_RESOLVE_BLOCK) or ""},
        sla={s: value(getattr(Ids, f"SLA_{s.upper()}_BLOCK")) or "" for s in rules.SEVERITIES},
        hours=value(Ids.HOURS_BLOCK) or "", days=value(Ids.DAYS_BLOCK) or [], csat_scale=value(Ids.SCALE_BLOCK) or "",
    )
    try:
        unhappy_prefs.validate_prefs(data)
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(SETTINGS_BLOCKS): str(exc)})
        return
    refusal = lead_refusal(rt, ws, context["user_id"], "change these settings")
    if refusal:
        ack(response_action="errors", errors={Ids.EMOJI_CLAIM_BLOCK: refusal})
        return
    with rt.session() as session:
        prefs = unhappy_prefs.save_prefs(session=session, ws=ws, data=data)
        delivery.queue_post(session, team_id=ws.team_id, channel=context["user_id"], text=(
            f":white_check_mark: Customer-alert settings saved. Claim :{prefs.emoji['claim']}:, acknowledge "
            f":{prefs.emoji['ack']}:, resolve :{prefs.emoji['resolve']}:. Reminders after: "
            + ", ".join(f"{s} {prefs.sla[s].text}" for s in rules.SEVERITIES)
            + f". Working hours {prefs.hours_text} ({prefs.days_text}, {prefs.timezone}). "
            f"A bare satisfaction score is out of {prefs.csat_scale}."))
    ack()


# /unhappy <word>: each is called with the Bolt arguments and `rest`; any other text is a report.
SUBCOMMANDS: Mapping[str, SubCommand] = MappingProxyType({
    "": form_command, "list": list_command, "mine": list_command, "assign": assign_word,
    "settings": settings_command,
})
